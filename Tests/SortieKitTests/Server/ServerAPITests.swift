import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
@testable import SortieKit
@testable import SortieServer
import SortieKitTesting
import Testing

/// The sessions REST API against the sandbox: every endpoint, the seed's JSON, every error code.
@Suite("serve: REST API", .serialized, .timeLimit(.minutes(10)))
struct ServerAPITests {
    @Test func healthReadinessAppsAndOpenAPI() async throws {
        let sandbox = try Sandbox.start()
        defer { sandbox.stop() }
        try await ServeFixture.withServer(sandbox) { client in
            let health = try await client.get("/healthz")
            #expect(health.status == .ok)
            let ready = try await client.get("/readyz")
            #expect(ready.status == .ok, "\(ready.text)")
            let apps = try await client.get("/api/apps")
            #expect(apps.status == .ok)
            let list = try apps.array()
            #expect(list.map { $0["id"] as? String } == ["desk", "crashy", "docs"])
            #expect(list.first?["launch_type"] as? String == "container")
            let spec = try await client.get("/api/openapi.json")
            #expect(spec.status == .ok)
            let document = try spec.object()
            #expect((document["openapi"] as? String)?.hasPrefix("3.") == true)
            let paths = try #require(document["paths"] as? [String: Any])
            for path in ["/api/sessions", "/api/sessions/{id}", "/api/apps", "/healthz", "/readyz"] {
                #expect(paths[path] != nil, "missing \(path)")
            }
            let page = try await client.get("/")
            #expect(page.status == .ok)
            #expect(page.headers[.contentType]?.hasPrefix("text/html") == true)
        }
    }

