import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import HummingbirdWebSocket
import HummingbirdWSTesting
import Logging
import NIOCore
import NIOPosix
import NIOWebSocket
@testable import SortieKit
@testable import SortieServer
import SortieKitTesting
import Synchronization
import Testing
import WSClient

/// The WebSocket proxy in direct mode: the sandbox gives each pod a unique loopback IP
/// (127.1.x.y), so an echo WebSocket server bound to that IP stands in for the pod's websockify.
@Suite("serve: WebSocket proxy", .serialized, .timeLimit(.minutes(10)))
struct ServerWebSocketTests {
    /// A free TCP port (bound and released on 127.0.0.1; the pod IP is a different address).
    static func freePort() throws -> Int {
        let channel = try ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).wait()
        defer { try? channel.close().wait() }
        return channel.localAddress!.port!
    }

    /// Runs an echo WebSocket server (frames sent back unchanged) on `host:port` around `body`.
    static func withEcho<T: Sendable>(host: String, port: Int, _ body: @Sendable () async throws -> T) async throws -> T {
        let router = Router(context: BasicWebSocketRequestContext.self)
        router.ws("/websockify") { inbound, outbound, _ in
            for try await frame in inbound { try await outbound.write(.custom(Self.frame(frame))) }
        }
        let echo = Application(router: Router(context: BasicWebSocketRequestContext.self),
                               server: .http1WebSocketUpgrade(webSocketRouter: router, configuration: .init(ws: .init(maxFrameSize: 1 << 20))),
                               configuration: .init(address: .hostname(host, port: port)), logger: ServeFixture.quiet)
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await echo.run(); return nil }
            // Wait until it accepts connections.
            for _ in 0..<100 {
                if (try? await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton).connect(host: host, port: port).get().close().get()) != nil { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            let result = try await body()
            group.cancelAll()
            return result
        }
    }

    /// A received data frame as a frame to send back (opcode, FIN and payload unchanged).
    static func frame(_ frame: WebSocketDataFrame) -> NIOWebSocket.WebSocketFrame {
        let opcode: NIOWebSocket.WebSocketOpcode = switch frame.opcode {
        case .text: .text
        case .binary: .binary
        case .continuation: .continuation
        }
        return NIOWebSocket.WebSocketFrame(fin: frame.fin, opcode: opcode, data: frame.data)
    }

    /// A sandbox, a direct-mode serve whose pods' websockify is the echo server, and one running
    /// session: `body` gets the test client and the session.
    static func withRelayedSession(configure: (inout ServerConfiguration) -> Void = { _ in }, metrics: ServerMetrics = ServerMetrics(),
                                   _ body: @escaping @Sendable (any TestClientProtocol, (id: String, url: String, podIP: String)) async throws -> Void) async throws {
        let sandbox = try Sandbox.start()
        defer { sandbox.stop() }
        let port = try freePort()
        var configuration = ServeFixture.configuration()
        configuration.upstreamPort = port
        // WSClient sends `Origin: ws://localhost` (no port), which is not this server's origin.
        configuration.allowedOrigins = ["ws://localhost"]
        configure(&configuration)
        try await ServeFixture.withServer(sandbox, configuration: configuration, metrics: metrics) { client in
            let session = try await runningSession(client, sandbox)
            try await withEcho(host: session.podIP, port: port) { try await body(client, session) }
        }
    }

    static func runningSession(_ client: some TestClientProtocol, _ sandbox: Sandbox, token: String? = nil) async throws -> (id: String, url: String, podIP: String) {
        let created = try await client.createSession(#"{"app_id": "desk", "user_id": "wes"}"#, token: token).object()
        let id = try #require(created["id"] as? String)
        let running = try await client.waitForStatus(id, "running", token: token)
        let pod = try await sandbox.client().get(Pod.self, namespace: "default", name: "sortie-session-\(id)")
        return (id, running["websocket_url"] as? String ?? "", try #require(pod.status?.podIP))
    }

    @Test func relaysBinaryFramesByteExactBothWays() async throws {
        let sandbox = try Sandbox.start()
        defer { sandbox.stop() }
        let port = try Self.freePort()
        var configuration = ServeFixture.configuration(auth: .token, tokenFile: try ServerAuthTests.tokenFile("tok-wes,wes,1\n"))
        configuration.upstreamPort = port
        configuration.upstreamMode = .direct
        // WSClient sends `Origin: ws://localhost` (no port), which is not this server's origin.
        configuration.allowedOrigins = ["ws://localhost"]
        let metrics = ServerMetrics()
        try await ServeFixture.withServer(sandbox, configuration: configuration, metrics: metrics) { client in
            let session = try await Self.runningSession(client, sandbox, token: "tok-wes")
            #expect(session.url.contains("?token="))
            try await Self.withEcho(host: session.podIP, port: port) {
                var generator = SystemRandomNumberGenerator()
                let sizes = [1, 125, 126, 65_535, 65_536, 300_000, 900_000]
                let messages = sizes.map { size in (0..<size).map { _ in UInt8.random(in: 0...255, using: &generator) } }
                let received = Locked<[[UInt8]]>([])
                var wsConfiguration = WebSocketClientConfiguration(maxFrameSize: 1 << 20)
                wsConfiguration.additionalHeaders[.secWebSocketProtocol] = "binary"
                try await client.ws(session.url, configuration: wsConfiguration) { inbound, outbound, _ in
                    for message in messages { try await outbound.write(.binary(ByteBuffer(bytes: message))) }
                    var iterator = inbound.messages(maxSize: 1 << 21).makeAsyncIterator()
                    for _ in messages {
                        guard case .binary(let buffer) = try await iterator.next() else { break }
                        received.withLock { $0.append(Array(buffer.readableBytesView)) }
                    }
                    try await outbound.close(.normalClosure, reason: nil)
                }
                #expect(received.withLock { $0 } == messages, "echoed bytes differ")
                let total = sizes.reduce(0, +)
                let text = metrics.exposition()
                #expect(text.contains(#"sortie_websocket_bytes_total{direction="to_pod"} \#(total)"#), "\(text)")
                #expect(text.contains(#"sortie_websocket_bytes_total{direction="to_client"} \#(total)"#))
            }
        }
    }

    @Test func idleConnectionsAreClosedWithGoingAway() async throws {
        try await Self.withRelayedSession(configure: { $0.webSocketIdleTimeout = .seconds(1) }) { client, session in
            let started = ContinuousClock.now
            let close = try await client.ws(session.url) { inbound, _, _ in
                for try await _ in inbound {}
            }
            let elapsed = ContinuousClock.now - started
            #expect(close?.closeCode == .goingAway, "\(String(describing: close))")
            #expect(elapsed >= .milliseconds(900) && elapsed < .seconds(60))
            // The slot is free again.
            #expect(try await client.get(session.url).status == .upgradeRequired)
        }
    }

    @Test func connectionsPerSessionAreCapped() async throws {
        // The default idle timeout (30 minutes): the first connection stays open however slow the machine.
        try await Self.withRelayedSession(configure: { $0.maxConnectionsPerSession = 1 }) { client, session in
            _ = try await client.ws(session.url) { _, outbound, _ in
                // While this one is open, a second one is refused (a plain GET shows why).
                let second = try await client.get(session.url)
                #expect(second.status == .tooManyRequests)
                #expect(second.errorCode == "too_many_connections")
                let upgrade = try await RawHTTP.exchange(port: try #require(client.port), RawHTTP.upgradeRequest(session.url))
                #expect(RawHTTP.status(upgrade) == 429, "\(upgrade)")
                try await outbound.close(.normalClosure, reason: nil)
            }
            // The slot is released with the connection.
            var status = HTTPResponse.Status.tooManyRequests
            for _ in 0..<50 where status == .tooManyRequests {
                status = try await client.get(session.url).status
                if status == .tooManyRequests { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(status == .upgradeRequired)
        }
    }

    @Test func trafficIsRecordedOnTheSessionPodForTheIdleReaper() async throws {
        let sandbox = try Sandbox.start()
        defer { sandbox.stop() }
        let port = try Self.freePort()
        var configuration = ServeFixture.configuration()
        configuration.upstreamPort = port
        configuration.activityRecordInterval = .milliseconds(300)
        configuration.allowedOrigins = ["ws://localhost"]
        try await ServeFixture.withServer(sandbox, configuration: configuration) { client in
            let session = try await Self.runningSession(client, sandbox)
            let podName = "sortie-session-\(session.id)"
            let kube = try sandbox.client()
            func lastActivity() async throws -> Date? {
                let pod = try await kube.get(Pod.self, namespace: "default", name: podName)
                return pod.metadata.annotations?[SessionLabels.Annotations.lastActivity].flatMap(RFC3339.date(from:))
            }
            #expect(try await lastActivity() == nil, "no connection yet, no activity")
            let opened = Date()
            let trafficStarted = ContinuousClock.now
            try await Self.withEcho(host: session.podIP, port: port) {
                _ = try await client.ws(session.url) { inbound, outbound, _ in
                    var iterator = inbound.messages(maxSize: 1 << 16).makeAsyncIterator()
                    // Traffic for a while: the connection writes the annotation more than once.
                    for _ in 0..<25 {
                        try await outbound.write(.binary(ByteBuffer(bytes: [1, 2, 3])))
                        _ = try await iterator.next()
                        try await Task.sleep(for: .milliseconds(100))
                    }
                    try await outbound.close(.normalClosure, reason: nil)
                }
            }
            let trafficTook = (ContinuousClock.now - trafficStarted).seconds
            let recorded = try #require(try await lastActivity(), "the annotation was not written")
            // Whole seconds (RFC 3339 as the seed's dates); writes during the traffic are later than the open.
            #expect(recorded.timeIntervalSince(opened) > -1)
            #expect(recorded.timeIntervalSince(opened) >= 1, "only the opening was recorded, not the traffic")
            let patches = try await sandbox.requestLog().filter {
                $0["method"] as? String == "PATCH" && ($0["path"] as? String)?.hasSuffix(podName) == true
            }
            // Throttled to one write per 300 ms (plus the one at open), not one per frame.
            #expect(patches.count >= 2 && patches.count <= Int(trafficTook / 0.3) + 2,
                    "\(patches.count) activity writes in \(trafficTook) s")
        }
    }

    @Test func foreignOriginsAndNonRunningSessionsAreRefused() async throws {
        let sandbox = try Sandbox.start(readyDelay: 30)
        defer { sandbox.stop() }
        try await ServeFixture.withServer(sandbox) { client in
            let created = try await client.createSession(#"{"app_id": "desk"}"#).object()
            let id = try #require(created["id"] as? String)
            let creating = try await client.get("/ws/sessions/\(id)")
            #expect(creating.status == .conflict, "not running yet")
            var evil = HTTPFields()
            evil[.origin] = "https://evil.example"
            let refused = try await client.execute(uri: "/ws/sessions/\(id)", method: .get, headers: evil)
            #expect(refused.status == .forbidden)
            #expect(refused.errorCode == "forbidden")
            #expect(WebSocketController.isSameHost(origin: "http://sortie.example:8080", authority: "sortie.example:8080"))
            #expect(WebSocketController.isSameHost(origin: "https://sortie.example", authority: "sortie.example"))
            #expect(!WebSocketController.isSameHost(origin: "http://sortie.example:3000", authority: "sortie.example:8080"))
            #expect(!WebSocketController.isSameHost(origin: "http://evil.example", authority: "sortie.example"))
        }
    }

    @Test func refusedUpgradesAreAnsweredWithTheirReason() async throws {
        let sandbox = try Sandbox.start(readyDelay: 30)
        defer { sandbox.stop() }
        let configuration = ServeFixture.configuration(auth: .token, tokenFile: try ServerAuthTests.tokenFile("tok-wes,wes,1\n"))
        try await ServeFixture.withServer(sandbox, configuration: configuration) { client in
            let created = try await client.createSession(#"{"app_id": "desk"}"#, token: "tok-wes").object()
            let id = try #require(created["id"] as? String)
            let port = try #require(client.port)
            let path = "/ws/sessions/\(id)"
            let cases: [(headers: [String: String], path: String, status: Int, error: String)] = [
                ([:], path, 401, "unauthorized"),
                (["Authorization": "Bearer tok-wes", "Origin": "https://evil.example"], path, 403, "forbidden"),
                (["Authorization": "Bearer tok-wes"], "/ws/sessions/0123456789abcdef", 404, "not_found"),
                (["Authorization": "Bearer tok-wes"], "/ws/elsewhere", 404, "not_found"),
                (["Authorization": "Bearer tok-wes"], path, 409, "conflict"),
            ]
            for (headers, target, status, error) in cases {
                let response = try await RawHTTP.exchange(port: port, RawHTTP.upgradeRequest(target, headers: headers))
                #expect(RawHTTP.status(response) == status, "\(target) \(headers): \(response)")
                #expect(RawHTTP.body(response)?["error"] as? String == error, "\(response)")
                #expect(response.lowercased().contains("connection: close"))
            }
            // A handshake NIO cannot upgrade (no key, wrong version) reaches the HTTP routes: 400, not a redirect loop.
            let noKey = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nAuthorization: Bearer tok-wes\r\n\r\n"
            let refused = try await RawHTTP.exchange(port: port, noKey)
            #expect(RawHTTP.status(refused) == 400, "\(refused)")
            #expect(RawHTTP.body(refused)?["error"] as? String == "bad_request")
        }
    }

    @Test func aClientThatBreaksTheProtocolIsDisconnectedWithCloseCode1002() async throws {
        try await Self.withRelayedSession { client, session in
            // An unmasked binary frame from a client: RFC 6455 §5.1 says the server must close.
            let unmasked: [UInt8] = [0x82, 0x03, 1, 2, 3]
            let received = try await RawHTTP.exchange(port: try #require(client.port), bytes: Array(RawHTTP.upgradeRequest(session.url).utf8),
                                                      then: unmasked)
            let text = String(decoding: received, as: UTF8.self)
            #expect(RawHTTP.status(text) == 101, "\(text)")
            let head = try #require(received.firstRange(of: Array("\r\n\r\n".utf8)))
            let frames = Array(received[head.upperBound...])
            // Nothing was echoed; a close frame with 1002 (0x03EA), then the connection closed.
            #expect(frames.count >= 4 && frames[0] == 0x88 && frames[2] == 0x03 && frames[3] == 0xEA, "\(frames)")
        }
    }

    @Test func aClientThatHalfClosesEndsTheRelayAndFreesItsSlot() async throws {
        let metrics = ServerMetrics()
        try await Self.withRelayedSession(metrics: metrics) { client, session in
            // A masked binary frame "hi", then FIN without a close frame: serve must notice the
            // FIN (its channels allow half-closure), end the relay and close the connection.
            let frame: [UInt8] = [0x82, 0x82, 1, 2, 3, 4, UInt8(ascii: "h") ^ 1, UInt8(ascii: "i") ^ 2]
            let received = try await RawHTTP.exchange(port: try #require(client.port), bytes: Array(RawHTTP.upgradeRequest(session.url).utf8),
                                                      then: frame, halfClose: true)
            let text = String(decoding: received, as: UTF8.self)
            #expect(RawHTTP.status(text) == 101, "\(text)")
            var open: Double?
            for _ in 0..<50 {
                open = metrics.exposition().split(separator: "\n").first { $0.hasPrefix("sortie_websocket_connections ") }
                    .flatMap { Double($0.split(separator: " ").last ?? "") }
                if open == 0 { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(open == 0, "the slot was not released: \(String(describing: open)) open")
        }
    }
}
