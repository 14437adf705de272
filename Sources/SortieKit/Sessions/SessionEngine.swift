import Foundation
import Logging

/// Creates, finds, waits for, ends and reaps sessions. Kubernetes is the only state: every
/// answer is read from the session pods, so a restarted CLI or server sees the same sessions.
public struct SessionEngine: Sendable {
    public let client: KubeClient
    public let catalog: AppCatalog
    public let settings: SessionSettings
    var now: @Sendable () -> Date
    var makeSessionID: @Sendable () -> UUID
    let logger: Logger

    public init(client: KubeClient, catalog: AppCatalog, settings: SessionSettings,
                now: @escaping @Sendable () -> Date = { Date() },
                makeSessionID: @escaping @Sendable () -> UUID = { UUID() },
                logger: Logger = Logger(label: "sortie.sessions")) {
        self.client = client
        self.catalog = catalog
        self.settings = settings
        self.now = now
        self.makeSessionID = makeSessionID
        self.logger = logger
    }

    var namespace: String { settings.namespace }

    // MARK: Create

    /// Creates a session pod for an app and returns the session (status `creating`).
    ///
    /// The session id — and so the pod name — is chosen before the request, which makes a
    /// retried create idempotent: if the first attempt reached the server, the retry finds the
    /// pod (AlreadyExists with our own session id) instead of creating a second one.
    /// - Throws: `CatalogError` (unknown or url app), `SessionError.quotaExceeded`, `KubeAPIError`
    ///   (e.g. the namespace ResourceQuota's 403), `KubeClientError`.
    /// - Parameter checkQuota: `false` when the caller already checked for a batch (`--count`).
    public func create(appID: String, userID: String, dryRun: DryRun = .none, checkQuota: Bool = true) async throws -> Session {
        try await createReturningPod(appID: appID, userID: userID, dryRun: dryRun, checkQuota: checkQuota).session
    }

    /// ``create(appID:userID:dryRun:checkQuota:)``, also returning the pod as the API server
    /// stored it (a cache can take it without reading it back).
    public func createReturningPod(appID: String, userID: String, dryRun: DryRun = .none,
                                   checkQuota: Bool = true) async throws -> (session: Session, pod: Pod) {
        let app = try catalog.sessionCapableApp(id: appID)
        if checkQuota { try await self.checkQuota(userID: userID) }
        let sessionID = makeSessionID()
        let pod = try PodTemplateBuilder(settings: settings).pod(for: app, sessionID: sessionID, userID: userID, now: now())
        let created = try await createIdempotently(pod, sessionID: sessionID, dryRun: dryRun)
        guard let session = Session(pod: created, now: now(), timeoutMinutes: settings.sessionTimeoutMinutes) else {
            throw KubeClientError.decoding(request: "POST pods", type: "Session", message: "the created pod lacks the session labels")
        }
        logger.info("session created", metadata: ["session.id": "\(session.id)", "pod.name": "\(session.podName)", "k8s.namespace": "\(namespace)"])
        return (session, created)
    }

    private func createIdempotently(_ pod: Pod, sessionID: UUID, dryRun: DryRun) async throws -> Pod {
        let name = pod.metadata.name ?? ""
        for attempt in 0..<3 {
            do {
                return try await client.create(pod, namespace: namespace, dryRun: dryRun)
            } catch let error as KubeAPIError where error.reason == .alreadyExists && attempt > 0 {
                // Our earlier attempt landed after all.
                let existing = try await client.get(Pod.self, namespace: namespace, name: name)
                if existing.metadata.labels?[SessionLabels.sessionID] == sessionID.uuidString.lowercased() { return existing }
                throw error
            } catch let error as KubeClientError {
                switch error {
                case .timeout, .connectionLost:
                    // The POST may or may not have been applied: look before trying again.
                    logger.debug("create interrupted; checking for the pod", metadata: ["pod.name": "\(name)"])
                    if let existing = try? await client.get(Pod.self, namespace: namespace, name: name) { return existing }
                    continue
                default:
                    throw error
                }
            }
        }
        return try await client.get(Pod.self, namespace: namespace, name: name)
    }

