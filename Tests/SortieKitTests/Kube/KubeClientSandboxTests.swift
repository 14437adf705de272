import Foundation
import SortieKit
import SortieKitTesting
import Testing

/// The client through the real libcurl transport against the sandbox API server.
@Suite("KubeClient against the sandbox API server", .serialized, .timeLimit(.minutes(10)))
struct KubeClientSandboxTests {
    static func pod(_ name: String, labels: [String: String] = ["app": "t"], image: String = "example/app:1") -> Pod {
        var container = Container(name: "app", image: image)
        container.command = ["sleep", "3600"]
        return Pod(metadata: ObjectMeta(name: name, labels: labels), spec: PodSpec(containers: [container]))
    }

    @Test func createGetPatchDeleteAndDryRun() async throws {
        let sandbox = try Sandbox.start()
        defer { sandbox.stop() }
        let client = try sandbox.client()

        let dry = try await client.create(Self.pod("dry"), namespace: "default", dryRun: .server)
        #expect(dry.metadata.name == "dry")
        await #expect(throws: KubeAPIError.self) { try await client.get(Pod.self, namespace: "default", name: "dry") }

        let created = try await client.create(Self.pod("one"), namespace: "default")
        #expect(created.metadata.uid != nil)
        #expect(created.metadata.resourceVersion != nil)

        let patched = try await client.mergePatch(Pod.self, namespace: "default", name: "one",
                                                  patch: Data(#"{"metadata":{"annotations":{"a":"b"}}}"#.utf8))
        #expect(patched.metadata.annotations?["a"] == "b")

        let duplicate = await #expect(throws: KubeAPIError.self) { try await client.create(Self.pod("one"), namespace: "default") }
        #expect(duplicate?.reason == .alreadyExists)

        let deleted = try await client.delete(Pod.self, namespace: "default", name: "one", gracePeriodSeconds: 0)
        #expect(deleted?.metadata.name == "one")
        let missing = await #expect(throws: KubeAPIError.self) { try await client.get(Pod.self, namespace: "default", name: "one") }
        #expect(missing?.reason == .notFound)
        #expect(missing?.message.contains("\"one\" not found") == true)
    }

    @Test func listFollowsContinueTokens() async throws {
        let sandbox = try Sandbox.start()
        defer { sandbox.stop() }
        let client = try sandbox.client()
        for index in 0..<7 { _ = try await client.create(Self.pod("p\(index)", labels: ["app": "paged"]), namespace: "default") }
        _ = try await client.create(Self.pod("other", labels: ["app": "else"]), namespace: "default")
        try await sandbox.control(.delete, "/sandbox/requests")

        let (items, version) = try await client.listAll(Pod.self, namespace: "default", options: ListOptions(labelSelector: "app=paged"), pageSize: 3)
        #expect(items.map { $0.metadata.name ?? "" }.sorted() == (0..<7).map { "p\($0)" })
        #expect(version != nil)
        let lists = try await sandbox.requestLog().filter { ($0["path"] as? String)?.hasSuffix("/pods") == true }
        #expect(lists.count == 3)
    }

    @Test func watchSeesAddModifyDelete() async throws {
        let sandbox = try Sandbox.start(readyDelay: 0.2)
        defer { sandbox.stop() }
        let client = try sandbox.client()
        let list = try await client.list(Pod.self, namespace: "default")
        let events = try await client.watch(Pod.self, namespace: "default", options: ListOptions(resourceVersion: list.metadata.resourceVersion))
        _ = try await client.create(Self.pod("watched"), namespace: "default")
        var seen: [WatchEventType] = []
        for try await event in events where event.type != .bookmark {
            seen.append(event.type)
            if event.type == .modified, event.object.isReady {
                try await client.delete(Pod.self, namespace: "default", name: "watched", gracePeriodSeconds: 0)
            }
            if event.type == .deleted { break }
        }
        #expect(seen.first == .added)
        #expect(seen.contains(.modified))
        #expect(seen.last == .deleted)
    }

    @Test func listWatchRelistsAfterGone() async throws {
        let sandbox = try Sandbox.start()
        defer { sandbox.stop() }
        let client = try sandbox.client()
        _ = try await client.create(Self.pod("before"), namespace: "default")
        var syncs = 0
        var sawAfter = false
        for try await event in client.listWatch(Pod.self, namespace: "default") {
            switch event {
            case .synced(let pods):
                syncs += 1
                if syncs == 1 {
                    #expect(pods.map(\.metadata.name) == ["before"])
                    // A restarted API server forgets the history: resuming the watch gets 410.
                    try await sandbox.control(.post, "/sandbox/restart")
                    _ = try await client.create(Self.pod("after"), namespace: "default")
                } else {
                    sawAfter = pods.contains { $0.metadata.name == "after" }
                }
            case .added(let pod) where pod.metadata.name == "after":
                sawAfter = true
            default: break
            }
            if syncs >= 2 && sawAfter { break }
        }
        #expect(syncs >= 2)
        #expect(sawAfter)
    }

    @Test func retriesTooManyRequestsThenSucceeds() async throws {
        let sandbox = try Sandbox.start()
        defer { sandbox.stop() }
        let client = try sandbox.client()
        try await sandbox.injectFault(["method": "GET", "path": "/api/v1/namespaces/default/pods$", "status": 429, "retryAfter": 1, "count": 2])
        try await sandbox.control(.delete, "/sandbox/requests")
        let list = try await client.list(Pod.self, namespace: "default")
        #expect(list.items.isEmpty)
        let attempts = try await sandbox.requestLog().filter { ($0["path"] as? String) == "/api/v1/namespaces/default/pods" }
        #expect(attempts.map { $0["status"] as? Int } == [429, 429, 200])
    }

    @Test func retriesAreBoundedAndTheLastErrorSurfaces() async throws {
        let sandbox = try Sandbox.start()
        defer { sandbox.stop() }
        let client = try sandbox.client()  // maxRetries 3
        try await sandbox.injectFault(["method": "GET", "path": "/pods$", "status": 503, "count": -1])
        try await sandbox.control(.delete, "/sandbox/requests")
        let error = await #expect(throws: KubeAPIError.self) { try await client.list(Pod.self, namespace: "default") }
        #expect(error?.reason == .serviceUnavailable)
        let attempts = try await sandbox.requestLog().filter { ($0["path"] as? String)?.hasSuffix("/pods") == true }
        #expect(attempts.count == 4)
    }

    @Test func nonIdempotentCreateIsNotRetriedOnServerError() async throws {
        let sandbox = try Sandbox.start()
        defer { sandbox.stop() }
        let client = try sandbox.client()
        try await sandbox.injectFault(["method": "POST", "path": "/pods", "status": 500, "count": 1])
        try await sandbox.control(.delete, "/sandbox/requests")
        let error = await #expect(throws: KubeAPIError.self) { try await client.create(Self.pod("x"), namespace: "default") }
        #expect(error?.reason == .internalError)
        let posts = try await sandbox.requestLog().filter { ($0["method"] as? String) == "POST" }
        #expect(posts.count == 1)
    }

    @Test func droppedConnectionOnGetIsRetried() async throws {
        let sandbox = try Sandbox.start()
        defer { sandbox.stop() }
        let client = try sandbox.client()
        try await sandbox.injectFault(["method": "GET", "path": "/pods$", "drop": true, "count": 1])
        let list = try await client.list(Pod.self, namespace: "default")
        #expect(list.items.isEmpty)
    }

    @Test func unreachableServerFailsFastWithItsURL() async throws {
        var configuration = KubeClientConfiguration(server: "https://127.0.0.1:9", retry: RetryPolicy(maxRetries: 3, baseDelay: .milliseconds(50)))
        configuration.timeouts.connect = .seconds(2)
        configuration.timeouts.request = .seconds(300)
        let client = KubeClient(configuration: configuration)
        let started = ContinuousClock.now
        let error = await #expect(throws: KubeClientError.self) { try await client.serverVersion() }
        // A refused connection is known at once: the client must not wait out its request timeout
        // (the bound is far from both, so a loaded machine or a sanitizer does not matter).
        #expect(ContinuousClock.now - started < .seconds(60))
        guard case .unreachable = error else { Issue.record("expected .unreachable, got \(String(describing: error))"); return }
        #expect(error?.description.contains("https://127.0.0.1:9") == true)
    }

    @Test func podLogs() async throws {
        let sandbox = try Sandbox.start(readyDelay: 0.1)
        defer { sandbox.stop() }
        let client = try sandbox.client()
        _ = try await client.create(Self.pod("logged"), namespace: "default")
        try await Task.sleep(for: .milliseconds(400))
        var text = ""
        for try await chunk in try await client.podLogs(namespace: "default", name: "logged", options: .init(container: "app")) {
            text += String(decoding: chunk, as: UTF8.self)
        }
        #expect(!text.isEmpty)
        let events = try await client.podEvents(namespace: "default", name: "logged")
        #expect(events.contains { $0.reason == "Scheduled" })
        #expect(events.contains { $0.reason == "Started" })
    }
}
