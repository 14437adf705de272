import Foundation
import SortieKit
import Logging
import NIOCore
import NIOPosix

/// Reaches websockify (pod port 6080) through the API server's `pods/portforward` subresource:
/// for a server running outside the cluster network (`--upstream port-forward`, or `auto`
/// without the in-cluster environment).
///
/// Each client WebSocket gets a port-forward stream of its own (as kubectl gives every local
/// connection its own stream). The stream is driven by the Tunnel's ``PortForwardTunnel`` over
/// one end of a `socketpair`; the other end becomes a NIO channel on the client's event loop,
/// over which the relay speaks WebSocket to websockify — the same bytes a browser would send
/// it. Backpressure holds end to end: the tunnel only reads a side while its bounded buffer
/// towards the other has room, the socketpair's kernel buffers are bounded, and the relay reads
/// a side only while the other can take it.
public struct PortForwardUpstream: SessionUpstream {
    let client: KubeClient
    let port: UInt16
    let tunnelConfiguration: TunnelConfiguration
    /// How long to let the tunnel finish cleanly (its WebSocket close) after the channel closed.
    let lingerTimeout: Duration

    public init(client: KubeClient, port: Int = 6080, tunnelConfiguration: TunnelConfiguration = .init(),
                lingerTimeout: Duration = .seconds(3)) {
        self.client = client
        self.port = UInt16(clamping: port)
        self.tunnelConfiguration = tunnelConfiguration
        self.lingerTimeout = lingerTimeout
    }

    public func connect(to pod: Pod, on eventLoop: any EventLoop, logger: Logger) async throws -> UpstreamConnection {
        guard let name = pod.metadata.name, !name.isEmpty else { throw SessionUpstreamError.unsupported("the session pod has no name") }
        let namespace = pod.metadata.namespace ?? client.configuration.namespace
        var fds: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds) == 0 else {
            throw TunnelError.localSocket(operation: "create a socket pair for", address: "the port-forward", errno: errno)
        }
        let (tunnelEnd, channelEnd) = (fds[0], fds[1])
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: eventLoop).withConnectedSocket(channelEnd).get()
        } catch {
            close(tunnelEnd)
            close(channelEnd)
            throw error
        }
        let tunnel = PortForwardTunnel(client: client, namespace: namespace, podName: name,
                                       configuration: tunnelConfiguration, logger: logger)
        let failure = FailureBox()
        let port = self.port
        let lingerTimeout = self.lingerTimeout
        // The tunnel runs until its end of the pair closes (the channel closed) or the stream
        // fails (then it closes its end, and the channel sees the EOF); once the channel is
        // closed it gets `lingerTimeout` to send the API server its close.
        let tunnelTask = Task {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    await tunnel.forward(tunnelEnd, to: port, connection: 1) { event in
                        if case .failed(_, _, let error) = event { failure.set(error) }
                    }
                }
                group.addTask {
                    try? await channel.closeFuture.get()
                    try? await Task.sleep(for: lingerTimeout)
                }
                await group.next()
                group.cancelAll()
            }
        }
        return UpstreamConnection(channel: channel, host: "127.0.0.1:\(port)") {
            // The tunnel records its failure right after closing its socket: let it finish.
            _ = await withTaskGroup(of: Bool.self) { group in
                group.addTask { await tunnelTask.value; return true }
                group.addTask { try? await Task.sleep(for: .seconds(2)); return false }
                defer { group.cancelAll() }
                return await group.next() ?? false
            }
            return failure.value
        }
    }

    /// The tunnel's failure, reported from its event callback.
    final class FailureBox: Sendable {
        private let stored = Locked<(any Error)?>(nil)
        func set(_ error: any Error) { stored.withLock { $0 = $0 ?? error } }
        var value: (any Error)? { stored.withLock { $0 } }
    }
}
