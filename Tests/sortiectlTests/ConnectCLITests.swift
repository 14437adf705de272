import Foundation
import SortieKit
import SortieKitTesting
import Synchronization
import Testing

/// `sortiectl connect` run as a subprocess (the built binary), against the sandbox API server and,
/// for the end-to-end tests, the real VNC stack (`docker/vnc-sidecar/start.sh`: Xvfb, x11vnc,
/// websockify) with a real X client (xterm) behind the session pod's port 5900.
@Suite("sortiectl connect", .serialized, .timeLimit(.minutes(10)))
struct ConnectCLITests {
    // MARK: End to end, real VNC

    @Test(.disabled(if: !VNCStack.isAvailable, "Xvfb, x11vnc, websockify or xterm is not installed (scripts/install-deps.sh installs them)"))
    func probeScreenshotAndAThirdPartyViewerSeeTheXterm() async throws {
        let stack = try VNCStack.start()
        defer { stack.stop() }
        let sandbox = try Sandbox.start(readyDelay: 0.2, arguments: ["--forward", "5900=127.0.0.1:\(stack.vncPort)",
                                                                     "--forward", "6080=127.0.0.1:\(stack.websockifyPort)"])
        defer { sandbox.stop() }
        let session = try await createSession(sandbox, app: "xterm")
        let environment = sandboxEnvironment(sandbox)

        // --probe: the RFB handshake through the tunnel.
        let probe = try CLIProcess.run(["connect", session.id, "--port", "0", "--probe"], environment: environment)
        #expect(probe.status == 0, "\(probe.stderr)")
        #expect(probe.stdout.contains("VNC server: RFB 003.008"), "\(probe.stdout)")
        #expect(probe.stdout.contains("None (1)"))
        #expect(probe.stderr.contains("-> session \(session.id) (XTerm) VNC"))

        // --screenshot: a PNG that an independent decoder (Pillow) reads, showing the xterm window.
        let directory = stack.directory
        let shot = directory + "/connect.png"
        let capture = try CLIProcess.run(["connect", String(session.id.prefix(8)), "--port", "0", "--screenshot", shot], environment: environment)
        #expect(capture.status == 0, "\(capture.stderr)")
        #expect(capture.stdout.contains("Wrote \(shot) (1024x768"))
        let ours = try PNGCheck.describe(shot)
        #expect(ours.width == 1024 && ours.height == 768)
        #expect(ours.colors > 1, "the screen is not uniform")
        // The xterm (white background, 80x24 at +10+10) covers a large white area on the black root window.
        #expect(ours.whitePixels > 100_000, "xterm window visible: \(ours)")

        // --exec: a "viewer" reads the RFB banner through {port}; connect exits with its status.
        let viewer = #"python3 -c 'import socket; s = socket.create_connection(("127.0.0.1", {port})); print(s.recv(12).decode().strip())'"#
        let exec = try CLIProcess.run(["connect", session.id, "--port", "0", "--exec", viewer], environment: environment)
        #expect(exec.status == 0, "\(exec.stderr)")
        #expect(exec.stdout.contains("RFB 003.008"), "\(exec.stdout)")
        let failing = try CLIProcess.run(["connect", session.id, "--port", "0", "--exec", "exit 3"], environment: environment)
        #expect(failing.status == 3)

        // A running `connect`, and the Python vncdotool client (not ours) capturing through it.
        let running = try CLIProcess.start(["connect", session.id, "--port", "0", "--web", "--web-port", "0"], environment: environment)
        defer { running.terminate() }
        let line = try #require(running.waitForLine(containing: ") VNC", seconds: 20), "\(running.stderr)")
        #expect(line.hasPrefix("Forwarding 127.0.0.1:"))
        #expect(line.hasSuffix("-> session \(session.id) (XTerm) VNC"))
        let port = try #require(Int(line.dropFirst("Forwarding 127.0.0.1:".count).prefix { $0.isNumber }))
        let theirs = directory + "/vncdo.png"
        let vncdo = try CLIProcess.runTool("vncdo", ["-s", "127.0.0.1::\(port)", "capture", theirs], seconds: 60)
        #expect(vncdo.status == 0, "vncdo: \(vncdo.stderr)")
        let third = try PNGCheck.describe(theirs)
        #expect(third.width == ours.width && third.height == ours.height)
        #expect(third.whitePixels > 100_000)
        let difference = try PNGCheck.differingPixelFraction(shot, theirs)
        #expect(difference < 0.01, "the two captures differ in \(difference * 100)% of the pixels")

        // noVNC's websockify answers through the --web forward (an HTTP request is enough to tell).
        let webLine = try #require(running.waitForLine(containing: "noVNC/websockify", seconds: 5))
        let webPort = try #require(Int(webLine.dropFirst("Forwarding 127.0.0.1:".count).prefix { $0.isNumber }))
        let web = try CLIProcess.runTool("python3", ["-c", """
            import socket; s = socket.create_connection(("127.0.0.1", \(webPort)), timeout=10)
            s.sendall(b"GET / HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n"); print(s.recv(100).decode(errors="replace"))
            """], seconds: 20)
        #expect(web.stdout.hasPrefix("HTTP/1."), "websockify answered: \(web.stdout) \(web.stderr)")

        // SIGINT closes the streams and exits 0 (-9: still running when the wait ran out and
        // killed, so SIGINT left it hanging; connect runs until stopped otherwise).
        running.interrupt()
        let status = running.waitForExit(seconds: 60)
        #expect(status == 0, "\(running.stderr)")
        #expect(running.stderr.contains("Closing the tunnel"))
    }

