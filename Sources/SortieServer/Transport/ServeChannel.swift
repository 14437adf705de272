import SortieKit
import Hummingbird
import HummingbirdCore
import HTTPTypes
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1

/// Decides WebSocket upgrade requests and starts the relay of the accepted ones; implemented by
/// ``WebSocketController``.
protocol WebSocketGate: Sendable {
    /// Runs before the `101`: checks the request and opens the upstream.
    func admit(_ head: HTTPRequestHead, channel: any Channel, logger: Logger) async -> WebSocketAdmission
    /// Runs on the client channel's event loop once the `101` has been sent.
    func startRelay(on channel: any Channel, accepted: AcceptedWebSocket, logger: Logger) throws
}

/// The gate's decision.
enum WebSocketAdmission: Sendable {
    case accepted(AcceptedWebSocket)
    /// Answered as this error (status and JSON body), then the connection is closed.
    case refused(APIError)
}

/// What an accepted upgrade carries to the relay.
struct AcceptedWebSocket: Sendable {
    let session: Session
    /// websockify's connection, handshake done, ending in a ``SpliceHandler``.
    let upstream: UpstreamConnection
    /// The subprotocol agreed with the client.
    let subprotocol: String?
}

/// The connection channel of `sortiectl serve`: HTTP/1 for the REST API and the web page, and
/// the WebSocket upgrade of `/ws/sessions/{id}`, relayed on the event loop (``WebSocketRelay``)
/// rather than through Hummingbird's async WebSocket handler, which would hop every frame to a
/// Swift task and back.
///
/// Also the guards Hummingbird's own channel lacks: a connection must complete its first request
/// head within ``ServerConfiguration/requestHeadTimeout``, bytes the HTTP parser rejects get a
/// `400` and a close, and a refused upgrade is answered with its reason (status and JSON body,
/// like the REST API) instead of a bare `400`.
struct ServeChannel: ServerChildChannel, HTTPChannelHandler {
    enum UpgradeResult: Sendable {
        /// The WebSocket is being relayed; the connection ends when the channel closes.
        case relaying
        case http(NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>)
        case refused(NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>, APIError)
    }

    struct Value: ServerChildChannelValue {
        let upgradeResult: EventLoopFuture<UpgradeResult>
        let channel: any Channel
    }

    let responder: HTTPChannelHandler.Responder
    let http1: HTTP1Channel.Configuration
    let gate: any WebSocketGate
    let requestHeadTimeout: Duration

