import ArgumentParser
import Dispatch
import Foundation
import Logging
import SortieKit
import Synchronization

struct ConnectCommand: SortieCommand {
    static let configuration = CommandConfiguration(
        commandName: "connect",
        abstract: "Forward a session's VNC port to this machine, as kubectl port-forward does, knowing sessions.",
        discussion: """
            Waits for the session to be running (progress on stderr), then listens on --address:--port
            and tunnels every connection made there to the session pod's VNC port (5900) through the
            API server's port-forward, each connection in a WebSocket stream of its own. Runs until
            Ctrl-C (SIGINT) or SIGTERM, which close the streams cleanly; ends with exit code 1 and a
            message if the session is deleted or fails meanwhile.

            --probe and --screenshot are smoke tests: they speak RFB through the tunnel themselves and
            exit (0 on success). --exec starts a viewer once the tunnel is up and exits with it.

            Examples:
              sortiectl connect 3f2a
              sortiectl connect 3f2a --port 0 --exec 'vncviewer 127.0.0.1::{port}'
              sortiectl connect 3f2a --web        # then open noVNC against 127.0.0.1:6080
              sortiectl connect 3f2a --probe && sortiectl connect 3f2a --screenshot desk.png
            """)

    @Argument(help: "The session id (or a unique prefix of it, or the pod name).", completion: DynamicCompletion.sessionIDs) var session: String
    @Option(name: .long, help: "The local port for VNC (0 = any free port).") var port: Int = 5900
    @Option(name: .long, help: "The local address to listen on.") var address: String = "127.0.0.1"
    @Flag(name: .long, help: "Also forward the session's websockify port (6080), for noVNC in a browser.") var web = false
    @Option(name: .customLong("web-port"), help: "The local port for --web (0 = any free port).") var webPort: Int = 6080
    @Option(name: .long, help: "A viewer to run once the tunnel is up; {port} becomes the local VNC port, e.g. 'vncviewer 127.0.0.1::{port}'.")
    var exec: String?
    @Flag(name: .long, help: "Do the RFB handshake through the tunnel, print the server version and security types, and exit.") var probe = false
    @Option(name: .long, help: "Capture the session's screen through the tunnel into this PNG file, and exit.") var screenshot: String?
    @Option(name: .long, help: "How long to wait for the session to be running, e.g. 90s, 5m (default: POD_READY_TIMEOUT seconds).")
    var timeout: String?

    @Option(name: .long, help: "Connect through a `sortiectl serve` at this URL (no Kubernetes credentials needed), e.g. https://sortie.example.com.")
    var server: String?
    @Option(name: .long, help: "The bearer token for --server (default: SORTIE_TOKEN).") var token: String?

    @OptionGroup(title: "Catalog Options") var catalog: CatalogOptions
    @OptionGroup(title: "Cluster Options") var cluster: ClusterOptions
    var clusterOptions: ClusterOptions? { cluster }