    @Test(.disabled(if: !VNCStack.isAvailable, "Xvfb, x11vnc, websockify or xterm is not installed (scripts/install-deps.sh installs them)"))
    func theStartScriptStopsEverythingWhenOneProcessDies() throws {
        let stack = try VNCStack.start()
        defer { stack.stop() }
        let x11vnc = try #require(VNCStack.pid(commandLineContaining: "-rfbport \(stack.vncPort)"), "x11vnc is running")
        kill(x11vnc, SIGKILL)
        let status = stack.waitForScript(seconds: 15)
        #expect(status != nil && status != 0, "start.sh exits non-zero when x11vnc dies (status \(String(describing: status)))")
        #expect(VNCStack.pid(commandLineContaining: "Xvfb \(stack.display) ") == nil, "Xvfb was stopped too")
        #expect(VNCStack.pid(commandLineContaining: "127.0.0.1:\(stack.websockifyPort)") == nil, "websockify was stopped too")
    }

    // MARK: Error paths (sandbox only)

    @Test func anUnknownSessionExitsTwo() async throws {
        let sandbox = try Sandbox.start(readyDelay: 0.2)
        defer { sandbox.stop() }
        let result = try CLIProcess.run(["connect", "0000dead", "--port", "0", "--probe"], environment: sandboxEnvironment(sandbox))
        #expect(result.status == 2)
        #expect(result.stderr.contains("error: session \"0000dead\" not found"), "\(result.stderr)")
    }

    @Test func aSessionThatIsNotRunningIsRefused() async throws {
        let sandbox = try Sandbox.start(readyDelay: 0.2)
        defer { sandbox.stop() }
        let session = try await createSession(sandbox, app: "xterm")
        try await sandbox.control(.post, "/sandbox/pods/default/\(session.podName)/fail", json: ["reason": "Error", "message": "xterm exited"])
        let result = try CLIProcess.run(["connect", session.id, "--port", "0"], environment: sandboxEnvironment(sandbox))
        #expect(result.status == 1)
        #expect(result.stderr.contains("error: session \(session.id) is failed"), "\(result.stderr)")
        #expect(result.stderr.contains("not running"))
    }

    @Test func aRefusedPodPortFailsTheProbeWithTheKubeletsMessage() async throws {
        // No --forward: the sandbox dials the pod IP's port 5900, where nothing listens.
        let sandbox = try Sandbox.start(readyDelay: 0.2)
        defer { sandbox.stop() }
        let session = try await createSession(sandbox, app: "xterm")
        let result = try CLIProcess.run(["connect", session.id, "--port", "0", "--probe"], environment: sandboxEnvironment(sandbox))
        #expect(result.status == 1)
        #expect(result.stderr.contains("port-forward to pod port 5900 failed: error forwarding port 5900"), "\(result.stderr)")
        #expect(result.stderr.contains("connection refused"))
    }

