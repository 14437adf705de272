import Foundation
import HummingbirdWebSocket
import Logging
import NIOCore
import Synchronization

/// Reaches a session pod's VNC WebSocket (websockify, port 6080) and relays a client's
/// WebSocket to it. One implementation per way of reaching pods (``ServerConfiguration/UpstreamMode``).
public protocol SessionUpstream: Sendable {
    /// Connects to the pod and relays frames both ways until either side closes.
    ///
    /// Returns when the relay ends normally (either side closed); throws when the pod cannot
    /// be reached. Cancellation (idle timeout, shutdown) ends the relay and closes the upstream.
    /// - Parameters:
    ///   - pod: the session pod (its IP, name and namespace).
    ///   - subprotocol: the subprotocol agreed with the client (`binary`), offered upstream too.
    ///   - inbound: frames from the client.
    ///   - outbound: writes to the client.
    ///   - meter: counts bytes and activity.
    func relay(pod: Pod, subprotocol: String?, inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter,
               meter: RelayMeter, logger: Logger) async throws
}

/// Why an upstream could not be used.
public enum SessionUpstreamError: Error, Sendable, CustomStringConvertible {
    /// The pod has no IP yet (not scheduled or not started).
    case noPodIP(pod: String)
    /// The chosen mode is not available in this build.
    case unsupported(String)

    public var description: String {
        switch self {
        case .noPodIP(let pod): "pod \(pod) has no IP address yet"
        case .unsupported(let text): text
        }
    }
}

/// Byte counts and last activity of one relay, feeding the metrics and the idle timeout.
public final class RelayMeter: Sendable {
    private let metrics: ServerMetrics?
    private let lastActivity: Mutex<ContinuousClock.Instant>

    init(metrics: ServerMetrics?) {
        self.metrics = metrics
        self.lastActivity = Mutex(ContinuousClock.now)
    }

    /// Payload bytes sent towards the pod.
    public func toPod(_ bytes: Int) {
        metrics?.bytesToPod.increment(by: Int64(bytes))
        lastActivity.withLock { $0 = ContinuousClock.now }
    }

    /// Payload bytes sent towards the client.
    public func toClient(_ bytes: Int) {
        metrics?.bytesToClient.increment(by: Int64(bytes))
        lastActivity.withLock { $0 = ContinuousClock.now }
    }

    /// How long nothing has moved.
    var idleFor: Duration { ContinuousClock.now - lastActivity.withLock { $0 } }
}

/// Moves frames between the client's WebSocket and websockify's, both ways, until either side
/// closes. Frames are forwarded as they arrive — opcode, FIN and payload buffer unchanged
/// (fragmented messages stay fragmented; masking is the writer's job) — and each write is
/// awaited, so a slow reader slows the writer down instead of filling memory.
enum FramePump {
    static func run(client: WebSocketInboundStream, clientWriter: WebSocketOutboundWriter,
                    upstream: WebSocketInboundStream, upstreamWriter: WebSocketOutboundWriter,
                    meter: RelayMeter) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            // client → pod
            group.addTask {
                for try await frame in client {
                    meter.toPod(frame.data.readableBytes)
                    try await upstreamWriter.write(.custom(DirectUpstream.frame(frame)))
                }
            }
            // pod → client
            group.addTask {
                for try await frame in upstream {
                    meter.toClient(frame.data.readableBytes)
                    try await clientWriter.write(.custom(DirectUpstream.frame(frame)))
                }
            }
            // Whichever side closes first ends the relay; the other direction is cancelled.
            try await group.next()
            group.cancelAll()
        }
    }
}
