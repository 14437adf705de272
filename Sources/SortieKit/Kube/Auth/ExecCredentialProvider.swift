import Foundation

/// A kubeconfig `users[].user.exec` block: a client-go credential plugin.
public struct ExecCredentialConfiguration: Sendable, Equatable {
    public var apiVersion: String
    public var command: String
    public var args: [String]
    public var env: [(name: String, value: String)]
    public var installHint: String?
    public var provideClusterInfo: Bool
    /// The directory relative commands are resolved against (the kubeconfig's own).
    public var baseDirectory: String?

    public init(apiVersion: String, command: String, args: [String] = [], env: [(name: String, value: String)] = [],
                installHint: String? = nil, provideClusterInfo: Bool = false, baseDirectory: String? = nil) {
        self.apiVersion = apiVersion
        self.command = command
        self.args = args
        self.env = env
        self.installHint = installHint
        self.provideClusterInfo = provideClusterInfo
        self.baseDirectory = baseDirectory
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.apiVersion == rhs.apiVersion && lhs.command == rhs.command && lhs.args == rhs.args
            && lhs.env.map(\.name) == rhs.env.map(\.name) && lhs.env.map(\.value) == rhs.env.map(\.value)
    }

    public static let supportedAPIVersions = ["client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1"]
}

/// What a plugin returned.
struct ExecCredential: Sendable {
    var token: String?
    var clientCertificate: ClientCertificate?
    var expiration: Date?
}

/// Runs a credential plugin and caches its answer until `expirationTimestamp`
/// (client-go `plugin/pkg/client/auth/exec`).
actor ExecCredentialProvider {
    private let configuration: ExecCredentialConfiguration
    private let environment: [String: String]
    private let server: String
    private var cached: ExecCredential?

    /// How long the plugin may run (the request timeout): a plugin that never exits must not
    /// hang every command.
    private let timeout: Duration

    init(configuration: ExecCredentialConfiguration, environment: [String: String], server: String, timeout: Duration = .seconds(30)) {
        self.timeout = timeout
        self.configuration = configuration
        self.environment = environment
        self.server = server
    }

    func credential(refresh: Bool) async throws -> ExecCredential {
        if !refresh, let cached, cached.expiration.map({ $0 > Date().addingTimeInterval(10) }) ?? true {
            return cached
        }
        let credential = try await run()
        cached = credential
        return credential
    }

    private func run() async throws -> ExecCredential {
        let configuration = self.configuration
        guard ExecCredentialConfiguration.supportedAPIVersions.contains(configuration.apiVersion) else {
            throw KubeClientError.credentials(
                "exec plugin \(configuration.command): apiVersion \"\(configuration.apiVersion)\" is not supported (use \(ExecCredentialConfiguration.supportedAPIVersions.joined(separator: " or ")))")
        }
        guard let executable = resolveExecutable(configuration.command) else {
            var message = "exec plugin: executable \(configuration.command) not found"
            if let hint = configuration.installHint { message += "\n\n\(hint.trimmingCharacters(in: .whitespacesAndNewlines))" } else {
                message += " — install it or fix users[].user.exec.command in the kubeconfig"
            }
            throw KubeClientError.credentials(message)
        }
        var execInfo: [String: Any] = [
            "apiVersion": configuration.apiVersion, "kind": "ExecCredential",
            "spec": ["interactive": false] as [String: Any],
        ]
        if configuration.provideClusterInfo {
            execInfo["spec"] = ["interactive": false, "cluster": ["server": server]] as [String: Any]
        }
        var env = environment
        for (name, value) in configuration.env { env[name] = value }
        env["KUBERNETES_EXEC_INFO"] = String(decoding: try JSONSerialization.data(withJSONObject: execInfo), as: UTF8.self)

        let result = try await ProcessRunner.run(executable: executable, arguments: configuration.args, environment: env, timeout: timeout)
        if result.timedOut {
            throw KubeClientError.credentials("exec plugin \(configuration.command) did not finish within \(Int(timeout.seconds)) s (the request timeout); it was stopped")
        }
        guard result.status == 0 else {
            let stderr = String(decoding: result.stderr, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw KubeClientError.credentials("exec plugin \(configuration.command) exited with status \(result.status)\(stderr.isEmpty ? "" : ": \(stderr)")")
        }
        return try Self.decode(result.stdout, configuration: configuration)
    }

    static func decode(_ output: Data, configuration: ExecCredentialConfiguration) throws -> ExecCredential {
        struct Output: Decodable {
            var apiVersion: String?
            var kind: String?
            var status: Status?
            struct Status: Decodable {
                var token: String?
                var clientCertificateData: String?
                var clientKeyData: String?
                var expirationTimestamp: String?
            }
        }
        let name = configuration.command
        guard let output = try? JSONDecoder().decode(Output.self, from: output) else {
            throw KubeClientError.credentials("exec plugin \(name) did not print an ExecCredential JSON object")
        }
        guard output.kind == "ExecCredential" else {
            throw KubeClientError.credentials("exec plugin \(name) printed kind \"\(output.kind ?? "")\", expected ExecCredential")
        }
        guard output.apiVersion == configuration.apiVersion else {
            throw KubeClientError.credentials("exec plugin \(name) answered apiVersion \"\(output.apiVersion ?? "")\", but the kubeconfig asked for \(configuration.apiVersion)")
        }
        guard let status = output.status else {
            throw KubeClientError.credentials("exec plugin \(name) returned no status")
        }
        var credential = ExecCredential()
        credential.token = status.token.flatMap { $0.isEmpty ? nil : $0 }
        if let cert = status.clientCertificateData, let key = status.clientKeyData {
            credential.clientCertificate = ClientCertificate(certificatePEM: Data(cert.utf8), keyPEM: Data(key.utf8))
        } else if (status.clientCertificateData == nil) != (status.clientKeyData == nil) {
            throw KubeClientError.credentials("exec plugin \(name) returned only one of clientCertificateData and clientKeyData")
        }
        guard credential.token != nil || credential.clientCertificate != nil else {
            throw KubeClientError.credentials("exec plugin \(name) returned neither a token nor a client certificate")
        }
        if let expiry = status.expirationTimestamp {
            guard let date = RFC3339.date(from: expiry) else {
                throw KubeClientError.credentials("exec plugin \(name) returned an invalid expirationTimestamp \"\(expiry)\"")
            }
            credential.expiration = date
        }
        return credential
    }

    private func resolveExecutable(_ command: String) -> String? {
        let fm = FileManager.default
        if command.contains("/") {
            let path = command.hasPrefix("/") ? command : ((configuration.baseDirectory ?? fm.currentDirectoryPath) + "/" + command)
            return fm.isExecutableFile(atPath: path) ? path : nil
        }
        let searchPath = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in searchPath.split(separator: ":") {
            let candidate = "\(directory)/\(command)"
            if fm.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
