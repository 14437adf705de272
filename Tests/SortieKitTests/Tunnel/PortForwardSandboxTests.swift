import Foundation
@testable import SortieKit
import SortieKitTesting
import Synchronization
import Testing

/// Port-forward through the sandbox API server's real WebSocket endpoint, with the libcurl
/// connect-only client, to an echo server standing in for the pod's port.
@Suite("Port-forward tunnel against the sandbox", .serialized, .timeLimit(.minutes(10)))
struct PortForwardSandboxTests {
    static let catalog = AppCatalog(apps: [
        AppDefinition(id: "desk", name: "Desktop", launchType: .container, containerImage: "example/desktop:1"),
    ])

    /// A sandbox forwarding pod port 5900 to `target`, with one running session pod.
    static func runningSession(forwardingTo target: UInt16, tls: Bool = false) async throws -> (Sandbox, Session) {
        let sandbox = try Sandbox.start(tls: tls, readyDelay: 0.2, arguments: ["--forward", "5900=127.0.0.1:\(target)"])
        var settings = SessionSettings()
        settings.namespace = "default"
        let engine = SessionEngine(client: try sandbox.client(), catalog: catalog, settings: settings)
        let session = try await engine.waitUntilReady(try await engine.create(appID: "desk", userID: "tester"), timeout: .seconds(20))
        return (sandbox, session)
    }

    /// Records tunnel events.
    final class Events: Sendable {
        private let list = Locked<[PortForwardTunnel.Event]>([])
        func record(_ event: PortForwardTunnel.Event) { list.withLock { $0.append(event) } }
        var all: [PortForwardTunnel.Event] { list.withLock { $0 } }
        var failures: [any Error] {
            all.compactMap { if case .failed(_, _, let error) = $0 { return error } else { return nil } }
        }
        var closedCount: Int { all.filter { if case .closed = $0 { true } else { false } }.count }

        /// Waits until `condition` holds (polling the recorded list), at most `seconds`.
        func wait(seconds: Double = 10, until condition: @escaping ([PortForwardTunnel.Event]) -> Bool) async {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline, !condition(all) { try? await Task.sleep(for: .milliseconds(20)) }
        }
    }

    /// Serves a tunnel to pod port `port` in the background; returns its listener and the task.
    static func serve(_ sandbox: Sandbox, _ session: Session, port: UInt16 = 5900, tls: Bool = false,
                      events: Events) throws -> (LocalListener, Task<Void, Never>) {
        let tunnel = PortForwardTunnel(client: try sandbox.client(), namespace: "default", podName: session.podName)
        let listener = try LocalListener(address: "127.0.0.1", port: 0)
        let task = Task { await tunnel.serve(listener, to: port) { events.record($0) } }
        return (listener, task)
    }

