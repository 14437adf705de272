import Foundation
import SortieKit
import SortieKitTesting
import Synchronization
import Testing

/// The session engine against the sandbox API server (real wire protocol, simulated kubelet).
@Suite("Session engine against the sandbox", .serialized, .timeLimit(.minutes(10)))
struct SessionEngineSandboxTests {
    static let catalog = AppCatalog(apps: [
        AppDefinition(id: "desk", name: "Desktop", launchType: .container, containerImage: "example/desktop:1"),
        AppDefinition(id: "broken", name: "Broken", launchType: .container, containerImage: "example/pullfail:1"),
        AppDefinition(id: "crashy", name: "Crashy", launchType: .container, containerImage: "example/crash:1"),
        AppDefinition(id: "slow", name: "Slow", launchType: .container, containerImage: "example/never-ready:1"),
        AppDefinition(id: "huge", name: "Huge", launchType: .container, containerImage: "example/unschedulable:1"),
        AppDefinition(id: "docs", name: "Docs", url: "https://docs.example.com", launchType: .url),
    ])

    static func engine(_ sandbox: Sandbox, settings: SessionSettings = SessionSettings(), now: @escaping @Sendable () -> Date = { Date() },
                       ids: (@Sendable () -> UUID)? = nil) throws -> SessionEngine {
        var settings = settings
        settings.namespace = "default"
        return SessionEngine(client: try sandbox.client(), catalog: catalog, settings: settings, now: now, makeSessionID: ids ?? { UUID() })
    }

    @Test func createReturnsTheSeedShapedSessionAndAHardenedPod() async throws {
        let sandbox = try Sandbox.start(arguments: ["--pod-security", "restricted"])
        defer { sandbox.stop() }
        let engine = try Self.engine(sandbox)
        let session = try await engine.create(appID: "desk", userID: "alice@example.com")
        #expect(session.status == .creating)
        #expect(session.userID == "alice@example.com")
        #expect(session.appName == "Desktop")
        #expect(session.podName == "sortie-session-\(session.id)")
        #expect(session.websocketURL == "/ws/sessions/\(session.id)")
        let json = String(decoding: try JSONEncoder().encode(session), as: UTF8.self)
        for key in ["id", "user_id", "app_id", "app_name", "pod_name", "status", "websocket_url", "created_at", "updated_at"] {
            #expect(json.contains("\"\(key)\""))
        }
        // The sandbox enforces the restricted Pod Security Standard: the pod was admitted.
        let pod = try await engine.client.get(Pod.self, namespace: "default", name: session.podName)
        #expect(pod.metadata.annotations?[SessionLabels.Annotations.userID] == "alice@example.com")
        #expect(pod.metadata.labels?[SessionLabels.userID] == (try SessionLabels.encodeUserID("alice@example.com")))
        #expect(PodSecurityStandard.violations(of: pod).isEmpty)
    }

    @Test func waitReturnsPromptlyAfterReadyAndWatchesInsteadOfPolling() async throws {
        let sandbox = try Sandbox.start(readyDelay: 1.0)
        defer { sandbox.stop() }
        let engine = try Self.engine(sandbox)
        let session = try await engine.create(appID: "desk", userID: "bob")
        try await sandbox.control(.delete, "/sandbox/requests")
        let stages = Locked<[SessionProgress]>([])
        let ready = try await engine.waitUntilReady(session, timeout: .seconds(20)) { stage in stages.withLock { $0.append(stage) } }
        #expect(ready.status == .running)
        #expect(stages.withLock { $0.last } == .ready)
        // One list and one watch: no polling loop of GETs.
        let requests = try await sandbox.requestLog()
        #expect(requests.count <= 3, "\(requests.map { $0["path"] ?? "" })")
        #expect(requests.contains { ($0["query"] as? String ?? "\($0["query"] ?? "")").contains("watch") })
    }

