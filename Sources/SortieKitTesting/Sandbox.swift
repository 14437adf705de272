import Foundation
import SortieKit
import Synchronization

/// A running sandbox API server (`bin/sortie-sandbox`): the real Kubernetes wire protocol, in
/// memory, with a simulated kubelet and fault injection. Start one per test and stop it after.
public final class Sandbox: Sendable {
    public let url: String
    public let kubeconfigPath: String
    /// A scratch directory owned by this sandbox (kubeconfig, certificates, logs).
    public let directory: String
    private let pid: Int32
    private let stopped = Locked(false)

    /// The repository root, found from this file's location.
    public static let repositoryRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url.path }
        }
        return FileManager.default.currentDirectoryPath
    }()

    public struct StartError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Starts a sandbox on a free loopback port and waits until it prints its URL.
    /// - Parameters:
    ///   - tls: serve HTTPS with client-certificate and token authentication.
    ///   - readyDelay: seconds from pod creation to Ready.
    ///   - arguments: further `sortie-sandbox` flags (`--token`, `--forward`, …).
    public static func start(tls: Bool = false, readyDelay: Double = 0.3, arguments: [String] = []) throws -> Sandbox {
        let directory = NSTemporaryDirectory() + "sortie-sandbox-" + UUID().uuidString.prefix(8).lowercased()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let kubeconfig = directory + "/kubeconfig"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: repositoryRoot + "/bin/sortie-sandbox")
        process.arguments = ["--address", "127.0.0.1:0", "--kubeconfig-out", kubeconfig, "--ready-delay", String(readyDelay),
                             "--log-file", directory + "/sandbox.log"] + (tls ? ["--tls"] : []) + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        let reader = output.fileHandleForReading
        var buffer = Data()
        let deadline = Date().addingTimeInterval(20)
        while !buffer.contains(UInt8(ascii: "\n")) {
            let chunk = reader.availableData
            if chunk.isEmpty {
                process.waitUntilExit()
                throw StartError(description: "sortie-sandbox exited (status \(process.terminationStatus)) before printing its URL")
            }
            buffer.append(chunk)
            if Date() > deadline {
                process.terminate()
                throw StartError(description: "sortie-sandbox did not print its URL within 20 s")
            }
        }
        let url = String(decoding: buffer, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
        return Sandbox(url: url, kubeconfigPath: kubeconfig, directory: directory, pid: process.processIdentifier)
    }

    private init(url: String, kubeconfigPath: String, directory: String, pid: Int32) {
        self.url = url
        self.kubeconfigPath = kubeconfigPath
        self.directory = directory
        self.pid = pid
    }

    /// Stops the server (SIGTERM) and waits for it to exit.
    public func stop() {
        guard stopped.withLock({ was in defer { was = true }; return !was }) else { return }
        kill(pid, SIGTERM)
        var status: Int32 = 0
        for _ in 0..<100 {
            if waitpid(pid, &status, WNOHANG) != 0 { return }
            usleep(20_000)
        }
        kill(pid, SIGKILL)
        waitpid(pid, &status, 0)
    }

    deinit { stop() }

    /// The client configuration from the sandbox's kubeconfig (optionally another context).
    public func configuration(context: String? = nil, environment: [String: String] = [:]) throws -> KubeClientConfiguration {
        var configuration = try KubeconfigLoader(environment: environment).load(.init(kubeconfigPath: kubeconfigPath, context: context))
        configuration.retry = RetryPolicy(maxRetries: 3, baseDelay: .milliseconds(10), maxDelay: .milliseconds(50),
                                          maxRetryAfter: .milliseconds(50), maxConnectRetries: 1)
        configuration.rateLimit = .unlimited
        return configuration
    }

    /// A client for the sandbox's admin user.
    public func client(context: String? = nil) throws -> KubeClient {
        KubeClient(configuration: try configuration(context: context))
    }

    /// Calls a `/sandbox/...` control endpoint (fault injection, request log, pod manipulation).
    @discardableResult
    public func control(_ method: KubeRequest.Method, _ path: String, json: [String: any Sendable]? = nil) async throws -> Data {
        let body = try json.map { try JSONSerialization.data(withJSONObject: $0) }
        var configuration = try configuration()
        configuration.retry = .none
        let response = try await KubeClient(configuration: configuration).send(KubeRequest(method, path, body: body))
        return response.body
    }

    /// Injects a fault (see sandbox/README.md for the fields).
    public func injectFault(_ fault: [String: any Sendable]) async throws {
        try await control(.post, "/sandbox/faults", json: fault)
    }

    /// The requests the sandbox has served, as decoded JSON objects.
    public func requestLog() async throws -> [[String: Any]] {
        let data = try await control(.get, "/sandbox/requests")
        let object = try JSONSerialization.jsonObject(with: data)
        if let list = object as? [[String: Any]] { return list }
        if let wrapped = object as? [String: Any], let list = wrapped["requests"] as? [[String: Any]] { return list }
        return []
    }
}