    /// Enforces Sortie's own limits (0 = unlimited) for `adding` new sessions, counting sessions
    /// not already ending. Concurrent creators in other processes can race past it; the
    /// namespace ResourceQuota is the hard limit.
    public func checkQuota(userID: String, adding: Int = 1) async throws {
        guard settings.maxSessionsPerUser > 0 || settings.maxSessionsTotal > 0 else { return }
        try checkQuota(userID: userID, adding: adding, against: try await sessions(matching: SessionFilter()))
    }

    /// The same limits against sessions the caller already has (a cache kept by a watch).
    /// - Throws: `SessionError.quotaExceeded`.
    public func checkQuota(userID: String, adding: Int = 1, against sessions: [Session]) throws {
        let active = sessions.filter { $0.status == .creating || $0.status == .running }
        if settings.maxSessionsTotal > 0, active.count + adding > settings.maxSessionsTotal {
            throw SessionError.quotaExceeded(scope: .total, limit: settings.maxSessionsTotal, current: active.count)
        }
        let mine = active.filter { $0.userID == userID }.count
        if settings.maxSessionsPerUser > 0, mine + adding > settings.maxSessionsPerUser {
            throw SessionError.quotaExceeded(scope: .user, limit: settings.maxSessionsPerUser, current: mine)
        }
    }

    // MARK: Wait

    /// Waits — with a watch, not polling — until the session's pod is Ready.
    ///
    /// On a fatal state (image pull failure, crash, pod failed) or when `timeout` passes (also
    /// for a pod that stays Unschedulable), the pod is deleted and `SessionError` thrown.
    /// - Parameter progress: called on every change of stage.
    public func waitUntilReady(_ session: Session, timeout: Duration? = nil,
                               progress: @escaping @Sendable (SessionProgress) -> Void = { _ in }) async throws -> Session {
        let limit = timeout ?? .seconds(settings.podReadyTimeoutSeconds)
        let outcome = try await withThrowingTaskGroup(of: WaitOutcome.self) { group in
            group.addTask { try await watchUntilSettled(session, progress: progress) }
            group.addTask {
                try await Task.sleep(for: limit)
                return .timedOut
            }
            let first = try await group.next()!
            group.cancelAll()
            return first
        }
        switch outcome {
        case .ready(let pod):
            return Session(pod: pod, now: now(), timeoutMinutes: settings.sessionTimeoutMinutes) ?? session
        case .failed(let pod, let reason, let message):
            let failed = Session(pod: pod, now: now(), timeoutMinutes: settings.sessionTimeoutMinutes) ?? session
            _ = try? await client.delete(Pod.self, namespace: namespace, name: session.podName, gracePeriodSeconds: 0)
            throw SessionError.failedToStart(session: failed, reason: reason, message: message)
        case .vanished:
            throw SessionError.vanished(session.id)
        case .timedOut:
            let pod = try? await client.get(Pod.self, namespace: namespace, name: session.podName)
            let lastState = pod.map { SessionProgress(pod: $0).description } ?? "unknown"
            _ = try? await client.delete(Pod.self, namespace: namespace, name: session.podName, gracePeriodSeconds: 0)
            throw SessionError.readyTimeout(session: session, seconds: Int(limit.seconds), lastState: lastState)
        }
    }

    private enum WaitOutcome: Sendable {
        case ready(Pod)
        case failed(Pod, reason: String, message: String?)
        case vanished
        case timedOut
    }