    @Test(arguments: [("broken", ["ErrImagePull", "ImagePullBackOff"]), ("crashy", ["Error", "CrashLoopBackOff", "Failed"])])
    func fatalStatesFailWithTheReasonAndDeleteThePod(app: String, reasons: [String]) async throws {
        let sandbox = try Sandbox.start(readyDelay: 0.3)
        defer { sandbox.stop() }
        let engine = try Self.engine(sandbox)
        let session = try await engine.create(appID: app, userID: "carol")
        let error = await #expect(throws: SessionError.self) { try await engine.waitUntilReady(session, timeout: .seconds(20)) }
        guard case .failedToStart(_, let reason, _) = error else { Issue.record("expected failedToStart, got \(String(describing: error))"); return }
        #expect(reasons.contains(reason), "reason \(reason)")
        #expect(error?.description.contains("the pod was deleted") == true)
        try await Task.sleep(for: .milliseconds(300))
        await #expect(throws: KubeAPIError.self) { try await engine.client.get(Pod.self, namespace: "default", name: session.podName) }
    }

    @Test(arguments: ["slow", "huge"])
    func readyTimeoutDeletesThePod(app: String) async throws {
        let sandbox = try Sandbox.start(readyDelay: 0.2)
        defer { sandbox.stop() }
        let engine = try Self.engine(sandbox)
        let session = try await engine.create(appID: app, userID: "dave")
        let error = await #expect(throws: SessionError.self) { try await engine.waitUntilReady(session, timeout: .seconds(2)) }
        guard case .readyTimeout(_, let seconds, let lastState) = error else { Issue.record("expected readyTimeout, got \(String(describing: error))"); return }
        #expect(seconds == 2)
        if app == "huge" { #expect(lastState.contains("unschedulable")) }
        try await Task.sleep(for: .milliseconds(300))
        await #expect(throws: KubeAPIError.self) { try await engine.client.get(Pod.self, namespace: "default", name: session.podName) }
    }

    @Test func catalogErrors() async throws {
        let sandbox = try Sandbox.start()
        defer { sandbox.stop() }
        let engine = try Self.engine(sandbox)
        let unknown = await #expect(throws: CatalogError.self) { try await engine.create(appID: "nope", userID: "u") }
        #expect(unknown?.description.contains("desk") == true)
        let url = await #expect(throws: CatalogError.self) { try await engine.create(appID: "docs", userID: "u") }
        #expect(url?.description.contains("https://docs.example.com") == true)
        #expect(try await engine.client.list(Pod.self, namespace: "default").items.isEmpty)
    }

    @Test func sortieQuotasPerUserAndTotal() async throws {
        let sandbox = try Sandbox.start()
        defer { sandbox.stop() }
        var settings = SessionSettings()
        settings.maxSessionsPerUser = 2
        settings.maxSessionsTotal = 3
        let engine = try Self.engine(sandbox, settings: settings)
        _ = try await engine.create(appID: "desk", userID: "erin")
        _ = try await engine.create(appID: "desk", userID: "erin")
        let perUser = await #expect(throws: SessionError.self) { try await engine.create(appID: "desk", userID: "erin") }
        guard case .quotaExceeded(.user, 2, 2) = perUser else { Issue.record("got \(String(describing: perUser))"); return }
        _ = try await engine.create(appID: "desk", userID: "frank")
        let total = await #expect(throws: SessionError.self) { try await engine.create(appID: "desk", userID: "gina") }
        guard case .quotaExceeded(.total, 3, 3) = total else { Issue.record("got \(String(describing: total))"); return }
        #expect(try await engine.client.list(Pod.self, namespace: "default").items.count == 3)
    }

    @Test func namespaceResourceQuotaRefusalSurfaces() async throws {
        let sandbox = try Sandbox.start()
        defer { sandbox.stop() }
        let engine = try Self.engine(sandbox)
        _ = try await engine.setQuota(hard: ["pods": "1"])
        _ = try await engine.create(appID: "desk", userID: "hal")
        let error = await #expect(throws: KubeAPIError.self) { try await engine.create(appID: "desk", userID: "hal") }
        #expect(error?.isQuotaExceeded == true)
        #expect(error?.message.contains("exceeded quota: sortie-quota") == true)
        let report = try await engine.quotaReport()
        #expect(report.additionalDefaultSessions == 0)
        #expect(report.limitedBy == "quota sortie-quota: pods")
        #expect(report.sessionsByUser["hal"] == 1)
    }

    @Test func quotaReportWorksOutWhatFits() async throws {
        let sandbox = try Sandbox.start()
        defer { sandbox.stop() }
        let engine = try Self.engine(sandbox)
        // Default session: requests 600m CPU (500m app + 100m sidecar), 640Mi memory.
        _ = try await engine.setQuota(hard: ["pods": "100", "requests.cpu": "3", "requests.memory": "64Gi"])
        let report = try await engine.quotaReport()
        #expect(report.additionalDefaultSessions == 5)
        #expect(report.limitedBy == "quota sortie-quota: requests.cpu")
        // Updating keeps the other keys.
        let updated = try await engine.setQuota(hard: ["pods": "7"])
        #expect(updated.spec?.hard?["requests.cpu"] == "3")
        #expect(updated.spec?.hard?["pods"] == "7")
    }

    @Test func listFiltersAndPrefixes() async throws {
        let sandbox = try Sandbox.start()
        defer { sandbox.stop() }
        let ids = Locked([UUID(uuidString: "aaaa1111-0000-4000-8000-000000000001")!, UUID(uuidString: "aaaa2222-0000-4000-8000-000000000002")!,
                         UUID(uuidString: "bbbb0000-0000-4000-8000-000000000003")!])
        let engine = try Self.engine(sandbox, ids: { ids.withLock { $0.removeFirst() } })
        _ = try await engine.create(appID: "desk", userID: "ivy")
        _ = try await engine.create(appID: "desk", userID: "jack")
        _ = try await engine.create(appID: "crashy", userID: "ivy")

        #expect(try await engine.sessions(matching: SessionFilter()).count == 3)
        #expect(try await engine.sessions(matching: SessionFilter(userID: "ivy")).map(\.appID).sorted() == ["crashy", "desk"])
        #expect(try await engine.sessions(matching: SessionFilter(appID: "desk")).count == 2)
        #expect(try await engine.sessions(matching: SessionFilter(userID: "nobody")).isEmpty)

        #expect(try await engine.session("bbbb").userID == "ivy")
        #expect(try await engine.session("sortie-session-aaaa1111-0000-4000-8000-000000000001").userID == "ivy")
        let ambiguous = await #expect(throws: SessionError.self) { try await engine.session("aaaa") }
        guard case .ambiguous(_, let matches) = ambiguous else { Issue.record("got \(String(describing: ambiguous))"); return }
        #expect(matches.count == 2)
        let missing = await #expect(throws: SessionError.self) { try await engine.session("cccc") }
        #expect(missing?.description == "session \"cccc\" not found")

        // A whole id is one GET of its pod, not a list of every session; an unknown whole id falls back to the list.
        try await sandbox.control(.delete, "/sandbox/requests")
        #expect(try await engine.session("BBBB0000-0000-4000-8000-000000000003").appID == "crashy")
        let requests = try await sandbox.requestLog().compactMap { $0["path"] as? String }.filter { $0.hasPrefix("/api/") }
        #expect(requests == ["/api/v1/namespaces/default/pods/sortie-session-bbbb0000-0000-4000-8000-000000000003"])
        let unknown = await #expect(throws: SessionError.self) { try await engine.session("cccc0000-0000-4000-8000-000000000009") }
        #expect(unknown?.description == "session \"cccc0000-0000-4000-8000-000000000009\" not found")
    }

    @Test func killOneIgnoreNotFoundAndKillAll() async throws {
        let sandbox = try Sandbox.start()
        defer { sandbox.stop() }
        let engine = try Self.engine(sandbox)
        let a = try await engine.create(appID: "desk", userID: "kim")
        _ = try await engine.create(appID: "desk", userID: "kim")
        let other = try await engine.create(appID: "desk", userID: "lee")

        let killed = try await engine.kill([a.id], gracePeriodSeconds: 0)
        #expect(killed == [SessionEngine.KillResult(id: a.id, podName: a.podName, deleted: true)])
        await #expect(throws: SessionError.self) { try await engine.kill([a.id]) }
        let ignored = try await engine.kill([a.id], ignoreNotFound: true)
        #expect(ignored.first?.deleted == false)

        let all = try await engine.killAll(matching: SessionFilter(userID: "kim"), gracePeriodSeconds: 0)
        #expect(all.count == 1)
        try await Task.sleep(for: .milliseconds(200))
        #expect(try await engine.sessions(matching: SessionFilter()).map(\.id) == [other.id])
    }

    @Test func reapRemovesExpiredAndFailedSessions() async throws {
        let sandbox = try Sandbox.start(readyDelay: 0.2)
        defer { sandbox.stop() }
        let clock = Locked(Date())
        var settings = SessionSettings()
        settings.sessionTimeoutMinutes = 60
        let engine = try Self.engine(sandbox, settings: settings, now: { clock.withLock { $0 } })
        let old = try await engine.create(appID: "desk", userID: "mo")
        let failing = try await engine.create(appID: "crashy", userID: "mo")
        try await Task.sleep(for: .seconds(1.2))
        _ = failing
        // Nothing has expired yet; only the crashed pod goes.
        let first = try await engine.reap(dryRun: true)
        #expect(first.map(\.status) == [.failed])
        // Two hours later the first session is past SESSION_TIMEOUT.
        clock.withLock { $0 = $0.addingTimeInterval(7200) }
        let preview = try await engine.reap(dryRun: true)
        #expect(Set(preview.map(\.id)) == Set([old.id, failing.id]))
        #expect(try await engine.sessions(matching: SessionFilter()).count == 2)
        let reaped = try await engine.reap()
        #expect(reaped.count == 2)
        try await Task.sleep(for: .milliseconds(400))
        #expect(try await engine.client.list(Pod.self, namespace: "default").items.isEmpty)
    }

    @Test func reapEndsRunningSessionsIdlePastTheIdleTimeout() async throws {
        let sandbox = try Sandbox.start(readyDelay: 0.2)
        defer { sandbox.stop() }
        let clock = Locked(Date())
        var settings = SessionSettings()
        settings.sessionTimeoutMinutes = 600
        settings.idleTimeoutMinutes = 30
        let engine = try Self.engine(sandbox, settings: settings, now: { clock.withLock { $0 } })
        let unused = try await engine.create(appID: "desk", userID: "ida")
        let used = try await engine.create(appID: "desk", userID: "ida")
        try await Task.sleep(for: .seconds(0.8))
        #expect(try await engine.reap(dryRun: true).isEmpty, "fresh sessions are not idle")
        // Traffic on `used` 25 minutes in; 35 minutes in, only the never-used session is idle.
        let activity = clock.withLock { $0 }.addingTimeInterval(25 * 60)
        try await engine.recordActivity(podName: used.podName, at: activity)
        clock.withLock { $0 = $0.addingTimeInterval(35 * 60) }
        let sessions = try await engine.sessions(matching: SessionFilter())
        let recorded = try #require(sessions.first { $0.id == used.id }?.lastActivityAt)
        #expect(abs(recorded.timeIntervalSince(activity)) < 1)
        #expect(sessions.allSatisfy { $0.status == .running })
        #expect(try await engine.reap(dryRun: true).map(\.id) == [unused.id])
        // 0 turns idle reaping off.
        var never = settings
        never.idleTimeoutMinutes = 0
        #expect(try await Self.engine(sandbox, settings: never, now: { clock.withLock { $0 } }).reap(dryRun: true).isEmpty)
        // An hour in, both are idle and go.
        clock.withLock { $0 = $0.addingTimeInterval(25 * 60) }
        #expect(Set(try await engine.reap().map(\.id)) == [unused.id, used.id])
        // A session whose pod vanished meanwhile: recording activity fails with 404, not a crash.
        await #expect(throws: KubeAPIError.self) { try await engine.recordActivity(podName: used.podName + "-gone", at: Date()) }
    }

    @Test func createInterruptedByATimeoutMakesExactlyOnePod() async throws {
        let sandbox = try Sandbox.start()
        defer { sandbox.stop() }
        var configuration = try sandbox.configuration()
        configuration.timeouts.request = .milliseconds(400)
        let engine = SessionEngine(client: KubeClient(configuration: configuration), catalog: Self.catalog,
                                   settings: { var s = SessionSettings(); s.namespace = "default"; return s }())
        // The first POST is answered only after the client gave up on it.
        try await sandbox.injectFault(["method": "POST", "path": "/pods", "delay": 1.0, "count": 1])
        let session = try await engine.create(appID: "desk", userID: "nia")
        try await Task.sleep(for: .seconds(1.5))
        let pods = try await engine.client.list(Pod.self, namespace: "default").items
        #expect(pods.map(\.metadata.name) == [session.podName])
    }
}