    @Test func deletingTheSessionEndsTheTunnelWithAnError() async throws {
        let sandbox = try Sandbox.start(readyDelay: 0.2)
        defer { sandbox.stop() }
        let session = try await createSession(sandbox, app: "xterm")
        let environment = sandboxEnvironment(sandbox)
        let running = try CLIProcess.start(["connect", session.id, "--port", "0"], environment: environment)
        defer { running.terminate() }
        _ = try #require(running.waitForLine(containing: ") VNC", seconds: 20), "\(running.stderr)")
        let kill = try CLIProcess.run(["sessions", "kill", session.id, "--now"], environment: environment)
        #expect(kill.status == 0, "\(kill.stderr)")
        let status = running.waitForExit(seconds: 15)
        #expect(status == 1, "\(running.stderr)")
        #expect(running.stderr.contains("error: session \(session.id) ended while connected"), "\(running.stderr)")
    }

    @Test func aBusyLocalPortIsAClearError() async throws {
        let sandbox = try Sandbox.start(readyDelay: 0.2)
        defer { sandbox.stop() }
        let session = try await createSession(sandbox, app: "xterm")
        let holder = try LocalListener(address: "127.0.0.1", port: 0)
        let result = try CLIProcess.run(["connect", session.id, "--port", String(holder.port)], environment: sandboxEnvironment(sandbox))
        #expect(result.status == 1)
        #expect(result.stderr.contains("cannot listen on 127.0.0.1:\(holder.port): Address already in use"), "\(result.stderr)")
        #expect(result.stderr.contains("--port"))
    }

    /// A running session of `app` from examples/apps.json, created through the session engine.
    func createSession(_ sandbox: Sandbox, app: String) async throws -> Session {
        let catalog = try CatalogLoader().load(CatalogSource(path: Sandbox.repositoryRoot + "/examples/apps.json", origin: .explicit)).catalog
        var settings = SessionSettings()
        settings.namespace = "default"
        let engine = SessionEngine(client: try sandbox.client(), catalog: catalog, settings: settings)
        return try await engine.waitUntilReady(try await engine.create(appID: app, userID: "tester"), timeout: .seconds(20))
    }
}

// MARK: - Helpers

/// The VNC sidecar's start script run locally on free ports and a free display, plus an xterm
/// (what the app container does in a pod).
final class VNCStack: Sendable {
    let directory: String
    let display: String
    let vncPort: UInt16
    let websockifyPort: UInt16
    private let script: Process
    private let xterm: Process

    static let isAvailable: Bool = ["Xvfb", "x11vnc", "websockify", "xterm"].allSatisfy { tool in
        ["/usr/bin/", "/usr/local/bin/", "/bin/"].contains { FileManager.default.isExecutableFile(atPath: $0 + tool) }
    }

    static func start() throws -> VNCStack {
        let directory = NSTemporaryDirectory() + "sortie-vnc-" + UUID().uuidString.prefix(8).lowercased()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var number = Int.random(in: 200...900)
        while FileManager.default.fileExists(atPath: "/tmp/.X11-unix/X\(number)") || FileManager.default.fileExists(atPath: "/tmp/.X\(number)-lock") {
            number += 1
        }
        let display = ":\(number)"
        let vncPort = try freePort(), websockifyPort = try freePort()
        var environment = ProcessInfo.processInfo.environment
        environment["DISPLAY"] = display
        environment["VNC_PORT"] = String(vncPort)
        environment["VNC_LISTEN"] = "127.0.0.1"
        environment["WEBSOCKIFY_PORT"] = String(websockifyPort)
        environment["WEBSOCKIFY_LISTEN"] = "127.0.0.1"
        environment["SCREEN"] = "1024x768x24"
        let script = Process()
        script.executableURL = URL(fileURLWithPath: CLIProcess.cleanSignals[0])
        script.arguments = Array(CLIProcess.cleanSignals.dropFirst()) + ["/bin/sh", Sandbox.repositoryRoot + "/docker/vnc-sidecar/start.sh"]
        script.environment = environment
        script.currentDirectoryURL = URL(fileURLWithPath: directory)
        FileManager.default.createFile(atPath: directory + "/start.log", contents: nil)
        script.standardOutput = FileHandle(forWritingAtPath: directory + "/start.log")
        script.standardError = FileHandle(forWritingAtPath: directory + "/start.log")
        try script.run()
        // Wait for the X server, then start the app; wait for the VNC port.
        try waitUntil(seconds: 15, "Xvfb on \(display)") { FileManager.default.fileExists(atPath: "/tmp/.X11-unix/X\(number)") }
        let xterm = Process()
        xterm.executableURL = URL(fileURLWithPath: CLIProcess.cleanSignals[0])
        xterm.arguments = Array(CLIProcess.cleanSignals.dropFirst()) + ["/usr/bin/xterm", "-geometry", "80x24+10+10"]
        xterm.environment = environment
        xterm.currentDirectoryURL = URL(fileURLWithPath: directory)
        xterm.standardOutput = FileHandle.nullDevice
        xterm.standardError = FileHandle.nullDevice
        try xterm.run()
        try waitUntil(seconds: 15, "x11vnc on \(vncPort)") { canConnect(vncPort) && canConnect(websockifyPort) }
        Thread.sleep(forTimeInterval: 0.5)  // let xterm map its window
        return VNCStack(directory: directory, display: display, vncPort: vncPort, websockifyPort: websockifyPort, script: script, xterm: xterm)
    }

