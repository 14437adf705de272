import Foundation
import Hummingbird
import HTTPTypes
import HummingbirdTesting
import Logging
import NIOCore
@testable import SortieKit
@testable import SortieServer
import SortieKitTesting
import Testing

/// Builds `sortiectl serve` applications against a sandbox API server for the Server tests.
enum ServeFixture {
    static let catalog = AppCatalog(apps: [
        AppDefinition(id: "desk", name: "Desktop", launchType: .container, containerImage: "example/desktop:1"),
        AppDefinition(id: "crashy", name: "Crashy", launchType: .container, containerImage: "example/crash:1"),
        AppDefinition(id: "docs", name: "Docs", url: "https://docs.example.com", launchType: .url),
    ])

    static let quiet = Logger(label: "sortie.serve.test") { _ in SwiftLogNoOpLogHandler() }

    static func engine(_ sandbox: Sandbox, settings: SessionSettings = SessionSettings()) throws -> SessionEngine {
        var settings = settings
        settings.namespace = "default"
        return SessionEngine(client: try sandbox.client(), catalog: catalog, settings: settings, logger: quiet)
    }

    /// A configuration for tests: auth off unless asked, fast background loops.
    static func configuration(auth: ServerConfiguration.AuthMode = .none, tokenFile: String? = nil) -> ServerConfiguration {
        ServerConfiguration(address: "127.0.0.1", port: 0, authMode: auth, tokenFile: tokenFile, createsPerMinute: 0,
                            reaperInterval: .seconds(3600),
                            leaderElection: .init(leaseDuration: .seconds(2), retryPeriod: .milliseconds(200)),
                            cacheSyncTimeout: .seconds(5))
    }

    /// Runs `body` against a live server.
    static func withServer<T: Sendable>(
        _ sandbox: Sandbox, configuration: ServerConfiguration = configuration(), settings: SessionSettings = SessionSettings(),
        upstream: (any SessionUpstream)? = nil, metrics: ServerMetrics = ServerMetrics(),
        _ body: @escaping @Sendable (any TestClientProtocol) async throws -> T
    ) async throws -> T {
        let app = try buildServerApplication(configuration: configuration, engine: try engine(sandbox, settings: settings),
                                             upstream: upstream ?? DirectUpstream(port: configuration.upstreamPort),
                                             metrics: metrics, logger: quiet)
        return try await app.test(.live) { client in try await body(client) }
    }

    static func headers(token: String? = nil, json: Bool = false) -> HTTPFields {
        var headers = HTTPFields()
        if let token { headers[.authorization] = "Bearer \(token)" }
        if json { headers[.contentType] = "application/json" }
        return headers
    }
}

extension TestClientProtocol {
    /// POST /api/sessions with a JSON body.
    func createSession(_ body: String, token: String? = nil) async throws -> TestResponse {
        try await execute(uri: "/api/sessions", method: .post, headers: ServeFixture.headers(token: token, json: true),
                          body: ByteBuffer(string: body))
    }

    func get(_ uri: String, token: String? = nil) async throws -> TestResponse {
        try await execute(uri: uri, method: .get, headers: ServeFixture.headers(token: token))
    }

    func delete(_ uri: String, token: String? = nil) async throws -> TestResponse {
        try await execute(uri: uri, method: .delete, headers: ServeFixture.headers(token: token))
    }

    /// Polls GET /api/sessions/{id} until the session has `status` (or the deadline passes).
    func waitForStatus(_ id: String, _ status: String, token: String? = nil, timeout: Duration = .seconds(15)) async throws -> [String: Any] {
        let deadline = ContinuousClock.now + timeout
        var last: [String: Any] = [:]
        while ContinuousClock.now < deadline {
            let response = try await get("/api/sessions/\(id)", token: token)
            if response.status == .ok {
                last = try response.object()
                if last["status"] as? String == status { return last }
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("session \(id) did not reach \(status); last: \(last)")
        return last
    }
}

extension TestResponse {
    func object() throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any], "body: \(text)")
    }

    func array() throws -> [[String: Any]] {
        try #require(try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [[String: Any]], "body: \(text)")
    }

    var text: String { String(buffer: body) }

    /// The API error code of an error answer.
    var errorCode: String? { (try? object())?["error"] as? String }
}
