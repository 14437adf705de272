import Foundation
import Hummingbird
import HTTPTypes
import HummingbirdTesting
import Logging
import NIOCore
import NIOPosix
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

/// Raw HTTP on a connection of its own: WebSocket upgrades are decided on a connection's first
/// request, which the test client's kept-alive connection cannot give.
enum RawHTTP {
    /// Sends `request` (bytes as given) and returns everything the server sent until it closed
    /// the connection, or until `timeout`.
    static func exchange(port: Int, _ request: String, timeout: Duration = .seconds(10)) async throws -> String {
        String(decoding: try await exchange(port: port, bytes: Array(request.utf8), timeout: timeout), as: UTF8.self)
    }

    /// Sends `bytes`, then `more` once a response head has arrived (and then a FIN when
    /// `halfClose`); returns all received bytes.
    static func exchange(port: Int, bytes: [UInt8], then more: [UInt8] = [], halfClose: Bool = false,
                         timeout: Duration = .seconds(10)) async throws -> [UInt8] {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel,
                                                                configuration: .init(isOutboundHalfClosureEnabled: true))
                }
            }
        let received = try await withThrowingTaskGroup(of: [UInt8]?.self) { group in
            group.addTask {
                try await channel.executeThenClose { inbound, outbound in
                    try await outbound.write(ByteBuffer(bytes: bytes))
                    var received: [UInt8] = []
                    var sentMore = more.isEmpty
                    for try await buffer in inbound {
                        received += buffer.readableBytesView
                        // The rest goes once the response head is in (a WebSocket client waits for the 101).
                        if !sentMore, received.count >= 4, received.firstRange(of: Array("\r\n\r\n".utf8)) != nil {
                            sentMore = true
                            try await outbound.write(ByteBuffer(bytes: more))
                            if halfClose { outbound.finish() }
                        }
                    }
                    return received
                }
            }
            group.addTask { try await Task.sleep(for: timeout); return nil }
            defer { group.cancelAll() }
            return try await group.next() ?? nil
        }
        guard let received else { throw RawHTTPTimeout() }
        return received
    }

    struct RawHTTPTimeout: Error {}

    /// A WebSocket upgrade request for `path`.
    static func upgradeRequest(_ path: String, headers: [String: String] = [:]) -> String {
        var text = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { text += "\(name): \(value)\r\n" }
        return text + "\r\n"
    }

    /// The status code of a raw response.
    static func status(_ response: String) -> Int? {
        response.split(separator: " ", maxSplits: 2).dropFirst().first.flatMap { Int($0) }
    }

    /// The JSON body of a raw response (after the blank line).
    static func body(_ response: String) -> [String: Any]? {
        guard let range = response.range(of: "\r\n\r\n") else { return nil }
        return (try? JSONSerialization.jsonObject(with: Data(response[range.upperBound...].utf8))) as? [String: Any]
    }
}
