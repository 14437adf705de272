import Foundation
import SortieKit
import HTTPTypes
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket
import Synchronization
@_spi(WSInternal) import WSCore

/// Reaches websockify (pod port 6080) through the API server's `pods/portforward` subresource:
/// for a server running outside the cluster network (`--upstream port-forward`, or `auto`
/// without the in-cluster environment).
///
/// Each client WebSocket gets a port-forward stream of its own (as kubectl gives every local
/// connection its own stream). The stream is driven by the Tunnel's ``PortForwardTunnel`` over
/// one end of a `socketpair`; the other end is a NIO channel that speaks WebSocket to websockify
/// — the same bytes a browser would send it — and frames are pumped between the client and that
/// channel exactly as ``DirectUpstream`` does. Backpressure holds end to end: the tunnel only
/// reads a side while its bounded buffer towards the other has room, the socketpair's kernel
/// buffers are bounded, and every frame write is awaited.
public struct PortForwardUpstream: SessionUpstream {
    let client: KubeClient
    let port: UInt16
    let maxFrameSize: Int
    let tunnelConfiguration: TunnelConfiguration
    /// How long to let the tunnel finish cleanly (its WebSocket close) after the relay ended.
    let lingerTimeout: Duration

    public init(client: KubeClient, port: Int = 6080, maxFrameSize: Int = 1 << 20,
                tunnelConfiguration: TunnelConfiguration = .init(), lingerTimeout: Duration = .seconds(3)) {
        self.client = client
        self.port = UInt16(clamping: port)
        self.maxFrameSize = maxFrameSize
        self.tunnelConfiguration = tunnelConfiguration
        self.lingerTimeout = lingerTimeout
    }

    public func relay(pod: Pod, subprotocol: String?, inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter,
                      meter: RelayMeter, logger: Logger) async throws {
        guard let name = pod.metadata.name, !name.isEmpty else { throw SessionUpstreamError.unsupported("the session pod has no name") }
        let namespace = pod.metadata.namespace ?? client.configuration.namespace
        var fds: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds) == 0 else {
            throw TunnelError.localSocket(operation: "create a socket pair for", address: "the port-forward", errno: errno)
        }
        let (tunnelEnd, webSocketEnd) = (fds[0], fds[1])
        let tunnel = PortForwardTunnel(client: client, namespace: namespace, podName: name,
                                       configuration: tunnelConfiguration, logger: logger)
        let tunnelFailure = FailureBox()
        let port = self.port
        let maxFrameSize = self.maxFrameSize
        let lingerTimeout = self.lingerTimeout

        enum Part: Sendable { case tunnel, lingerExpired }
        let relayError: (any Error)? = await withTaskGroup(of: Part.self) { group in
            group.addTask {
                await tunnel.forward(tunnelEnd, to: port, connection: 1) { event in
                    if case .failed(_, _, let error) = event { tunnelFailure.set(error) }
                }
                return .tunnel
            }
            var relayError: (any Error)?
            do {
                let channel = try await Self.connectWebSocket(socket: webSocketEnd, host: "127.0.0.1:\(port)",
                                                              subprotocol: subprotocol, maxFrameSize: maxFrameSize)
                try await Self.pump(channel: channel, maxFrameSize: maxFrameSize, inbound: inbound, outbound: outbound,
                                    meter: meter, logger: logger)
            } catch {
                relayError = error
            }
            // The WebSocket side is closed, so the tunnel sees its local end close and sends the
            // API server a WebSocket close; give it a moment to do so cleanly, then stop it.
            if relayError != nil { group.cancelAll() }
            group.addTask {
                try? await Task.sleep(for: lingerTimeout)
                return .lingerExpired
            }
            if await group.next() == .lingerExpired { group.cancelAll() }
            group.cancelAll()
            return relayError
        }
        // The tunnel's reason (pod not found, port refused, API server gone) explains a failed
        // WebSocket better than the socket closing under it.
        if let failure = tunnelFailure.value {
            if relayError != nil { throw failure }
            logger.debug("port-forward stream ended with an error after the relay", metadata: ["error": "\(failure)"])
        }
        if let relayError, !(relayError is CancellationError) { throw relayError }
    }

    /// The upgrade's outcome on the channel.
    enum UpgradeResult: Sendable {
        case websocket(NIOAsyncChannel<NIOWebSocket.WebSocketFrame, NIOWebSocket.WebSocketFrame>)
        case notUpgraded
    }

    /// Wraps `socket` in a NIO channel and performs the WebSocket upgrade for `/websockify` over it.
    static func connectWebSocket(socket: Int32, host: String, subprotocol: String?,
                                 maxFrameSize: Int) async throws -> NIOAsyncChannel<NIOWebSocket.WebSocketFrame, NIOWebSocket.WebSocketFrame> {
        let upgrade = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .withConnectedSocket(socket) { channel in
                channel.eventLoop.makeCompletedFuture {
                    let upgrader = NIOTypedWebSocketClientUpgrader<UpgradeResult>(
                        maxFrameSize: maxFrameSize,
                        upgradePipelineHandler: { channel, _ in
                            channel.eventLoop.makeCompletedFuture {
                                .websocket(try NIOAsyncChannel(wrappingChannelSynchronously: channel))
                            }
                        })
                    var headers = HTTPHeaders()
                    headers.add(name: "Host", value: host)
                    if let subprotocol { headers.add(name: "Sec-WebSocket-Protocol", value: subprotocol) }
                    let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: "/websockify", headers: headers)
                    let configuration = NIOTypedHTTPClientUpgradeConfiguration<UpgradeResult>(
                        upgradeRequestHead: head, upgraders: [upgrader],
                        notUpgradingCompletionHandler: { channel in channel.eventLoop.makeSucceededFuture(.notUpgraded) })
                    var pipeline = NIOUpgradableHTTPClientPipelineConfiguration(upgradeConfiguration: configuration)
                    pipeline.leftOverBytesStrategy = .forwardBytes
                    return try channel.pipeline.syncOperations.configureUpgradableHTTPClientPipeline(configuration: pipeline)
                }
            }
        switch try await upgrade.get() {
        case .websocket(let channel): return channel
        case .notUpgraded: throw SessionUpstreamError.unsupported("websockify in the pod refused the WebSocket upgrade")
        }
    }

    /// Runs the client side of the WebSocket on `channel` (masking, ping/pong, close handshake:
    /// the same handler `WSClient` uses) and pumps frames between it and the browser.
    static func pump(channel: NIOAsyncChannel<NIOWebSocket.WebSocketFrame, NIOWebSocket.WebSocketFrame>, maxFrameSize: Int,
                     inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter,
                     meter: RelayMeter, logger: Logger) async throws {
        _ = try await WebSocketHandler.handle(
            type: .client,
            configuration: .init(extensions: [], autoPing: .disabled, closeTimeout: .seconds(5), validateUTF8: false,
                                 maxFrameSize: maxFrameSize),
            asyncChannel: channel,
            context: UpstreamContext(logger: logger)
        ) { upstreamInbound, upstreamOutbound, _ in
            try await FramePump.run(client: inbound, clientWriter: outbound, upstream: upstreamInbound,
                                    upstreamWriter: upstreamOutbound, meter: meter)
        }
    }

    /// The tunnel's failure, reported from its event callback.
    final class FailureBox: Sendable {
        private let stored = Locked<(any Error)?>(nil)
        func set(_ error: any Error) { stored.withLock { $0 = $0 ?? error } }
        var value: (any Error)? { stored.withLock { $0 } }
    }

    struct UpstreamContext: WebSocketContext {
        let logger: Logger
    }
}
