import Foundation
import SortieKit

/// Writes sessions' VNC activity (`sortie.io/last-activity`) for the idle reaper, once per
/// session per interval on this replica, however many WebSockets the session has: each relay
/// asks at open and then at most once per interval while traffic flows, and a request is
/// skipped when another connection of the same session wrote a time within the interval before
/// it (the reaper counts in minutes).
final class SessionActivityRecorder: Sendable {
    private let interval: Duration
    private let write: @Sendable (_ podName: String, _ date: Date) async throws -> Void
    /// The last time written per pod; entries older than two intervals are dropped.
    private let written = Locked<[String: Date]>([:])

    init(interval: Duration, write: @escaping @Sendable (_ podName: String, _ date: Date) async throws -> Void) {
        self.interval = interval
        self.write = write
    }

    /// How many sessions' last writes are remembered.
    var trackedCount: Int { written.withLock { $0.count } }

    /// Records activity at `date` on `podName` unless a recent enough write covers it.
    /// - Returns: whether a write was made.
    @discardableResult
    func record(podName: String, at date: Date) async throws -> Bool {
        let seconds = interval.seconds
        let claimed = written.withLock { written -> Bool in
            if let last = written[podName], last >= date.addingTimeInterval(-seconds) { return false }
            written[podName] = date
            if written.count > 64 {
                let horizon = date.addingTimeInterval(-2 * seconds)
                written = written.filter { $0.value >= horizon }
            }
            return true
        }
        guard claimed else { return false }
        do {
            try await write(podName, date)
        } catch {
            // Not written: let the next request try again.
            written.withLock { written in
                if written[podName] == date { written[podName] = nil }
            }
            throw error
        }
        return true
    }
}