    @Test(arguments: [false, true])
    func echoIsByteExactWithSeveralConcurrentConnections(tls: Bool) async throws {
        let echo = try EchoServer()
        defer { echo.stop() }
        let (sandbox, session) = try await Self.runningSession(forwardingTo: echo.port, tls: tls)
        defer { sandbox.stop() }
        let events = Events()
        let (listener, task) = try Self.serve(sandbox, session, events: events)
        // Sizes around frame and buffer boundaries: 1 byte, one frame, several frames, a few MB.
        let sizes = [1, 125, 126, 65_535, 65_536, 131_071, 131_073, 300_000, 3_000_000]
        let port = listener.port
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, size) in sizes.enumerated() {
                group.addTask {
                    let message = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ index) }
                    let echoed = try await SocketSupport.onThread(name: "echo-\(index)") {
                        try EchoClient.roundTrip(port: port, message: message)
                    }
                    #expect(echoed.count == message.count, "connection \(index) (\(size) bytes)")
                    #expect(echoed == message, "connection \(index) (\(size) bytes) differs")
                }
            }
            try await group.waitForAll()
        }
        await events.wait { events in events.filter { if case .closed = $0 { true } else { false } }.count == sizes.count }
        #expect(events.failures.isEmpty, "\(events.failures)")
        #expect(events.closedCount == sizes.count)
        task.cancel()
        await task.value
        _ = listener
    }

    @Test func twoHundredMegabytesArriveIdenticalOverFourConnections() async throws {
        let echo = try EchoServer()
        defer { echo.stop() }
        let (sandbox, session) = try await Self.runningSession(forwardingTo: echo.port)
        defer { sandbox.stop() }
        let events = Events()
        let (listener, task) = try Self.serve(sandbox, session, events: events)
        let port = listener.port
        let perConnection = 50 * 1024 * 1024
        let started = ContinuousClock.now
        let outcomes = try await withThrowingTaskGroup(of: EchoOutcome.self) { group in
            for seed in 0..<4 {
                group.addTask {
                    try await SocketSupport.onThread(name: "pump-\(seed)") {
                        try EchoClient.pump(port: port, total: perConnection, seed: seed)
                    }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let elapsed = ContinuousClock.now - started
        for outcome in outcomes {
            #expect(outcome.received == perConnection)
            #expect(outcome.receivedHash == outcome.sentHash)
        }
        #expect(Set(outcomes.map(\.sentHash)).count == 4, "each connection carried different data")
        let megabytes = Double(4 * perConnection) / 1_048_576
        print("200 MB echoed through the tunnel (each way) in \(elapsed): \(Int(megabytes / elapsed.seconds)) MB/s per direction")
        task.cancel()
        await task.value
        #expect(events.failures.isEmpty, "\(events.failures)")
    }

    @Test func aRefusedPodPortSurfacesTheErrorChannelMessage() async throws {
        let echo = try EchoServer()
        defer { echo.stop() }
        let (sandbox, session) = try await Self.runningSession(forwardingTo: echo.port)
        defer { sandbox.stop() }
        let events = Events()
        // Nothing listens on the pod IP's port 5999.
        let (listener, task) = try Self.serve(sandbox, session, port: 5999, events: events)
        let port = listener.port
        let received = try await SocketSupport.onThread(name: "refused") {
            try EchoClient.roundTrip(port: port, message: Array("hello".utf8))
        }
        #expect(received.isEmpty, "the local connection is closed without data")
        await events.wait { !$0.isEmpty && $0.contains { if case .failed = $0 { true } else { false } } }
        let failure = try #require(events.failures.first as? TunnelError)
        guard case .remote(let failedPort, let message) = failure else {
            Issue.record("expected TunnelError.remote, got \(failure)")
            return
        }
        #expect(failedPort == 5999)
        #expect(message.contains("connection refused"))
        #expect(failure.description.contains("port-forward to pod port 5999 failed"))
        // The tunnel keeps serving: a second connection gets its own stream (and its own error).
        _ = try await SocketSupport.onThread(name: "refused-2") { try EchoClient.roundTrip(port: port, message: [1]) }
        await events.wait { $0.filter { if case .failed = $0 { true } else { false } }.count >= 2 }
        #expect(events.failures.count == 2)
        task.cancel()
        await task.value
    }

    @Test func anUnknownPodIsANotFoundAnswer() async throws {
        let sandbox = try Sandbox.start(readyDelay: 0.2)
        defer { sandbox.stop() }
        let events = Events()
        let tunnel = PortForwardTunnel(client: try sandbox.client(), namespace: "default", podName: "sortie-session-nope")
        let listener = try LocalListener(address: "127.0.0.1", port: 0)
        let task = Task { await tunnel.serve(listener, to: 5900) { events.record($0) } }
        let port = listener.port
        _ = try await SocketSupport.onThread(name: "unknown") { try EchoClient.roundTrip(port: port, message: [1, 2, 3]) }
        await events.wait { !$0.filter { if case .failed = $0 { true } else { false } }.isEmpty }
        let error = try #require(events.failures.first as? KubeAPIError)
        #expect(error.reason == .notFound)
        #expect(error.code == 404)
        task.cancel()
        await task.value
    }

    @Test func aPodThatIsNotRunningRefusesTheUpgrade() async throws {
        let echo = try EchoServer()
        defer { echo.stop() }
        let (sandbox, session) = try await Self.runningSession(forwardingTo: echo.port)
        defer { sandbox.stop() }
        try await sandbox.control(.post, "/sandbox/pods/default/\(session.podName)/fail", json: ["reason": "Error", "message": "app exited"])
        let events = Events()
        let (listener, task) = try Self.serve(sandbox, session, events: events)
        let port = listener.port
        _ = try await SocketSupport.onThread(name: "not-running") { try EchoClient.roundTrip(port: port, message: [1]) }
        await events.wait { !$0.filter { if case .failed = $0 { true } else { false } }.isEmpty }
        let error = try #require(events.failures.first as? KubeAPIError)
        #expect(error.code == 400)
        #expect(error.message.contains("not running"))
        task.cancel()
        await task.value
    }

    @Test func theAPIServerDyingMidStreamIsAClearError() async throws {
        let echo = try EchoServer()
        defer { echo.stop() }
        let (sandbox, session) = try await Self.runningSession(forwardingTo: echo.port)
        defer { sandbox.stop() }
        let events = Events()
        let (listener, task) = try Self.serve(sandbox, session, events: events)
        let port = listener.port
        let transfer = Task {
            try await SocketSupport.onThread(name: "doomed") {
                try EchoClient.pump(port: port, total: 2_000_000_000, seed: 1)
            }
        }
        await events.wait { !$0.isEmpty }
        try await Task.sleep(for: .milliseconds(300))
        // A crash, not a graceful shutdown: SIGKILL the server process.
        try killHard(sandbox)
        let outcome = try await transfer.value
        #expect(outcome.received < 2_000_000_000, "the local connection ended early")
        await events.wait { !$0.filter { if case .failed = $0 { true } else { false } }.isEmpty }
        let error = try #require(events.failures.first as? TunnelError)
        guard case .connectionLost = error else {
            Issue.record("expected connectionLost, got \(error)")
            return
        }
        #expect(error.description.contains("was lost mid-stream"))
        task.cancel()
        await task.value
    }

    @Test func cancellingTheTunnelClosesOpenStreamsCleanly() async throws {
        let echo = try EchoServer()
        defer { echo.stop() }
        let (sandbox, session) = try await Self.runningSession(forwardingTo: echo.port)
        defer { sandbox.stop() }
        let events = Events()
        let (listener, task) = try Self.serve(sandbox, session, events: events)
        let port = listener.port
        // An idle connection that stays open until the tunnel closes it.
        let idle = Task {
            try await SocketSupport.onThread(name: "idle") { try EchoClient.roundTrip(port: port, message: Array(repeating: 7, count: 10) + [UInt8](repeating: 0, count: 0)) }
        }
        _ = try await idle.value
        let held = try SocketSupport.connect(host: "127.0.0.1", port: port, timeout: .seconds(5))
        defer { close(held) }
        await events.wait { $0.filter { if case .opened = $0 { true } else { false } }.count >= 2 }
        try await Task.sleep(for: .milliseconds(200))
        let state1 = String(decoding: try await sandbox.control(.get, "/sandbox/state"), as: UTF8.self)
        #expect(state1.contains("\"portForwards\": 1") || state1.contains("\"portForwards\":1"), "\(state1)")
        task.cancel()
        await task.value
        // Every stream ended without error and the server saw the close.
        #expect(events.failures.isEmpty, "\(events.failures)")
        #expect(events.closedCount == 2)
        try await Task.sleep(for: .milliseconds(200))
        let state2 = String(decoding: try await sandbox.control(.get, "/sandbox/state"), as: UTF8.self)
        #expect(state2.contains("\"portForwards\": 0") || state2.contains("\"portForwards\":0"), "\(state2)")
    }
}

/// SIGKILLs the sandbox's server process (found by its unique scratch directory in /proc).
func killHard(_ sandbox: Sandbox) throws {
    let entries = try FileManager.default.contentsOfDirectory(atPath: "/proc")
    for entry in entries {
        guard let pid = Int32(entry),
              let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline") else { continue }
        let commandLine = String(decoding: data.map { $0 == 0 ? 32 : $0 }, as: UTF8.self)
        if commandLine.contains("sortie_sandbox"), commandLine.contains(sandbox.directory) {
            kill(pid, SIGKILL)
            return
        }
    }
    throw TunnelError.rfb("test setup: no sandbox process found for \(sandbox.directory)")
}
