import Foundation
import SortieKit
import SortieKitTesting
import Testing

/// TLS and every authentication mode, through libcurl against an HTTPS sandbox.
@Suite("TLS and authentication against the sandbox", .serialized, .timeLimit(.minutes(10)))
struct KubeClientAuthTests {
    @Test func clientCertificateFromKubeconfig() async throws {
        let sandbox = try Sandbox.start(tls: true)
        defer { sandbox.stop() }
        #expect(sandbox.url.hasPrefix("https://"))
        let version = try await sandbox.client().serverVersion()
        #expect(version.gitVersion.hasPrefix("v1."))
        _ = try await sandbox.client().list(Pod.self, namespace: "default")
    }

    @Test func noCredentialsIsUnauthorized() async throws {
        let sandbox = try Sandbox.start(tls: true)
        defer { sandbox.stop() }
        var configuration = try sandbox.configuration()
        configuration.tls.clientCertificate = nil
        let error = await #expect(throws: KubeAPIError.self) {
            try await KubeClient(configuration: configuration).list(Pod.self, namespace: "default")
        }
        #expect(error?.reason == .unauthorized)
        #expect(error?.code == 401)
    }

    @Test func wrongCertificateAuthorityIsAClearTLSError() async throws {
        let sandbox = try Sandbox.start(tls: true)
        let other = try Sandbox.start(tls: true)
        defer { sandbox.stop(); other.stop() }
        var configuration = try sandbox.configuration()
        configuration.tls.certificateAuthorityPEM = try other.configuration().tls.certificateAuthorityPEM
        let error = await #expect(throws: KubeClientError.self) { try await KubeClient(configuration: configuration).serverVersion() }
        guard case .tls = error else { Issue.record("expected .tls, got \(String(describing: error))"); return }
        #expect(error?.description.contains(sandbox.url) == true)
        #expect(error?.description.contains("certificate") == true)
    }

    @Test func tlsServerNameVerifiesAgainstThatName() async throws {
        let sandbox = try Sandbox.start(tls: true)
        defer { sandbox.stop() }
        var configuration = try sandbox.configuration()
        configuration.tls.serverName = "sandbox.sortie.test"
        _ = try await KubeClient(configuration: configuration).serverVersion()
        configuration.tls.serverName = "not-the-server.example"
        let error = await #expect(throws: KubeClientError.self) { try await KubeClient(configuration: configuration).serverVersion() }
        guard case .tls = error else { Issue.record("expected .tls, got \(String(describing: error))"); return }
    }

    @Test func insecureSkipVerifyAcceptsAnyCertificate() async throws {
        let sandbox = try Sandbox.start(tls: true)
        defer { sandbox.stop() }
        var configuration = try sandbox.configuration()
        configuration.tls.certificateAuthorityPEM = nil
        configuration.tls.insecureSkipVerify = true
        _ = try await KubeClient(configuration: configuration).serverVersion()
    }

    @Test func bearerTokenAndBasicAuth() async throws {
        let sandbox = try Sandbox.start(tls: true, arguments: ["--token", "t0k3n-abc", "--basic-auth", "alice:s3cret"])
        defer { sandbox.stop() }
        _ = try await sandbox.client(context: "sandbox-token").list(Pod.self, namespace: "default")

        var configuration = try sandbox.configuration()
        configuration.tls.clientCertificate = nil
        configuration.authentication = .basic(username: "alice", password: "s3cret")
        _ = try await KubeClient(configuration: configuration).list(Pod.self, namespace: "default")
        configuration.authentication = .basic(username: "alice", password: "wrong")
        await #expect(throws: KubeAPIError.self) { try await KubeClient(configuration: configuration).list(Pod.self, namespace: "default") }
        configuration.authentication = .bearerToken("not-a-token")
        await #expect(throws: KubeAPIError.self) { try await KubeClient(configuration: configuration).list(Pod.self, namespace: "default") }
    }

    @Test func rotatingTokenFileIsReRead() async throws {
        let directory = NSTemporaryDirectory() + "sortie-token-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let serverTokens = directory + "/server-tokens", clientToken = directory + "/token"
        try "first-token\n".write(toFile: serverTokens, atomically: true, encoding: .utf8)
        try "first-token\n".write(toFile: clientToken, atomically: true, encoding: .utf8)
        let sandbox = try Sandbox.start(tls: true, arguments: ["--token-file", serverTokens])
        defer { sandbox.stop() }
        var configuration = try sandbox.configuration()
        configuration.tls.clientCertificate = nil
        configuration.authentication = .tokenFile(path: clientToken)
        let client = KubeClient(configuration: configuration)
        _ = try await client.list(Pod.self, namespace: "default")

        // The token rotates on both sides, as a projected service-account token does.
        try "second-token\n".write(toFile: serverTokens, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(5)], ofItemAtPath: serverTokens)
        try "second-token\n".write(toFile: clientToken, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(5)], ofItemAtPath: clientToken)
        try await sandbox.control(.delete, "/sandbox/requests")
        _ = try await client.list(Pod.self, namespace: "default")
        // The new token went out on the first try: the client noticed the file changed.
        let statuses = try await sandbox.requestLog().compactMap { $0["status"] as? Int }
        #expect(statuses == [200])
    }

    /// Writes an exec credential plugin script that logs each run and prints a token.
    static func writePlugin(directory: String, token: String, expiration: String?, apiVersion: String = "client.authentication.k8s.io/v1") throws -> String {
        let path = directory + "/plugin.sh"
        let expiry = expiration.map { #","expirationTimestamp":"\#($0)""# } ?? ""
        let script = """
            #!/bin/sh
            echo run >> "\(directory)/runs"
            echo "$KUBERNETES_EXEC_INFO" > "\(directory)/exec-info"
            echo "$PLUGIN_ENV" > "\(directory)/plugin-env"
            printf '%s' '{"apiVersion":"\(apiVersion)","kind":"ExecCredential","status":{"token":"\(token)"\(expiry)}}'
            """
        try script.write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        return path
    }

    static func runs(_ directory: String) -> Int {
        ((try? String(contentsOfFile: directory + "/runs", encoding: .utf8)) ?? "").split(separator: "\n").count
    }

    @Test func execPluginTokenIsCachedUntilExpiry() async throws {
        let directory = NSTemporaryDirectory() + "sortie-exec-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let sandbox = try Sandbox.start(tls: true, arguments: ["--token", "plugin-token"])
        defer { sandbox.stop() }
        var configuration = try sandbox.configuration()
        configuration.tls.clientCertificate = nil

        let future = RFC3339.string(from: Date().addingTimeInterval(3600))
        let plugin = try Self.writePlugin(directory: directory, token: "plugin-token", expiration: future)
        configuration.authentication = .exec(.init(apiVersion: "client.authentication.k8s.io/v1", command: plugin,
                                                   env: [("PLUGIN_ENV", "from-kubeconfig")], provideClusterInfo: true))
        let client = KubeClient(configuration: configuration)
        for _ in 0..<3 { _ = try await client.list(Pod.self, namespace: "default") }
        #expect(Self.runs(directory) == 1)
        let info = try String(contentsOfFile: directory + "/exec-info", encoding: .utf8)
        #expect(info.contains("\"kind\":\"ExecCredential\""))
        #expect(info.contains(sandbox.url.replacingOccurrences(of: "/", with: "\\/")) || info.contains(sandbox.url))
        #expect(try String(contentsOfFile: directory + "/plugin-env", encoding: .utf8).contains("from-kubeconfig"))

        // An already-expired credential is fetched again for every request.
        let past = RFC3339.string(from: Date().addingTimeInterval(-60))
        _ = try Self.writePlugin(directory: directory, token: "plugin-token", expiration: past)
        try? FileManager.default.removeItem(atPath: directory + "/runs")
        let expiring = KubeClient(configuration: configuration)
        for _ in 0..<2 { _ = try await expiring.list(Pod.self, namespace: "default") }
        #expect(Self.runs(directory) == 2)
    }

    @Test func execPluginV1beta1AndErrors() async throws {
        let directory = NSTemporaryDirectory() + "sortie-exec-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let sandbox = try Sandbox.start(tls: true, arguments: ["--token", "beta-token"])
        defer { sandbox.stop() }
        var configuration = try sandbox.configuration()
        configuration.tls.clientCertificate = nil
        let beta = "client.authentication.k8s.io/v1beta1"
        let plugin = try Self.writePlugin(directory: directory, token: "beta-token", expiration: nil, apiVersion: beta)
        configuration.authentication = .exec(.init(apiVersion: beta, command: plugin))
        _ = try await KubeClient(configuration: configuration).list(Pod.self, namespace: "default")

        // A plugin answering another apiVersion than asked is refused.
        configuration.authentication = .exec(.init(apiVersion: "client.authentication.k8s.io/v1", command: plugin))
        let mismatch = await #expect(throws: KubeClientError.self) { try await KubeClient(configuration: configuration).serverVersion() }
        #expect(mismatch?.description.contains("apiVersion") == true)

        configuration.authentication = .exec(.init(apiVersion: beta, command: "sortie-no-such-plugin", installHint: "Install it with: apt install sortie-auth"))
        let missing = await #expect(throws: KubeClientError.self) { try await KubeClient(configuration: configuration).serverVersion() }
        #expect(missing?.description.contains("sortie-no-such-plugin not found") == true)
        #expect(missing?.description.contains("apt install sortie-auth") == true)

        let failing = directory + "/failing.sh"
        try "#!/bin/sh\necho 'login expired' >&2\nexit 3\n".write(toFile: failing, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: failing)
        configuration.authentication = .exec(.init(apiVersion: beta, command: failing))
        let failed = await #expect(throws: KubeClientError.self) { try await KubeClient(configuration: configuration).serverVersion() }
        #expect(failed?.description.contains("exited with status 3: login expired") == true)
    }
}
