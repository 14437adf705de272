import Foundation
import SortieKit
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

/// Byte counts, last activity and stuck writes of one relay, feeding the metrics, the idle
/// timeout and the stall timeout.
public final class RelayMeter: Sendable {
    /// A direction of the relay.
    public enum Direction: Sendable { case toPod, toClient }

    private let metrics: ServerMetrics?
    private let lastActivityStamp: Locked<ContinuousClock.Instant>
    /// When the write in progress in each direction began (nil: none in progress).
    private let writesInProgress = Locked<(toPod: ContinuousClock.Instant?, toClient: ContinuousClock.Instant?)>((nil, nil))

    init(metrics: ServerMetrics?) {
        self.metrics = metrics
        self.lastActivityStamp = Locked(ContinuousClock.now)
    }

    /// Awaits one write towards `direction`, recording how long it has been waiting for the
    /// peer to read (see ``longestWriteInProgress``).
    func writing(_ direction: Direction, _ write: () async throws -> Void) async throws {
        writesInProgress.withLock {
            switch direction {
            case .toPod: $0.toPod = ContinuousClock.now
            case .toClient: $0.toClient = ContinuousClock.now
            }
        }
        defer {
            writesInProgress.withLock {
                switch direction {
                case .toPod: $0.toPod = nil
                case .toClient: $0.toClient = nil
                }
            }
        }
        try await write()
    }

    /// How long the oldest write still in progress has waited: a peer that stopped reading.
    var longestWriteInProgress: Duration {
        let (toPod, toClient) = writesInProgress.withLock { $0 }
        let now = ContinuousClock.now
        return max(toPod.map { now - $0 } ?? .zero, toClient.map { now - $0 } ?? .zero)
    }

    /// Payload bytes sent towards the pod.
    public func toPod(_ bytes: Int) {
        metrics?.bytesToPod.increment(by: Int64(bytes))
        lastActivityStamp.withLock { $0 = ContinuousClock.now }
    }

    /// Payload bytes sent towards the client.
    public func toClient(_ bytes: Int) {
        metrics?.bytesToClient.increment(by: Int64(bytes))
        lastActivityStamp.withLock { $0 = ContinuousClock.now }
    }

    /// When bytes last moved (or the relay started).
    var lastActivity: ContinuousClock.Instant { lastActivityStamp.withLock { $0 } }

    /// How long nothing has moved.
    var idleFor: Duration { ContinuousClock.now - lastActivity }
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
                    try await meter.writing(.toPod) { try await upstreamWriter.write(.custom(DirectUpstream.frame(frame))) }
                }
            }
            // pod → client
            group.addTask {
                for try await frame in upstream {
                    meter.toClient(frame.data.readableBytes)
                    try await meter.writing(.toClient) { try await clientWriter.write(.custom(DirectUpstream.frame(frame))) }
                }
            }
            // Whichever side closes first ends the relay; the other direction is cancelled.
            try await group.next()
            group.cancelAll()
        }
    }
}
