import Foundation
import Logging

/// Forwards every connection made to a local listener to a port of a pod, each through a
/// port-forward WebSocket of its own (`GET …/pods/NAME/portforward?ports=P`), like
/// `kubectl port-forward`. One stream's failure is reported and does not end the tunnel.
public struct PortForwardTunnel: Sendable {
    /// What happened to one local connection.
    public enum Event: Sendable {
        case opened(connection: Int, port: UInt16)
        case closed(connection: Int, port: UInt16, summary: PortForwardStream.Summary)
        /// The stream failed: the pod port refused (`TunnelError.remote`), the API server went
        /// away (`.connectionLost`), or the upgrade was refused (`KubeAPIError`).
        case failed(connection: Int, port: UInt16, error: any Error)
    }

    public let client: KubeClient
    public let namespace: String
    public let podName: String
    public let configuration: TunnelConfiguration
    let logger: Logger

    public init(client: KubeClient, namespace: String, podName: String,
                configuration: TunnelConfiguration = .init(), logger: Logger = Logger(label: "sortie.tunnel")) {
        self.client = client
        self.namespace = namespace
        self.podName = podName
        self.configuration = configuration
        self.logger = logger
    }

    /// The port-forward request for one pod port.
    public func request(port: UInt16) -> KubeRequest {
        KubeRequest(.get, Pod.objectPath(namespace: namespace, name: podName) + "/portforward",
                    query: [("ports", String(port))], timeout: .none)
    }

    /// Serves `listener` until the calling task is cancelled; streams still open are then closed
    /// cleanly (WebSocket close, local socket closed) before this returns.
    /// - Parameter onEvent: called for every connection opened, closed or failed.
    public func serve(_ listener: LocalListener, to port: UInt16,
                      onEvent: @escaping @Sendable (Event) -> Void = { _ in }) async {
        await withDiscardingTaskGroup { group in
            var next = 0
            for await socket in listener.connections() {
                next += 1
                let id = next
                group.addTask { await self.forward(socket, to: port, connection: id, onEvent: onEvent) }
            }
        }
    }

    /// Relays one accepted local connection; retries the upgrade once with fresh credentials after a 401.
    public func forward(_ socket: Int32, to port: UInt16, connection id: Int,
                        onEvent: @escaping @Sendable (Event) -> Void = { _ in }) async {
        var refreshed = false
        while true {
            let upgrade: WebSocketUpgradeRequest
            do {
                upgrade = try await client.webSocketUpgrade(request(port: port), protocols: configuration.protocols,
                                                            refreshCredentials: refreshed)
            } catch {
                close(socket)
                onEvent(.failed(connection: id, port: port, error: error))
                return
            }
            do {
                onEvent(.opened(connection: id, port: port))
                logger.debug("port-forward stream opened", metadata: ["pod.name": "\(podName)", "port": "\(port)", "connection": "\(id)"])
                let summary = try await PortForwardStream.run(upgrade: upgrade, localSocket: socket, port: port, configuration: configuration)
                onEvent(.closed(connection: id, port: port, summary: summary))
                return
            } catch let error as PortForwardStream.OpenError {
                // The local socket is still ours.
                if error.underlying is CancellationError {
                    // The tunnel is closing while this stream was still being opened: not a failure.
                    close(socket)
                    onEvent(.closed(connection: id, port: port, summary: .init(bytesToPod: 0, bytesFromPod: 0)))
                    return
                }
                if let api = error.underlying as? KubeAPIError, api.code == 401, !refreshed, await client.canRefreshCredentials {
                    refreshed = true
                    continue
                }
                close(socket)
                onEvent(.failed(connection: id, port: port, error: error.underlying))
                return
            } catch {
                // The relay ran and closed the local socket itself.
                onEvent(.failed(connection: id, port: port, error: error))
                return
            }
        }
    }
}