    init(responder: @escaping HTTPChannelHandler.Responder, http1: HTTP1Channel.Configuration,
         gate: any WebSocketGate, requestHeadTimeout: Duration) {
        self.responder = Self.refusingLateUpgrades(responder)
        self.http1 = http1
        self.gate = gate
        self.requestHeadTimeout = requestHeadTimeout
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            let pipeline = channel.pipeline.syncOperations
            if requestHeadTimeout > .zero {
                try pipeline.addHandler(RequestHeadDeadline(timeout: TimeAmount(requestHeadTimeout)))
            }
            let gate = self.gate
            let http1 = self.http1
            // What the gate said, for the pipeline callbacks that run after it (same event loop).
            let refusal = NIOLoopBoundBox<APIError?>(nil, eventLoop: channel.eventLoop)
            let accepted = NIOLoopBoundBox<AcceptedWebSocket?>(nil, eventLoop: channel.eventLoop)
            let upgrader = RelayServerUpgrader<UpgradeResult>(
                shouldUpgrade: { channel, head in
                    guard RelayServerUpgrader<UpgradeResult>.isValidRequest(head) else {
                        refusal.value = APIError.badRequest("a WebSocket upgrade needs one Sec-WebSocket-Key and Sec-WebSocket-Version: 13")
                        return channel.eventLoop.makeSucceededFuture(nil)
                    }
                    let decision = channel.eventLoop.makePromise(of: WebSocketAdmission.self)
                    decision.completeWithTask { await gate.admit(head, channel: channel, logger: logger) }
                    return decision.futureResult.map { admission -> HTTPHeaders? in
                        switch admission {
                        case .refused(let error):
                            refusal.value = error
                            return nil
                        case .accepted(let admitted):
                            accepted.value = admitted
                            var headers = HTTPHeaders()
                            if let subprotocol = admitted.subprotocol { headers.add(name: "Sec-WebSocket-Protocol", value: subprotocol) }
                            return headers
                        }
                    }
                },
                upgradePipeline: { channel, _ in
                    channel.eventLoop.makeCompletedFuture {
                        guard let admitted = accepted.value else { throw ChannelError.inappropriateOperationForState }
                        accepted.value = nil
                        let pipeline = channel.pipeline.syncOperations
                        pipeline.removeHandler(try pipeline.handler(type: BadRequestCloser.self), promise: nil)
                        try gate.startRelay(on: channel, accepted: admitted, logger: logger)
                        return .relaying
                    }
                })
            let upgrade = NIOTypedHTTPServerUpgradeConfiguration(
                upgraders: [upgrader],
                notUpgradingCompletionHandler: { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let pipeline = channel.pipeline.syncOperations
                        try pipeline.addHandler(HTTP1ToHTTPServerCodec(secure: false))
                        try pipeline.addHandlers(http1.additionalChannelHandlers())
                        try pipeline.addHandler(HTTPConnectionStateHandler(idleTimeout: http1.idleTimeout.map(Duration.init), logger: logger))
                        let asyncChannel = try NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>(
                            wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true))
                        if let error = refusal.value { return .refused(asyncChannel, error) }
                        return .http(asyncChannel)
                    }
                })
            var configuration = NIOUpgradableHTTPServerPipelineConfiguration<UpgradeResult>(upgradeConfiguration: upgrade)
            configuration.enablePipelining = false  // HTTP is pipelined by NIOAsyncChannel
            configuration.enableErrorHandling = false  // BadRequestCloser and Hummingbird handle errors
            configuration.enableResponseHeaderValidation = false  // Swift HTTP Types validate already
            configuration.decoderConfiguration.maxHeaderFieldSize = http1.httpDecoder.maxHeaderFieldSize
            configuration.decoderConfiguration.maxHeaderListSize = http1.httpDecoder.maxHeaderListSize
            configuration.decoderConfiguration.maxHeaderFieldCount = http1.httpDecoder.maxHeaderFieldCount
            let result = try pipeline.configureUpgradableHTTPServerPipeline(configuration: configuration)
            // After the HTTP decoder: it sees the decoder's errors.
            try pipeline.addHandler(BadRequestCloser())
            return Value(upgradeResult: result, channel: channel)
        }
    }

    func handle(value: Value, logger: Logger) async {
        do {
            switch try await value.upgradeResult.get() {
            case .http(let channel):
                await handleHTTP(asyncChannel: channel, logger: logger)
            case .refused(let channel, let error):
                await Self.writeRefusal(error, to: channel, logger: logger)
            case .relaying:
                let channel = value.channel
                await withTaskCancellationHandler {
                    try? await channel.closeFuture.get()
                } onCancel: {
                    channel.close(promise: nil)
                }
            }
        } catch let error as ChannelError where error == .inputClosed {
            logger.trace("connection closed before its first request")
        } catch {
            logger.debug("connection ended during its first request", metadata: ["error": "\(error)"])
        }
    }

    /// The gate's refusal as an HTTP answer (status, JSON body), then the connection closes: a
    /// client that wanted a WebSocket learns why it did not get one.
    static func writeRefusal(_ error: APIError, to channel: NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>,
                             logger: Logger) async {
        do {
            try await channel.executeThenClose { _, outbound in
                let body = error.jsonBody()
                var headers = error.headers
                headers[.contentType] = "application/json; charset=utf-8"
                headers[.contentLength] = String(body.readableBytes)
                headers[.connection] = "close"
                try await outbound.write(contentsOf: [
                    .head(HTTPResponse(status: error.status, headerFields: headers)),
                    .body(body),
                    .end(nil),
                ])
            }
        } catch {
            logger.trace("could not write the upgrade refusal", metadata: ["error": "\(error)"])
        }
    }

    /// NIO upgrades only a connection's first request. An upgrade request reaching the HTTP
    /// routes (a later request on a kept-alive connection) gets a `400` saying so, and the
    /// connection closes (Hummingbird's channel redirects it to itself instead).
    static func refusingLateUpgrades(_ responder: @escaping HTTPChannelHandler.Responder) -> HTTPChannelHandler.Responder {
        struct CloseConnection: Error {}
        return { request, writer, channel in
            guard request.headers[.upgrade]?.lowercased() == "websocket" else {
                return try await responder(request, writer, channel)
            }
            let error = APIError.badRequest(
                "a WebSocket upgrade must be the first request on its connection")
            var headers = error.headers
            headers[.contentType] = "application/json; charset=utf-8"
            headers[.connection] = "close"
            try await writer.write(response: HTTPResponse(status: error.status, headerFields: headers),
                                   body: ResponseBody(byteBuffer: error.jsonBody()))
            throw CloseConnection()
        }
    }
}

extension HTTPServerBuilder {
    /// ``ServeChannel``: HTTP/1 with the session WebSocket relay.
    static func serve(gate: any WebSocketGate, http1: HTTP1Channel.Configuration, requestHeadTimeout: Duration) -> HTTPServerBuilder {
        .init { responder in
            ServeChannel(responder: responder, http1: http1, gate: gate, requestHeadTimeout: requestHeadTimeout)
        }
    }
}
