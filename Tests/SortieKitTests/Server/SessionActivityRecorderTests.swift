import Foundation
@testable import SortieKit
@testable import SortieServer
import Testing

/// One activity write per session per interval on a replica, however many connections ask.
@Suite("serve: session activity recorder")
struct SessionActivityRecorderTests {
    struct WriteFailed: Error {}

    final class Writes: Sendable {
        let log = Locked<[(String, Date)]>([])
        let failNext = Locked(false)
        func write(_ pod: String, _ date: Date) throws {
            let fail = failNext.withLock { fail in
                defer { fail = false }
                return fail
            }
            if fail { throw WriteFailed() }
            log.withLock { $0.append((pod, date)) }
        }
        var count: Int { log.withLock { $0.count } }
    }

    @Test func connectionsOfOneSessionShareTheInterval() async throws {
        let writes = Writes()
        let recorder = SessionActivityRecorder(interval: .seconds(60)) { try writes.write($0, $1) }
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        // Three connections of pod a open within a few seconds: one write.
        #expect(try await recorder.record(podName: "a", at: start))
        #expect(try await recorder.record(podName: "a", at: start.addingTimeInterval(2)) == false)
        #expect(try await recorder.record(podName: "a", at: start.addingTimeInterval(59)) == false)
        // Another session is independent.
        #expect(try await recorder.record(podName: "b", at: start.addingTimeInterval(3)))
        // Past the interval, the next traffic writes again.
        #expect(try await recorder.record(podName: "a", at: start.addingTimeInterval(61)))
        #expect(writes.count == 3)
        #expect(writes.log.withLock { $0.map(\.0) } == ["a", "b", "a"])
    }

    @Test func aFailedWriteDoesNotHoldBackTheNextOne() async throws {
        let writes = Writes()
        let recorder = SessionActivityRecorder(interval: .seconds(60)) { try writes.write($0, $1) }
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        writes.failNext.withLock { $0 = true }
        await #expect(throws: WriteFailed.self) { try await recorder.record(podName: "a", at: start) }
        #expect(try await recorder.record(podName: "a", at: start.addingTimeInterval(1)), "retried at once")
        #expect(writes.count == 1)
    }

    @Test func oldEntriesAreDropped() async throws {
        let writes = Writes()
        let recorder = SessionActivityRecorder(interval: .seconds(1)) { try writes.write($0, $1) }
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        for index in 0..<200 {
            try await recorder.record(podName: "pod-\(index)", at: start.addingTimeInterval(Double(index)))
        }
        #expect(writes.count == 200)
        #expect(recorder.trackedCount <= 65, "entries of sessions long gone are kept")
    }
}
