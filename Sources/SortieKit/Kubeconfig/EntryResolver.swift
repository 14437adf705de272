import Foundation

/// Turns one cluster or user entry into client settings, reading the files it names relative
/// to the kubeconfig that defined it. Errors name that file, the entry and the field.
struct EntryResolver {
    var fileSystem: any FileSystem
    var file: String
    var directory: String
    var entry: String

    func clientConfiguration(for cluster: Kubeconfig.Cluster) throws -> KubeClientConfiguration {
        guard let server = cluster.server, !server.isEmpty else {
            throw invalid("server", "is missing — set the API server URL, e.g. https://203.0.113.10:6443")
        }
        guard let url = URLComponents(string: server), let scheme = url.scheme, ["https", "http"].contains(scheme), url.host?.isEmpty == false else {
            throw invalid("server", "\"\(server)\" is not an http(s) URL with a host")
        }
        var tls = CurlTransportConfiguration.TLS()
        tls.insecureSkipVerify = cluster.insecureSkipTLSVerify ?? false
        tls.serverName = cluster.tlsServerName.nonEmpty
        if let data = cluster.certificateAuthorityData.nonEmpty {
            tls.certificateAuthorityPEM = try decodeBase64(data, field: "certificate-authority-data")
        } else if let path = cluster.certificateAuthority.nonEmpty {
            tls.certificateAuthorityPEM = try readFile(path, field: "certificate-authority")
        }
        if tls.insecureSkipVerify && tls.certificateAuthorityPEM != nil {
            throw invalid("insecure-skip-tls-verify", "cannot be combined with a certificate authority (as kubectl refuses it too)")
        }
        if let pem = tls.certificateAuthorityPEM, !String(decoding: pem, as: UTF8.self).contains("-----BEGIN CERTIFICATE-----") {
            throw invalid(cluster.certificateAuthorityData != nil ? "certificate-authority-data" : "certificate-authority",
                          "does not contain a PEM certificate")
        }
        return KubeClientConfiguration(server: server, tls: tls, proxyURL: cluster.proxyURL.nonEmpty)
    }

    func apply(user: Kubeconfig.User, to configuration: inout KubeClientConfiguration) throws {
        let certificate: Data? = try user.clientCertificateData.nonEmpty.map { try decodeBase64($0, field: "client-certificate-data") }
            ?? user.clientCertificate.nonEmpty.map { try readFile($0, field: "client-certificate") }
        let key: Data? = try user.clientKeyData.nonEmpty.map { try decodeBase64($0, field: "client-key-data") }
            ?? user.clientKey.nonEmpty.map { try readFile($0, field: "client-key") }
        switch (certificate, key) {
        case let (certificate?, key?):
            configuration.tls.clientCertificate = ClientCertificate(certificatePEM: certificate, keyPEM: key)
        case (.some, nil):
            throw invalid("client-key", "is missing: a client certificate needs its key (client-key or client-key-data)")
        case (nil, .some):
            throw invalid("client-certificate", "is missing: a client key needs its certificate")
        case (nil, nil):
            break
        }
        if let token = user.token.nonEmpty {
            configuration.authentication = .bearerToken(token)
        } else if let tokenFile = user.tokenFile.nonEmpty {
            let path = absolute(tokenFile)
            guard fileSystem.fileExists(atPath: path) else { throw invalid("tokenFile", "\(path) does not exist") }
            configuration.authentication = .tokenFile(path: path)
        } else if let username = user.username.nonEmpty {
            guard let password = user.password else { throw invalid("password", "is missing for basic authentication") }
            configuration.authentication = .basic(username: username, password: password)
        } else if let exec = user.exec {
            configuration.authentication = .exec(try execConfiguration(exec))
        } else if let provider = user.authProvider {
            throw invalid("auth-provider", "the \"\(provider.name)\" auth-provider is not supported; use an exec credential plugin")
        }
    }

    private func execConfiguration(_ exec: Kubeconfig.Exec) throws -> ExecCredentialConfiguration {
        guard let command = exec.command.nonEmpty else { throw invalid("exec.command", "is missing") }
        guard let apiVersion = exec.apiVersion.nonEmpty else {
            throw invalid("exec.apiVersion", "is missing (use client.authentication.k8s.io/v1)")
        }
        guard ExecCredentialConfiguration.supportedAPIVersions.contains(apiVersion) else {
            throw invalid("exec.apiVersion", "\"\(apiVersion)\" is not supported (use \(ExecCredentialConfiguration.supportedAPIVersions.joined(separator: " or ")))")
        }
        if exec.interactiveMode == "Always" {
            throw invalid("exec.interactiveMode", "\"Always\" needs a terminal; sortiectl runs plugins non-interactively")
        }
        return ExecCredentialConfiguration(
            apiVersion: apiVersion, command: command, args: exec.args ?? [],
            env: (exec.env ?? []).map { ($0.name, $0.value) }, installHint: exec.installHint,
            provideClusterInfo: exec.provideClusterInfo ?? false, baseDirectory: directory)
    }

    private func invalid(_ field: String, _ problem: String) -> KubeconfigError {
        .invalidField(file: file, entry: entry, field: field, problem: problem)
    }

    private func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : (directory.isEmpty ? path : directory + "/" + path)
    }

    private func decodeBase64(_ text: String, field: String) throws -> Data {
        let cleaned = text.filter { !$0.isWhitespace }
        guard let data = Data(base64Encoded: cleaned) else { throw invalid(field, "is not valid base64") }
        return data
    }

    private func readFile(_ path: String, field: String) throws -> Data {
        let full = absolute(path)
        do {
            return try fileSystem.contents(atPath: full)
        } catch {
            throw invalid(field, "cannot read \(full): \(error)")
        }
    }
}
