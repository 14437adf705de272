import Foundation
import Logging
import NIOCore
import SortieKit

/// One proxied WebSocket, relayed on its event loop: the client's connection and the one to the
/// pod's websockify live on the same loop, and what one side reads is written to the other as
/// it is — the same buffer, no copy, no frame decoding, no hop to another thread. Both
/// handshakes are done by then and no extension is negotiated on either, so the bytes are valid
/// on the other side unchanged: the client's frames are masked as websockify requires, and
/// websockify's are unmasked as a client requires. A ``WebSocketFrameScanner`` per direction
/// still checks every frame header, counts payload bytes for the metrics and knows where
/// frames end, so the relay can add a close frame of its own.
///
/// The relay also ends connections nobody uses (`--ws-idle-timeout`, close 1001), connections
/// whose peer stopped reading (`--ws-stall-timeout`: a write waiting that long), and records the
/// session's activity on its pod (at open, then at most once per `recordInterval` while traffic
/// flows) for the session idle reaper. Everything here runs on the event loop.
final class WebSocketRelay {
    struct Settings: Sendable {
        var idleTimeout: Duration
        var stallTimeout: Duration
        var recordInterval: Duration
        /// How long a closing side may take to send what it still has.
        var closeLinger: TimeAmount = .seconds(5)
        /// The longest the watchdog sleeps (so a stall that began just after a check is noticed in time).
        var longestCheckInterval: Duration = .seconds(5)
    }

    /// Why the relay ended.
    enum Ending: Sendable, Equatable, CustomStringConvertible {
        case clientClosed, podClosed, idle, stalled
        case violation(SpliceHandler.Side, WebSocketFrameScanner.Violation)

        var description: String {
            switch self {
            case .clientClosed: "client closed"
            case .podClosed: "pod closed"
            case .idle: "idle timeout"
            case .stalled: "a peer stopped reading"
            case .violation(let side, let violation): "protocol violation by the \(side): \(violation)"
            }
        }
    }

    let client: SpliceHandler
    let pod: SpliceHandler
    private let settings: Settings
    private let metrics: ServerMetrics?
    private let record: @Sendable (Date) async throws -> Void
    private let logger: Logger
    private let eventLoop: any EventLoop

    private var lastActivity = NIODeadline.now()
    private var lastRecorded: NIODeadline?
    private var watchdog: Scheduled<Void>?
    private(set) var ending: Ending?

    init(client: SpliceHandler, pod: SpliceHandler, settings: Settings, metrics: ServerMetrics?,
         record: @escaping @Sendable (Date) async throws -> Void, logger: Logger, eventLoop: any EventLoop) {
        self.client = client
        self.pod = pod
        self.settings = settings
        self.metrics = metrics
        self.record = record
        self.logger = logger
        self.eventLoop = eventLoop
    }

    /// Joins the two sides: forwards what the pod sent before the client was attached, starts
    /// the watchdog and records the opening. Both handlers must be in their pipelines.
    func start() {
        eventLoop.preconditionInEventLoop()
        client.relay = self
        pod.relay = self
        recordActivity(at: lastActivity)
        for buffer in pod.takeHeld() { received(buffer, from: pod) }
        client.flush()
        if !pod.isActive { end(.podClosed) }
        if !client.isActive { end(.clientClosed) }
        guard ending == nil else { return }
        // Reads held back while the relay was not attached.
        pod.resumeReading()
        client.resumeReading()
        scheduleCheck(after: .zero)
    }

    // MARK: Data

    func received(_ buffer: ByteBuffer, from source: SpliceHandler) {
        guard ending == nil else { return }
        let payloadBytes: Int
        do {
            payloadBytes = try source.scanner.scan(buffer)
        } catch {
            end(.violation(source.side, error))
            return
        }
        lastActivity = .now()
        let target = other(source)
        if payloadBytes > 0 {
            let counter = target.side == .pod ? metrics?.bytesToPod : metrics?.bytesToClient
            counter?.increment(by: Int64(payloadBytes))
        }
        target.write(buffer)
    }

    func readComplete(from source: SpliceHandler) {
        other(source).flush()
    }

    /// A side may read while the other can take what it reads.
    func mayRead(_ reader: SpliceHandler) -> Bool {
        ending == nil && other(reader).isWritable
    }

