import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import HummingbirdWebSocket
import HummingbirdWSTesting
import Logging
import NIOCore
import NIOPosix
@testable import SortieKit
@testable import SortieServer
import SortieKitTesting
import Synchronization
import Testing
import WSClient

/// The WebSocket proxy through the API server's port-forward (what `--upstream auto` picks
/// outside a cluster): the sandbox forwards the pod's port 6080 to a real `websockify`, which
/// speaks raw TCP to a local echo server (or x11vnc), so every byte crosses browser WebSocket →
/// serve → port-forward WebSocket → websockify's WebSocket → TCP and back.
@Suite("serve: WebSocket proxy through port-forward", .serialized, .timeLimit(.minutes(10)))
struct ServerPortForwardTests {
    /// A TCP echo server on 127.0.0.1 (any free port).
    static func startEcho() async throws -> any Channel {
        try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(EchoHandler()) }
            }
            .bind(host: "127.0.0.1", port: 0).get()
    }

    final class EchoHandler: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        func channelRead(context: ChannelHandlerContext, data: NIOAny) { context.write(data, promise: nil) }
        func channelReadComplete(context: ChannelHandlerContext) { context.flush() }
    }

    /// Runs Debian's `websockify` on a free port in front of `target` until `body` returns.
    static func withWebsockify<T: Sendable>(target: Int, _ body: @Sendable (Int) async throws -> T) async throws -> T {
        let port = try ServerWebSocketTests.freePort()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/websockify")
        process.arguments = ["127.0.0.1:\(port)", "127.0.0.1:\(target)"]
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        // SIGKILL: ServiceLifecycle (in the servers under test) ignores SIGTERM/SIGINT in this
        // process, and children inherit that, so websockify would not stop on them.
        defer { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
        for _ in 0..<100 {
            if (try? await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton).connect(host: "127.0.0.1", port: port).get().close().get()) != nil { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        return try await body(port)
    }

    static var hasWebsockify: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/websockify") }

    @Test(.enabled(if: hasWebsockify, "needs Debian's websockify (scripts/install-deps.sh)"))
    func relaysBytesExactlyThroughPortForwardAndWebsockify() async throws {
        let echo = try await Self.startEcho()
        defer { echo.close(promise: nil) }
        try await Self.withWebsockify(target: echo.localAddress!.port!) { websockifyPort in
            let sandbox = try Sandbox.start(tls: true, arguments: ["--forward", "6080=127.0.0.1:\(websockifyPort)"])
            defer { sandbox.stop() }
            var configuration = ServeFixture.configuration()
            configuration.upstreamMode = .portForward
            configuration.allowedOrigins = ["ws://localhost"]
            let metrics = ServerMetrics()
            let upstream = PortForwardUpstream(client: try sandbox.client())
            try await ServeFixture.withServer(sandbox, configuration: configuration, upstream: upstream, metrics: metrics) { client in
                let session = try await ServerWebSocketTests.runningSession(client, sandbox)
                var generator = SystemRandomNumberGenerator()
                let sizes = [1, 125, 126, 65_535, 65_536, 300_000, 900_000]
                let messages = sizes.map { size in (0..<size).map { _ in UInt8.random(in: 0...255, using: &generator) } }
                let expected = messages.flatMap { $0 }
                let received = Locked<[UInt8]>([])
                var wsConfiguration = WebSocketClientConfiguration(maxFrameSize: 1 << 20)
                wsConfiguration.additionalHeaders[.secWebSocketProtocol] = "binary"
                try await client.ws(session.url, configuration: wsConfiguration) { inbound, outbound, _ in
                    // Send and receive at once: TCP echo answers as it reads, so sending everything
                    // first could fill every buffer on the way (backpressure) and stall.
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        group.addTask {
                            for message in messages { try await outbound.write(.binary(ByteBuffer(bytes: message))) }
                        }
                        // websockify relays a TCP stream: message boundaries are not kept, bytes are.
                        for try await frame in inbound {
                            let count = received.withLock { $0.append(contentsOf: frame.data.readableBytesView); return $0.count }
                            if count >= expected.count { break }
                        }
                        try await group.waitForAll()
                    }
                    try await outbound.close(.normalClosure, reason: nil)
                }
                let bytes = received.withLock { $0 }
                #expect(bytes.count == expected.count)
                #expect(bytes == expected, "echoed bytes differ")
                let text = metrics.exposition()
                #expect(text.contains(#"sortie_websocket_bytes_total{direction="to_pod"} \#(expected.count)"#), "\(text)")
                #expect(text.contains(#"sortie_websocket_bytes_total{direction="to_client"} \#(expected.count)"#))
                // The port-forward stream went through the API server.
                let log = try await sandbox.requestLog()
                #expect(log.contains { ($0["path"] as? String ?? "").hasSuffix("/sortie-session-\(session.id)/portforward") }, "\(log.suffix(5))")
            }
        }
    }

    @Test func refusedPodPortRefusesTheUpgradeWithTheReason() async throws {
        // Nothing listens on the forwarded port: the kubelet-like error channel reports the
        // refusal, the tunnel fails, and the browser's upgrade is answered 502 with the reason
        // (the pod is connected before the 101).
        let closedPort = try ServerWebSocketTests.freePort()
        let sandbox = try Sandbox.start(arguments: ["--forward", "6080=127.0.0.1:\(closedPort)"])
        defer { sandbox.stop() }
        var configuration = ServeFixture.configuration()
        configuration.allowedOrigins = ["ws://localhost"]
        let upstream = PortForwardUpstream(client: try sandbox.client())
        try await ServeFixture.withServer(sandbox, configuration: configuration, upstream: upstream) { client in
            let session = try await ServerWebSocketTests.runningSession(client, sandbox)
            let response = try await RawHTTP.exchange(port: try #require(client.port), RawHTTP.upgradeRequest(session.url))
            #expect(RawHTTP.status(response) == 502, "\(response)")
            let body = try #require(RawHTTP.body(response))
            #expect(body["error"] as? String == "session_unreachable")
            #expect((body["message"] as? String ?? "").contains("cannot reach the session"), "\(body)")
            // The refusal itself is the reason, not the 10 s handshake timeout it would otherwise run into.
            #expect(!(body["message"] as? String ?? "").contains("in time"), "\(body)")
        }
    }

    @Test func autoPicksDirectInClusterAndPortForwardOutside() throws {
        let sandbox = try Sandbox.start()
        defer { sandbox.stop() }
        let client = try sandbox.client()
        var configuration = ServeFixture.configuration()
        configuration.upstreamPort = 6081
        let logger = ServeFixture.quiet
        configuration.upstreamMode = .auto
        let inCluster = makeUpstream(configuration: configuration, client: client,
                                     environment: ["KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443"], logger: logger)
        #expect((inCluster as? DirectUpstream)?.port == 6081)
        let outside = makeUpstream(configuration: configuration, client: client, environment: [:], logger: logger)
        #expect((outside as? PortForwardUpstream)?.port == 6081)
        let emptyHost = makeUpstream(configuration: configuration, client: client, environment: ["KUBERNETES_SERVICE_HOST": ""], logger: logger)
        #expect(emptyHost is PortForwardUpstream)
        // Explicit modes win over the environment.
        configuration.upstreamMode = .portForward
        #expect(makeUpstream(configuration: configuration, client: client, environment: ["KUBERNETES_SERVICE_HOST": "10.96.0.1"], logger: logger) is PortForwardUpstream)
        configuration.upstreamMode = .direct
        #expect(makeUpstream(configuration: configuration, client: client, environment: [:], logger: logger) is DirectUpstream)
    }
}