    private func watchUntilSettled(_ session: Session, progress: @escaping @Sendable (SessionProgress) -> Void) async throws -> WaitOutcome {
        var last: SessionProgress?
        let options = ListOptions(fieldSelector: "metadata.name=\(session.podName)")
        for try await event in client.listWatch(Pod.self, namespace: namespace, options: options) {
            let pod: Pod
            switch event {
            case .synced(let pods):
                guard let first = pods.first else { return .vanished }
                pod = first
            case .added(let p), .modified(let p): pod = p
            case .deleted: return .vanished
            }
            let stage = SessionProgress(pod: pod)
            if stage != last, stage.rank >= (last?.rank ?? 0) { progress(stage); last = stage }
            if stage == .ready { return .ready(pod) }
            let resolution = SessionStatusResolver.resolve(pod, createdAt: session.createdAt, now: now(), timeoutMinutes: settings.sessionTimeoutMinutes)
            if resolution.status == .failed, pod.condition("PodScheduled")?.reason != "Unschedulable" {
                return .failed(pod, reason: resolution.reason ?? "Failed", message: resolution.message)
            }
            if resolution.status == .terminating || resolution.status == .stopped {
                return .failed(pod, reason: resolution.status == .terminating ? "Terminating" : "Completed", message: resolution.message)
            }
        }
        throw CancellationError()
    }

    // MARK: List, get