    func writabilityChanged(of handler: SpliceHandler) {
        if handler.isWritable { other(handler).resumeReading() }
    }

    /// A side's connection closed, or its peer half-closed it (FIN).
    func closed(_ handler: SpliceHandler) {
        end(handler.side == .client ? .clientClosed : .podClosed)
    }

    private func other(_ handler: SpliceHandler) -> SpliceHandler {
        handler === client ? pod : client
    }

    // MARK: Ending

    /// Ends the relay once, closing both sides as the reason calls for: what one side sent before
    /// it closed still reaches the other; the relay's own endings tell the client why with a
    /// close frame when one fits between frames.
    func end(_ reason: Ending) {
        guard ending == nil else { return }
        ending = reason
        watchdog?.cancel()
        watchdog = nil
        let linger = settings.closeLinger
        switch reason {
        case .clientClosed:
            // What the client sent before it left still reaches websockify.
            pod.closeAfterFlushing(linger: linger)
            client.close()
        case .podClosed:
            // websockify ending the TCP connection without a close frame (the pod stopped, the
            // port-forward broke) is a server error from the client's point of view.
            sendClose(code: 1011, reason: "the session's connection ended")
            client.closeAfterFlushing(linger: linger)
            pod.close()
        case .idle:
            sendClose(code: 1001, reason: "idle timeout")
            client.closeAfterFlushing(linger: linger)
            pod.close()
        case .stalled:
            client.close()
            pod.close()
        case .violation(let side, let violation):
            if side == .client { sendClose(code: violation.closeCode, reason: violation.closeCode == 1009 ? "frame too large" : "protocol error") }
            client.closeAfterFlushing(linger: linger)
            pod.close()
        }
        client.relay = nil
        pod.relay = nil
    }

    /// A close frame to the client (unmasked, as a server sends it), if the stream towards the
    /// client is between frames and websockify has not sent its own close.
    private func sendClose(code: UInt16, reason: String) {
        guard client.isActive, pod.scanner.isAtFrameBoundary, !pod.scanner.sawClose else { return }
        client.write(Self.closeFrame(code: code, reason: reason))
        client.flush()
    }

    /// A server's close frame: FIN + opcode 8, unmasked, the code and a reason of at most 123 bytes.
    static func closeFrame(code: UInt16, reason: String) -> ByteBuffer {
        let reasonBytes = Array(reason.utf8.prefix(123))
        var buffer = ByteBuffer()
        buffer.writeInteger(UInt8(0x88))
        buffer.writeInteger(UInt8(2 + reasonBytes.count))
        buffer.writeInteger(code)
        buffer.writeBytes(reasonBytes)
        return buffer
    }

    // MARK: Watchdog

    private func scheduleCheck(after delay: Duration) {
        watchdog = eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(delay)) { [self] in check() }
    }

    /// Ends an idle or stalled relay, records activity when due, and sleeps until the next deadline.
    private func check() {
        guard ending == nil else { return }
        let now = NIODeadline.now()
        let idle = Duration(now - lastActivity)
        if idle >= settings.idleTimeout {
            logger.debug("websocket idle", metadata: ["idle": "\(idle)"])
            end(.idle)
            return
        }
        let stuckSince = [client.unwritableSince, pod.unwritableSince].compactMap { $0 }.min()
        let stuck = stuckSince.map { Duration(now - $0) } ?? .zero
        if stuck >= settings.stallTimeout {
            end(.stalled)
            return
        }
        if let lastRecorded, lastActivity > lastRecorded, Duration(now - lastRecorded) >= settings.recordInterval {
            recordActivity(at: lastActivity)
        }
        scheduleCheck(after: min(settings.idleTimeout - idle, settings.stallTimeout - stuck,
                                 settings.recordInterval, settings.longestCheckInterval))
    }

    /// Writes the activity in a task of its own: a slow API server never delays the relay. A
    /// failed write is logged; the next traffic after the interval writes again.
    private func recordActivity(at instant: NIODeadline) {
        lastRecorded = instant
        let date = Date().addingTimeInterval(-Double((NIODeadline.now() - instant).nanoseconds) / 1e9)
        let record = self.record
        let logger = self.logger
        Task {
            do {
                try await record(date)
            } catch {
                logger.debug("could not record session activity", metadata: ["error": "\(error)"])
            }
        }
    }
}