    private init(directory: String, display: String, vncPort: UInt16, websockifyPort: UInt16, script: Process, xterm: Process) {
        self.directory = directory
        self.display = display
        self.vncPort = vncPort
        self.websockifyPort = websockifyPort
        self.script = script
        self.xterm = xterm
    }

    /// TERM to the script stops Xvfb, x11vnc and websockify (its trap); xterm goes with its display.
    /// Never waits for ever: whatever is still running after 10 s is killed.
    func stop() {
        for process in [xterm, script] where process.isRunning {
            process.terminate()
            let deadline = Date().addingTimeInterval(10)
            while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
    }

    /// The script's exit status, waiting at most `seconds` (nil if it is still running).
    func waitForScript(seconds: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while script.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        return script.isRunning ? nil : script.terminationStatus
    }

    /// A live process whose command line contains `text` (read from /proc).
    static func pid(commandLineContaining text: String) -> Int32? {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        for entry in entries {
            guard let pid = Int32(entry), let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline"), !data.isEmpty,
                  let status = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                  !status.contains(") Z ") else { continue }
            let commandLine = String(decoding: data.map { $0 == 0 ? 32 : $0 }, as: UTF8.self)
            if commandLine.contains(text) { return pid }
        }
        return nil
    }

    static func freePort() throws -> UInt16 {
        let listener = try LocalListener(address: "127.0.0.1", port: 0)
        defer { listener.close() }
        return listener.port
    }

    static func canConnect(_ port: UInt16) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    static func waitUntil(seconds: Double, _ what: String, _ condition: () -> Bool) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while !condition() {
            if Date() > deadline { throw CLIProcess.Failure(description: "timed out waiting for \(what)") }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }
}

/// The built `sortiectl` binary (or another tool) as a child process.
final class CLIProcess: Sendable {
    struct Failure: Error, CustomStringConvertible { var description: String }
    struct Result { var status: Int32; var stdout: String; var stderr: String }

    /// `.build/debug/sortiectl`, or `SORTIECTL_BINARY` (the sanitizer runs test their own build).
    static var binary: String {
        ProcessInfo.processInfo.environment["SORTIECTL_BINARY"] ?? Sandbox.repositoryRoot + "/.build/debug/sortiectl"
    }

    /// Runs the rest of a command line with no signals blocked or ignored, as a shell would. A
    /// `Process` child inherits the test runner's thread signal mask (SIGINT and SIGTERM blocked),
    /// so without this SIGINT would never reach `sortiectl` and TERM never reach Xvfb.
    static let cleanSignals = ["/usr/bin/env", "python3", "-c",
                               "import os, signal, sys; signal.signal(signal.SIGPIPE, signal.SIG_DFL); "
                                   + "signal.pthread_sigmask(signal.SIG_SETMASK, set()); os.execv(sys.argv[1], sys.argv[1:])"]

    private let process: Process
    private let output = Locked<(out: String, err: String)>(("", ""))

    private init(process: Process) { self.process = process }

