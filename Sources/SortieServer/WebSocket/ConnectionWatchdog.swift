import Foundation
import SortieKit
import Logging

/// Watches one proxied WebSocket connection: ends it after the connection idle timeout or when
/// a write has waited `stallTimeout` for a peer that stopped reading (a frozen app or viewer;
/// without this a stuck relay would keep its connection slot, its upstream connection and its
/// buffered frames even after the client left), and records the session's VNC activity on its
/// pod (`sortie.io/last-activity`) so the reaper — on whichever replica leads — can end
/// sessions nobody has used for `SESSION_IDLE_TIMEOUT`.
///
/// Activity is written when the connection opens and then at most once per `recordInterval`
/// while traffic flows, so a busy stream costs one small PATCH a minute, not one per frame.
struct ConnectionWatchdog: Sendable {
    let meter: RelayMeter
    let idleTimeout: Duration
    let stallTimeout: Duration
    let recordInterval: Duration
    let record: @Sendable (Date) async throws -> Void
    let logger: Logger

    /// Why the watchdog ended a connection.
    enum Verdict: Sendable { case idle, stalled }

    /// Runs until the connection has been idle for `idleTimeout` or a write has been stuck for
    /// `stallTimeout` (then returns why), or is cancelled. Activity is recorded alongside, so a
    /// slow API server never delays the timeouts.
    func run() async throws -> Verdict {
        try await withThrowingTaskGroup(of: Verdict?.self) { group in
            group.addTask { try await recordActivityWhileOpen(); return nil }
            group.addTask { try await watch() }
            while let result = try await group.next() {
                if let verdict = result {
                    group.cancelAll()
                    return verdict
                }
            }
            return .idle
        }
    }

    private func watch() async throws -> Verdict {
        while true {
            let idle = meter.idleFor
            if idle >= idleTimeout { return .idle }
            let stuck = meter.longestWriteInProgress
            if stuck >= stallTimeout { return .stalled }
            try await Task.sleep(for: min(idleTimeout - idle, stallTimeout - stuck, .seconds(5)) + .milliseconds(10))
        }
    }

    /// At open, then at most once per `recordInterval` while traffic flows; until cancelled.
    private func recordActivityWhileOpen() async throws {
        var recorded = meter.lastActivity
        await recordActivity(at: recorded)
        while true {
            try await Task.sleep(for: recordInterval)
            let last = meter.lastActivity
            if last > recorded {
                await recordActivity(at: last)
                recorded = last
            }
        }
    }

    /// A failed write is logged and retried at the next interval: the relay goes on regardless.
    private func recordActivity(at instant: ContinuousClock.Instant) async {
        let date = Date().addingTimeInterval(-(ContinuousClock.now - instant).seconds)
        do {
            try await record(date)
        } catch is CancellationError {
        } catch {
            logger.debug("could not record session activity", metadata: ["error": "\(error)"])
        }
    }
}