    /// The pod ports the session image serves (see docker/vnc-sidecar/start.sh).
    static let vncPort: UInt16 = 5900
    static let websockifyPort: UInt16 = 6080

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        guard (0...65535).contains(webPort) else { throw ValidationError("--web-port must be between 0 and 65535") }
        let modes = [exec != nil, probe, screenshot != nil].filter { $0 }.count
        if modes > 1 { throw ValidationError("--exec, --probe and --screenshot cannot be used together") }
        if let screenshot, screenshot.isEmpty { throw ValidationError("--screenshot needs a file name") }
        if let timeout { _ = try parseDuration(timeout, flag: "--timeout") }
        if server != nil { try ConnectThroughServer.validate(self) }
    }

    /// How the command ends.
    private enum Ending: Sendable {
        case signal(Int32)
        case finished
    }

    func run(_ context: CommandContext) async throws {
        if let server {
            // Through `sortiectl serve` (ConnectThroughServer.swift).
            return try await ConnectThroughServer(command: self, server: server, token: token ?? context.environment["SORTIE_TOKEN"]).run(context)
        }
        let console = context.console
        let engine = try context.listingEngine()
        var (session, _) = try await engine.resolve(self.session)
        switch session.status {
        case .running, .expired:
            break
        case .creating:
            let limit = try timeout.map { try parseDuration($0, flag: "--timeout") }
            let id = session.id
            console.diagnostic("Waiting for session \(id) (\(session.appName)) to start…")
            session = try await engine.waitUntilReady(session, timeout: limit) { stage in
                console.diagnostic("session \(id): \(stage)")
            }
        case .failed, .terminating, .stopped:
            throw TunnelError.sessionNotRunning(id: session.id, status: session.status.rawValue,
                                                reason: [session.reason, session.message].compactMap { $0 }.joined(separator: ": ").nilIfEmpty)
        }

        let tunnel = PortForwardTunnel(client: engine.client, namespace: engine.settings.namespace, podName: session.podName,
                                       logger: context.logger)
        let vnc = try LocalListener(address: address, port: UInt16(port))
        let websockify = web ? try LocalListener(address: address, port: UInt16(webPort)) : nil
        // Results go to stdout; in the smoke-test modes the result is the probe or the file.
        let smokeTest = probe || screenshot != nil
        let announce: (String) -> Void = { line in
            if smokeTest { console.diagnostic(line) } else { console.print(line) }
        }
        announce("Forwarding \(vnc.endpoint) -> session \(session.id) (\(session.appName)) VNC")
        if let websockify {
            announce("Forwarding \(websockify.endpoint) -> session \(session.id) (\(session.appName)) noVNC/websockify")
        }

        let failures = FailureLog()
        let verbose = cluster.verbose > 0
        let report: @Sendable (PortForwardTunnel.Event) -> Void = { event in
            switch event {
            case .failed(let id, let port, let error):
                failures.record(error)
                console.diagnostic("error: connection \(id) to port \(port): \(ErrorPresenter.present(error).message)")
            case .opened(let id, let port):
                if verbose { console.diagnostic("connection \(id) to port \(port) opened") }
            case .closed(let id, let port, let summary):
                if verbose { console.diagnostic("connection \(id) to port \(port) closed (\(summary.bytesToPod) bytes sent, \(summary.bytesFromPod) received)") }
            }
        }

        let host = Self.dialableHost(address)
        let localPort = vnc.port
        let watched = session
        let ending: Ending = try await withThrowingTaskGroup(of: Ending?.self) { group in
            group.addTask {
                await tunnel.serve(vnc, to: Self.vncPort, onEvent: report)
                return nil
            }
            if let websockify {
                group.addTask {
                    await tunnel.serve(websockify, to: Self.websockifyPort, onEvent: report)
                    return nil
                }
            }
            group.addTask {
                try await Self.watchUntilGone(watched, engine: engine)
                return nil
            }
            group.addTask {
                guard let signal = await Self.nextTerminationSignal() else { return nil }
                return .signal(signal)
            }
            if probe {
                group.addTask {
                    do {
                        try await Self.probe(host: host, port: localPort, console: console)
                        return .finished
                    } catch { throw failures.preferTunnelFailure(over: error) }
                }
            } else if let screenshot {
                group.addTask {
                    do {
                        try await Self.screenshot(host: host, port: localPort, to: screenshot, console: console)
                        return .finished
                    } catch { throw failures.preferTunnelFailure(over: error) }
                }
            } else if let exec {
                let command = exec.replacingOccurrences(of: "{port}", with: String(localPort))
                    .replacingOccurrences(of: "{webport}", with: websockify.map { String($0.port) } ?? "")
                group.addTask {
                    let status = try await Self.runViewer(command, environment: context.environment)
                    if status != 0 { throw ExitCode(status) }
                    return .finished
                }
            }
            while let next = try await group.next() {
                if let ending = next {
                    group.cancelAll()
                    return ending
                }
            }
            return .finished
        }
        if case .signal = ending { console.diagnostic("Closing the tunnel to session \(session.id).") }
    }

    /// An address to dial for the listener: the wildcard addresses are reached over loopback.
    static func dialableHost(_ address: String) -> String {
        switch address {
        case "0.0.0.0": "127.0.0.1"
        case "::": "::1"
        default: address
        }
    }

    /// Watches the session pod; returns when cancelled and throws when the session ends or fails.
    static func watchUntilGone(_ session: Session, engine: SessionEngine) async throws {
        let options = ListOptions(fieldSelector: "metadata.name=\(session.podName)")
        let events = engine.client.listWatch(Pod.self, namespace: engine.settings.namespace, options: options, maxConsecutiveFailures: 3)
        for try await event in events {
            let pod: Pod
            switch event {
            case .synced(let pods):
                guard let first = pods.first else { throw TunnelError.sessionEnded(id: session.id, reason: "its pod no longer exists (deleted)") }
                pod = first
            case .added(let added), .modified(let added):
                pod = added
            case .deleted:
                throw TunnelError.sessionEnded(id: session.id, reason: "it was deleted")
            }
            guard let current = Session(pod: pod, now: Date(), timeoutMinutes: engine.settings.sessionTimeoutMinutes) else { continue }
            switch current.status {
            case .failed, .stopped, .terminating:
                let why = [current.reason, current.message].compactMap { $0 }.joined(separator: ": ")
                throw TunnelError.sessionEnded(id: session.id, reason: "it is now \(current.status.rawValue)" + (why.isEmpty ? "" : " (\(why))"))
            case .creating, .running, .expired:
                continue
            }
        }
    }

    /// The next SIGINT or SIGTERM (both ignored by the default handlers meanwhile), or nil when cancelled.
    static func nextTerminationSignal() async -> Int32? {
        signal(SIGPIPE, SIG_IGN)
        let (stream, continuation) = AsyncStream<Int32>.makeStream()
        let sources = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { continuation.yield(number) }
            source.resume()
            return source
        }
        defer { sources.forEach { $0.cancel() } }
        for await number in stream { return number }
        return nil
    }

    /// Runs `/bin/sh -c command` and returns its exit status; terminates it if the task is cancelled.
    static func runViewer(_ command: String, environment: [String: String]) async throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        process.environment = environment
        let (ended, continuation) = AsyncStream<Int32>.makeStream(bufferingPolicy: .bufferingNewest(1))
        process.terminationHandler = { continuation.yield($0.terminationStatus); continuation.finish() }
        do {
            try process.run()
        } catch {
            throw ConnectCommandError(message: "cannot run --exec '\(command)': \(error.localizedDescription)", exitCode: .usage)
        }
        return await withTaskCancellationHandler {
            for await status in ended { return status }
            return 1
        } onCancel: {
            process.terminate()
        }
    }
}