    @Test func createGetListDeleteFollowTheSeedContract() async throws {
        // Terminating pods linger, so the second DELETE finds the session still ending.
        let sandbox = try Sandbox.start(arguments: ["--termination-delay", "30"])
        defer { sandbox.stop() }
        try await ServeFixture.withServer(sandbox) { client in
            let created = try await client.createSession(#"{"app_id": "desk", "user_id": "alice"}"#)
            #expect(created.status == .created, "\(created.text)")
            let session = try created.object()
            let id = try #require(session["id"] as? String)
            #expect(Set(session.keys) == ["id", "user_id", "app_id", "app_name", "pod_name", "status", "websocket_url", "created_at", "updated_at"])
            #expect(session["user_id"] as? String == "alice")
            #expect(session["app_name"] as? String == "Desktop")
            #expect(session["pod_name"] as? String == "sortie-session-\(id)")
            #expect(session["status"] as? String == "creating")
            #expect(session["websocket_url"] as? String == "/ws/sessions/\(id)")
            #expect(created.headers[.location] == "/api/sessions/\(id)")
            #expect((session["created_at"] as? String)?.hasSuffix("Z") == true)

            // Found at once (the server records its own writes), then follows the pod to running.
            let fetched = try await client.get("/api/sessions/\(id)")
            #expect(fetched.status == .ok)
            _ = try await client.waitForStatus(id, "running")

            _ = try await client.createSession(#"{"app_id": "desk", "user_id": "bob"}"#)
            let all = try await client.get("/api/sessions").array()
            #expect(all.count == 2)
            let alices = try await client.get("/api/sessions?user_id=alice").array()
            #expect(alices.map { $0["id"] as? String } == [id])

            let deleted = try await client.delete("/api/sessions/\(id)")
            #expect(deleted.status == .ok, "\(deleted.text)")
            #expect(try deleted.object()["status"] as? String == "terminating")
            let again = try await client.delete("/api/sessions/\(id)")
            #expect(again.status == .conflict)
            #expect(again.errorCode == "conflict")
        }
    }

    @Test func requestErrorsAnswerWithJSONAndTheRightStatus() async throws {
        let sandbox = try Sandbox.start()
        defer { sandbox.stop() }
        try await ServeFixture.withServer(sandbox) { client in
            let cases: [(String, HTTPResponse.Status, String)] = [
                ("{bad json", .badRequest, "bad_request"),
                ("[1, 2]", .badRequest, "bad_request"),
                ("{}", .badRequest, "bad_request"),
                (#"{"app_id": 7}"#, .badRequest, "bad_request"),
                (#"{"app_id": "desk", "user_id": 5}"#, .badRequest, "bad_request"),
                (#"{"app_id": "nope"}"#, .unprocessableContent, "unknown_app"),
                (#"{"app_id": "docs"}"#, .unprocessableContent, "not_a_container_app"),
            ]
            for (body, status, code) in cases {
                let response = try await client.createSession(body)
                #expect(response.status == status, "\(body) → \(response.status) \(response.text)")
                #expect(response.errorCode == code, "\(body) → \(response.text)")
                #expect(try response.object()["message"] is String)
                #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
            }
            let missing = try await client.get("/api/sessions/00000000-0000-0000-0000-000000000000")
            #expect(missing.status == .notFound)
            #expect(missing.errorCode == "not_found")
            let deleteMissing = try await client.delete("/api/sessions/nope")
            #expect(deleteMissing.status == .notFound)
            let unknownRoute = try await client.get("/api/nothing-here")
            #expect(unknownRoute.status == .notFound)
            #expect(unknownRoute.errorCode == "not_found")
            let wrongType = try await client.execute(uri: "/api/sessions", method: .post, headers: [.contentType: "text/plain"],
                                                     body: ByteBuffer(string: #"{"app_id":"desk"}"#))
            #expect(wrongType.status == .unsupportedMediaType)
            let huge = try await client.createSession(#"{"app_id": "desk", "pad": ""# + String(repeating: "x", count: 70_000) + #""}"#)
            #expect(huge.status == .contentTooLarge)
            #expect(huge.errorCode == "payload_too_large")
            // A path that exists, with a method it does not answer: 405 and what it does answer.
            let wrongMethod = try await client.execute(uri: "/api/sessions", method: .put, headers: [:], body: nil)
            #expect(wrongMethod.status == .methodNotAllowed)
            #expect(wrongMethod.errorCode == "method_not_allowed")
            #expect(wrongMethod.headers[.allow] == "GET, HEAD, POST")
            // Control characters in a user id (with --auth none the body names the owner).
            let control = try await client.createSession(#"{"app_id": "desk", "user_id": "a\u0003b"}"#)
            #expect(control.status == .unprocessableContent, "\(control.text)")
        }
    }

    @Test func sortiesOwnQuotaAnswers429WithRetryAfter() async throws {
        let sandbox = try Sandbox.start()
        defer { sandbox.stop() }
        var settings = SessionSettings()
        settings.maxSessionsPerUser = 1
        try await ServeFixture.withServer(sandbox, settings: settings) { client in
            #expect(try await client.createSession(#"{"app_id": "desk", "user_id": "carol"}"#).status == .created)
            let refused = try await client.createSession(#"{"app_id": "desk", "user_id": "carol"}"#)
            #expect(refused.status == .tooManyRequests)
            #expect(refused.errorCode == "quota_exceeded")
            #expect(refused.headers[.retryAfter].flatMap(Int.init) ?? 0 > 0)
            // Another user still fits.
            #expect(try await client.createSession(#"{"app_id": "desk", "user_id": "dave"}"#).status == .created)
        }
    }

    @Test func namespaceResourceQuotaRefusalAnswers429() async throws {
        let sandbox = try Sandbox.start()
        defer { sandbox.stop() }
        let admin = try sandbox.client()
        _ = try await admin.create(ResourceQuota(metadata: ObjectMeta(name: "tight"), hard: ["pods": "1"]), namespace: "default")
        try await ServeFixture.withServer(sandbox) { client in
            #expect(try await client.createSession(#"{"app_id": "desk", "user_id": "erin"}"#).status == .created)
            let refused = try await client.createSession(#"{"app_id": "desk", "user_id": "frank"}"#)
            #expect(refused.status == .tooManyRequests, "\(refused.text)")
            #expect(refused.errorCode == "quota_exceeded")
            #expect(refused.text.contains("exceeded quota"))
            #expect(refused.headers[.retryAfter] != nil)
        }
    }

    @Test func creationRateLimitAnswers429() async throws {
        let sandbox = try Sandbox.start()
        defer { sandbox.stop() }
        var configuration = ServeFixture.configuration()
        configuration.createsPerMinute = 2
        try await ServeFixture.withServer(sandbox, configuration: configuration) { client in
            for _ in 0..<2 { #expect(try await client.createSession(#"{"app_id": "desk", "user_id": "gina"}"#).status == .created) }
            let limited = try await client.createSession(#"{"app_id": "desk", "user_id": "gina"}"#)
            #expect(limited.status == .tooManyRequests)
            #expect(limited.errorCode == "rate_limited")
            #expect(limited.headers[.retryAfter] != nil)
        }
    }

    @Test func metricsExposeSessionsLatenciesAndErrors() async throws {
        let sandbox = try Sandbox.start()
        defer { sandbox.stop() }
        try await ServeFixture.withServer(sandbox) { client in
            let created = try await client.createSession(#"{"app_id": "desk", "user_id": "hal"}"#).object()
            _ = try await client.waitForStatus(created["id"] as! String, "running")
            _ = try await client.createSession(#"{"app_id": "nope"}"#)
            let metrics = try await client.get("/metrics")
            #expect(metrics.status == .ok)
            #expect(metrics.headers[.contentType]?.hasPrefix("text/plain") == true)
            let text = metrics.text
            #expect(text.contains(#"sortie_sessions{status="running"} 1"#), "\(text)")
            #expect(text.contains("sortie_session_create_seconds_count 1"))
            #expect(text.contains("sortie_session_ready_seconds_count 1"))
            #expect(text.contains(#"sortie_api_errors_total{status="422",code="unknown_app"} 1"#))
            #expect(text.contains("sortie_websocket_connections"))
            #expect(text.contains("sortie_websocket_bytes_total"))
        }
    }
}