    /// Starts `sortiectl` with `arguments`; output is collected as it arrives.
    static func start(_ arguments: [String], environment: [String: String], executable: String = binary) throws -> CLIProcess {
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw Failure(description: "\(executable) is missing: build it first (swift build)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: cleanSignals[0])
        process.arguments = Array(cleanSignals.dropFirst()) + [executable] + arguments
        // Sanitizer settings always reach the binary under test (scripts/sanitizers.sh).
        let sanitizers = ProcessInfo.processInfo.environment.filter { $0.key.hasSuffix("SAN_OPTIONS") }
        process.environment = environment.merging(sanitizers) { own, _ in own }
        process.standardInput = FileHandle.nullDevice
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let child = CLIProcess(process: process)
        // At end of file the handler is called again and again with no data: stop it then.
        out.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if data.isEmpty { handle.readabilityHandler = nil }
            child.output.withLock { $0.out += String(decoding: data, as: UTF8.self) }
        }
        err.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if data.isEmpty { handle.readabilityHandler = nil }
            child.output.withLock { $0.err += String(decoding: data, as: UTF8.self) }
        }
        try process.run()
        return child
    }

    /// Runs `sortiectl` to completion (at most `seconds`).
    static func run(_ arguments: [String], environment: [String: String], seconds: Double = 60) throws -> Result {
        let child = try start(arguments, environment: environment)
        let status = child.waitForExit(seconds: seconds)
        return Result(status: status, stdout: child.stdout, stderr: child.stderr)
    }

    /// Runs another program found on PATH.
    static func runTool(_ name: String, _ arguments: [String], seconds: Double) throws -> Result {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":")
            .map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let path else { throw Failure(description: "\(name) is not installed (scripts/install-deps.sh installs it)") }
        let child = try start(arguments, environment: ProcessInfo.processInfo.environment, executable: path)
        let status = child.waitForExit(seconds: seconds)
        return Result(status: status, stdout: child.stdout, stderr: child.stderr)
    }

    var stdout: String { output.withLock { $0.out } }
    var stderr: String { output.withLock { $0.err } }

    /// The first stdout line containing `text`, waiting at most `seconds`.
    func waitForLine(containing text: String, seconds: Double) -> String? {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let line = stdout.split(separator: "\n").first(where: { $0.contains(text) }) { return String(line) }
            if !process.isRunning { return nil }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return nil
    }

    /// Waits for the exit status; kills the process (status -9) after `seconds`.
    func waitForExit(seconds: Double) -> Int32 {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return -9
        }
        process.waitUntilExit()
        Thread.sleep(forTimeInterval: 0.05)  // let the pipe handlers deliver the last output
        return process.terminationStatus
    }

    func interrupt() { kill(process.processIdentifier, SIGINT) }

    func terminate() {
        if process.isRunning { process.terminate() }
    }
}

/// Reads PNG files with Pillow, an independent decoder.
enum PNGCheck {
    struct Description: CustomStringConvertible {
        var width: Int, height: Int, colors: Int, whitePixels: Int
        var description: String { "\(width)x\(height), \(colors) colours, \(whitePixels) white pixels" }
    }

    static func describe(_ path: String) throws -> Description {
        let result = try CLIProcess.runTool("python3", ["-c", """
            import sys; from PIL import Image
            im = Image.open(sys.argv[1]).convert("RGB"); im.load()
            px = list(im.getdata())
            print(im.size[0], im.size[1], len(set(px)), sum(1 for p in px if p == (255, 255, 255)))
            """, path], seconds: 60)
        let numbers = result.stdout.split(whereSeparator: { $0 == " " || $0 == "\n" }).compactMap { Int($0) }
        guard result.status == 0, numbers.count == 4 else {
            throw CLIProcess.Failure(description: "Pillow could not read \(path): \(result.stderr)")
        }
        return Description(width: numbers[0], height: numbers[1], colors: numbers[2], whitePixels: numbers[3])
    }

    static func differingPixelFraction(_ a: String, _ b: String) throws -> Double {
        let result = try CLIProcess.runTool("python3", ["-c", """
            import sys; from PIL import Image, ImageChops
            a = Image.open(sys.argv[1]).convert("RGB"); b = Image.open(sys.argv[2]).convert("RGB")
            diff = ImageChops.difference(a, b).convert("L")
            print(sum(1 for p in diff.getdata() if p > 16) / (a.size[0] * a.size[1]))
            """, a, b], seconds: 60)
        guard result.status == 0, let value = Double(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw CLIProcess.Failure(description: "Pillow could not compare \(a) and \(b): \(result.stderr)")
        }
        return value
    }
}