/// A failure of the command itself: the screenshot file cannot be written, `--exec` cannot start.
struct ConnectCommandError: Error, PresentableError {
    var message: String
    var exitCode: ExitStatus
    var presentation: (message: String, exitCode: ExitStatus) { (message, exitCode) }
}

/// The most recent stream failure, so a failed probe reports the tunnel's reason (the pod port
/// refused, the API server went away) rather than "the VNC server closed the connection".
private final class FailureLog: Sendable {
    private let last = Locked<(any Error)?>(nil)
    func record(_ error: any Error) { last.withLock { $0 = error } }
    func preferTunnelFailure(over error: any Error) -> any Error {
        guard case .rfb = error as? TunnelError else { return error }
        return last.withLock { $0 } ?? error
    }
}

extension TunnelError: PresentableError {
    var presentation: (message: String, exitCode: ExitStatus) {
        switch self {
        case .connectionLost: (description, .unreachable)
        case .timedOut: (description, .timeout)
        case .localSocket, .sessionNotRunning, .sessionEnded, .remote, .protocolViolation, .rfb, .rfbUnsupported:
            (description, .failure)
        }
    }
}

private extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}

/// The smoke checks shared by the direct and the `--server` tunnels.
extension ConnectCommand {
    /// `--probe`: the RFB handshake through the tunnel; prints the server's version and security types.
    static func probe(host: String, port: UInt16, console: Console) async throws {
        let info = try await RFBClient.probe(host: host, port: port)
        console.print("VNC server: \(info)")
    }

    /// `--screenshot`: one full framebuffer update through the tunnel, written as a PNG.
    static func screenshot(host: String, port: UInt16, to path: String, console: Console) async throws {
        let image = try await RFBClient.screenshot(host: host, port: port)
        let png = PNGEncoder.encode(width: image.width, height: image.height, rgb: image.rgb)
        do {
            try Data(png).write(to: URL(fileURLWithPath: path))
        } catch {
            throw ConnectCommandError(message: "cannot write the screenshot to \(path): \(error.localizedDescription)", exitCode: .failure)
        }
        console.print("Wrote \(path) (\(image.width)x\(image.height), desktop \"\(image.name)\")")
    }
}
