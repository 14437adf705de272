import Foundation
import SortieKit

/// The server's view of every session, kept current by one shared watch on the session pods
/// (``SessionWatchService``). API reads come from here, so they cost no API-server round trip,
/// a pod that dies is `failed` at once, and a restarted server knows every session after its
/// first list.
public actor SessionStore {
    /// Whether the view can be trusted.
    public enum SyncState: Sendable, Equatable {
        /// No list has succeeded yet.
        case notSynced
        /// Listed, and the watch is running.
        case synced
        /// The watch broke; the last known view is kept until the next list succeeds.
        case disconnected(since: Date, reason: String)
    }

    private var pods: [String: Pod] = [:] {
        didSet { ordered = nil }
    }
    /// Each pod's session, derived once per pod version (reads only re-check the timeout).
    private var derived: [String: Session] = [:]
    /// `derived` oldest first, rebuilt after a change.
    private var ordered: [Session]?
    public private(set) var state: SyncState = .notSynced
    private var waiters: [UUID: CheckedContinuation<Bool, Never>] = [:]
    private let timeoutMinutes: Int
    private let now: @Sendable () -> Date
    /// Called when a session is first seen `running` (for the ready-latency metric).
    private let onReady: @Sendable (Session) -> Void
    private var seenRunning: Set<String> = []

    public init(timeoutMinutes: Int, now: @escaping @Sendable () -> Date = { Date() },
                onReady: @escaping @Sendable (Session) -> Void = { _ in }) {
        self.timeoutMinutes = timeoutMinutes
        self.now = now
        self.onReady = onReady
    }

    // MARK: Feeding

    /// Applies one event of the pod `listWatch`.
    public func apply(_ event: ListWatchEvent<Pod>) {
        switch event {
        case .synced(let list):
            pods = [:]
            derived = [:]
            for pod in list { if let id = Self.sessionID(pod) { store(pod, id: id) } }
            state = .synced
            for waiter in waiters.values { waiter.resume(returning: true) }
            waiters = [:]
            for pod in list { noteReadiness(pod) }
        case .added(let pod), .modified(let pod):
            upsert(pod, force: true)
        case .deleted(let pod):
            if let id = Self.sessionID(pod) {
                pods[id] = nil
                derived[id] = nil
                seenRunning.remove(id)
            }
        }
    }

    /// Records a pod the server itself just created or deleted, unless the watch already
    /// delivered a newer version of it (so a GET right after a POST finds the session).
    public func upsert(_ pod: Pod, force: Bool = false) {
        guard let id = Self.sessionID(pod) else { return }
        if !force, let existing = pods[id], Self.isNewer(existing, than: pod) { return }
        store(pod, id: id)
        noteReadiness(pod)
    }

    private func store(_ pod: Pod, id: String) {
        pods[id] = pod
        derived[id] = Session(pod: pod, now: now(), timeoutMinutes: timeoutMinutes)
    }

    /// The derived session, re-derived if it has outlived the session timeout since.
    private func current(_ session: Session, id: String, at date: Date) -> Session {
        guard session.status == .creating || session.status == .running,
              date.timeIntervalSince(session.createdAt) > TimeInterval(timeoutMinutes) * 60,
              let pod = pods[id] else { return session }
        return Session(pod: pod, now: date, timeoutMinutes: timeoutMinutes) ?? session
    }

    /// Marks the watch as broken.
    public func disconnected(reason: String) {
        if case .disconnected = state { return }
        state = .disconnected(since: now(), reason: reason)
    }

    // MARK: Reading

    /// Every session, oldest first.
    public func sessions() -> [Session] {
        let sorted = ordered ?? derived.values.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
        ordered = sorted
        let date = now()
        return sorted.map { current($0, id: $0.id.lowercased(), at: date) }
    }

    /// The session with exactly this id, and its pod.
    public func session(id: String) -> (session: Session, pod: Pod)? {
        let key = id.lowercased()
        guard let pod = pods[key], let session = derived[key] else { return nil }
        return (current(session, id: key, at: now()), pod)
    }

    /// Waits until the first list has completed; `false` if `timeout` passed first.
    public func waitUntilSynced(timeout: Duration) async -> Bool {
        if state != .notSynced { return true }
        let token = UUID()
        return await withTaskGroup(of: Bool.self) { group in
            group.addTask { await self.suspendUntilSynced(token) }
            group.addTask {
                try? await Task.sleep(for: timeout)
                await self.cancelWaiter(token)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            cancelWaiter(token)
            return first
        }
    }

    private func suspendUntilSynced(_ token: UUID) async -> Bool {
        if state != .notSynced { return true }
        return await withCheckedContinuation { continuation in waiters[token] = continuation }
    }

    private func cancelWaiter(_ token: UUID) {
        waiters.removeValue(forKey: token)?.resume(returning: state != .notSynced)
    }

    // MARK: Helpers

    private func noteReadiness(_ pod: Pod) {
        guard let session = Session(pod: pod, now: now(), timeoutMinutes: timeoutMinutes), session.status == .running,
              !seenRunning.contains(session.id) else { return }
        seenRunning.insert(session.id)
        onReady(session)
    }

    static func sessionID(_ pod: Pod) -> String? {
        Session.id(of: pod)?.lowercased()
    }

    /// resourceVersions are opaque, but every known server uses increasing integers; compare
    /// them only when both are numbers.
    static func isNewer(_ a: Pod, than b: Pod) -> Bool {
        guard let x = a.metadata.resourceVersion.flatMap(Int64.init), let y = b.metadata.resourceVersion.flatMap(Int64.init) else { return false }
        return x > y
    }
}
