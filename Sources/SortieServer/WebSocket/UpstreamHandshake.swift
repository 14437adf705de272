import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// The client side of websockify's WebSocket handshake (`GET /websockify`, RFC 6455 §4.1) over
/// an ``UpstreamConnection``. Once upgraded, a ``SpliceHandler`` ends the pipeline: the relay
/// moves bytes, not frames.
enum UpstreamHandshake {
    /// The upgrade's outcome on the channel.
    enum Outcome: Sendable {
        case upgraded
        /// websockify answered with something else (an HTTP error).
        case refused
    }

    /// Performs the handshake, leaving the channel ready to be relayed.
    /// - Parameters:
    ///   - subprotocol: offered to websockify (`binary`, when the client offered it).
    ///   - maxFramePayload: the largest frame websockify may send.
    /// - Throws: ``SessionUpstreamError`` (refused, timeout) or the channel's error.
    static func perform(over connection: UpstreamConnection, subprotocol: String?, maxFramePayload: Int,
                        timeout: Duration = .seconds(10)) async throws {
        let channel = connection.channel
        let outcome = try await channel.eventLoop.flatSubmit { () -> EventLoopFuture<Outcome> in
            let timer = channel.eventLoop.scheduleTask(in: TimeAmount(timeout)) { channel.close(promise: nil) }
            let result: EventLoopFuture<Outcome>
            do {
                result = try configure(channel, host: connection.host, subprotocol: subprotocol, maxFramePayload: maxFramePayload)
            } catch {
                timer.cancel()
                return channel.eventLoop.makeFailedFuture(error)
            }
            result.whenComplete { _ in timer.cancel() }
            return result
        }.get()
        switch outcome {
        case .upgraded: return
        case .refused:
            channel.close(promise: nil)
            throw SessionUpstreamError.refusedUpgrade
        }
    }

    private static func configure(_ channel: any Channel, host: String, subprotocol: String?,
                                  maxFramePayload: Int) throws -> EventLoopFuture<Outcome> {
        let upgrader = RelayClientUpgrader<Outcome> { channel, _ in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(SpliceHandler(side: .pod, maxFramePayload: maxFramePayload))
                return .upgraded
            }
        }
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: host)
        if let subprotocol { headers.add(name: "Sec-WebSocket-Protocol", value: subprotocol) }
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: "/websockify", headers: headers)
        let configuration = NIOTypedHTTPClientUpgradeConfiguration<Outcome>(
            upgradeRequestHead: head, upgraders: [upgrader],
            notUpgradingCompletionHandler: { channel in
                channel.eventLoop.makeSucceededFuture(.refused)
            })
        var pipeline = NIOUpgradableHTTPClientPipelineConfiguration(upgradeConfiguration: configuration)
        pipeline.leftOverBytesStrategy = .forwardBytes
        return try channel.pipeline.syncOperations.configureUpgradableHTTPClientPipeline(configuration: pipeline)
    }
}