    /// The sessions matching a filter, oldest first.
    public func sessions(matching filter: SessionFilter) async throws -> [Session] {
        // Sessions come from metadata and status alone: the specs are not decoded. Each page's pods
        // become sessions as the page is decoded (on every core), while the next page is on its way.
        let current = now()
        let timeoutMinutes = settings.sessionTimeoutMinutes
        let sessions = try await client.listAll(PodMetadataAndStatus.self, namespace: namespace,
                                                options: ListOptions(labelSelector: try filter.labelSelector())) { pod in
            Session(pod: pod.pod, now: current, timeoutMinutes: timeoutMinutes).flatMap { session in
                (filter.status == nil || session.status == filter.status)
                    && (filter.userID == nil || session.userID == filter.userID) ? session : nil
            }
        }.items
        return sessions.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    /// Finds one session by its id, a unique prefix of it, or its pod name.
    /// - Throws: `SessionError.notFound` or `.ambiguous`.
    public func session(_ idOrPrefix: String) async throws -> Session {
        try await resolve(idOrPrefix).session
    }

    /// The session and its pod.
    public func resolve(_ idOrPrefix: String) async throws -> (session: Session, pod: Pod) {
        let needle = idOrPrefix.lowercased().hasPrefix(SessionLabels.podNamePrefix)
            ? String(idOrPrefix.lowercased().dropFirst(SessionLabels.podNamePrefix.count)) : idOrPrefix.lowercased()
        guard !needle.isEmpty else { throw SessionError.notFound(idOrPrefix) }
        if let whole = try await sessionNamed(by: needle) { return whole }
        let current = now()
        let timeoutMinutes = settings.sessionTimeoutMinutes
        let matches = try await client.listAll(Pod.self, namespace: namespace, options: ListOptions(labelSelector: SessionLabels.selector)) { pod in
            Session(pod: pod, now: current, timeoutMinutes: timeoutMinutes).flatMap { $0.id.hasPrefix(needle) ? ($0, pod) : nil }
        }.items
        if let exact = matches.first(where: { $0.0.id == needle }) { return exact }
        switch matches.count {
        case 0: throw SessionError.notFound(idOrPrefix)
        case 1: return matches[0]
        default: throw SessionError.ambiguous(prefix: idOrPrefix, matches: matches.map(\.0.id).sorted())
        }
    }

    /// A whole session id names its pod (`sortie-session-<id>`): one GET instead of listing every
    /// session, for scripts that get or kill sessions one by one. nil when `id` is not a whole id or
    /// that pod is not the session (missing, not a sortie session, or labelled with another id).
    private func sessionNamed(by id: String) async throws -> (session: Session, pod: Pod)? {
        guard UUID(uuidString: id) != nil else { return nil }
        let pod: Pod
        do {
            pod = try await client.get(Pod.self, namespace: namespace, name: SessionLabels.podNamePrefix + id)
        } catch let error as KubeAPIError where error.reason == .notFound {
            return nil
        }
        guard let session = Session(pod: pod, now: now(), timeoutMinutes: settings.sessionTimeoutMinutes), session.id == id else { return nil }
        return (session, pod)
    }

    // MARK: Kill, reap

    /// The outcome of ending one session.
    public struct KillResult: Sendable, Equatable {
        public var id: String
        public var podName: String?
        /// `false` when the session was already gone (with `ignoreNotFound`).
        public var deleted: Bool

        public init(id: String, podName: String?, deleted: Bool) {
            self.id = id
            self.podName = podName
            self.deleted = deleted
        }
    }

    /// Ends sessions by id or prefix.
    /// - Parameters:
    ///   - gracePeriodSeconds: `nil` uses the pod's own (10 s); `0` ends at once.
    ///   - ignoreNotFound: a session that is already gone is reported, not an error.
    public func kill(_ ids: [String], gracePeriodSeconds: Int? = nil, ignoreNotFound: Bool = false) async throws -> [KillResult] {
        var results: [KillResult] = []
        for id in ids {
            do {
                let (session, _) = try await resolve(id)
                results.append(try await delete(session, gracePeriodSeconds: gracePeriodSeconds, ignoreNotFound: ignoreNotFound))
            } catch SessionError.notFound(let missing) where ignoreNotFound {
                results.append(KillResult(id: missing, podName: nil, deleted: false))
            }
        }
        return results
    }

    /// Ends every session matching a filter.
    public func killAll(matching filter: SessionFilter, gracePeriodSeconds: Int? = nil) async throws -> [KillResult] {
        var results: [KillResult] = []
        for session in try await sessions(matching: filter) where session.status != .terminating {
            results.append(try await delete(session, gracePeriodSeconds: gracePeriodSeconds, ignoreNotFound: true))
        }
        return results
    }

    private func delete(_ session: Session, gracePeriodSeconds: Int?, ignoreNotFound: Bool) async throws -> KillResult {
        do {
            try await client.delete(Pod.self, namespace: namespace, name: session.podName, gracePeriodSeconds: gracePeriodSeconds)
            logger.info("session ended", metadata: ["session.id": "\(session.id)", "pod.name": "\(session.podName)"])
            return KillResult(id: session.id, podName: session.podName, deleted: true)
        } catch let error as KubeAPIError where error.reason == .notFound {
            // Deleted by someone else between the list and the delete.
            if ignoreNotFound { return KillResult(id: session.id, podName: session.podName, deleted: false) }
            throw SessionError.notFound(session.id)
        }
    }

    /// Deletes sessions past `SESSION_TIMEOUT`, failed ones, finished ones and running ones idle
    /// past `SESSION_IDLE_TIMEOUT` (see ``isIdle(_:)``).
    /// - Parameter dryRun: only report what would go.
    /// - Returns: the sessions reaped (or that would be).
    public func reap(dryRun: Bool = false) async throws -> [Session] {
        let doomed = try await sessions(matching: SessionFilter()).filter { session in
            [.expired, .failed, .stopped].contains(session.status) || isIdle(session)
        }
        if !dryRun {
            for session in doomed {
                _ = try await delete(session, gracePeriodSeconds: nil, ignoreNotFound: true)
            }
        }
        return doomed
    }

    /// Whether a running session has had no VNC traffic for `SESSION_IDLE_TIMEOUT` minutes,
    /// counting from its last recorded activity or, when it never had any, from its creation.
    public func isIdle(_ session: Session) -> Bool {
        guard settings.idleTimeoutMinutes > 0, session.status == .running else { return false }
        let since = max(session.lastActivityAt ?? session.createdAt, session.createdAt)
        return now().timeIntervalSince(since) > TimeInterval(settings.idleTimeoutMinutes) * 60
    }

    /// Records VNC traffic on a session: merge-patches its `sortie.io/last-activity` annotation,
    /// which every replica and the reaper read from the pod.
    /// - Throws: `KubeAPIError` (404 when the pod is gone), `KubeClientError`.
    public func recordActivity(podName: String, at date: Date) async throws {
        let patch: [String: [String: [String: String]]] = [
            "metadata": ["annotations": [SessionLabels.Annotations.lastActivity: RFC3339.string(from: date)]],
        ]
        _ = try await client.mergePatch(Pod.self, namespace: namespace, name: podName,
                                        patch: try JSONEncoder().encode(patch))
    }
}
