import Foundation

/// What one request carries to authenticate: an `Authorization` header and/or a client certificate.
public struct RequestCredentials: Sendable, CustomStringConvertible {
    public var authorization: String?
    public var clientCertificate: ClientCertificate?
    public init(authorization: String? = nil, clientCertificate: ClientCertificate? = nil) {
        self.authorization = authorization
        self.clientCertificate = clientCertificate
    }
    public var description: String {
        "RequestCredentials(authorization: \(authorization == nil ? "none" : "--- REDACTED ---"), clientCertificate: \(clientCertificate == nil ? "none" : "--- REDACTED ---"))"
    }
}

/// Produces credentials per request, so rotating tokens and expiring plugin credentials work.
actor CredentialSource {
    private let authentication: Authentication
    private let fileSystem: any FileSystem
    private let environment: [String: String]
    private let server: String
    private let pluginTimeout: Duration
    private var cachedFileToken: (token: String, modified: Date?)?
    private var exec: ExecCredentialProvider?

    init(authentication: Authentication, pluginTimeout: Duration = .seconds(30), fileSystem: any FileSystem,
         environment: [String: String], server: String) {
        self.pluginTimeout = pluginTimeout
        self.authentication = authentication
        self.fileSystem = fileSystem
        self.environment = environment
        self.server = server
    }

    /// Whether a 401 may be cured by asking again (a rotated token file, a new plugin credential).
    var canRefresh: Bool {
        switch authentication {
        case .tokenFile, .exec: true
        default: false
        }
    }

    /// The credentials for the next request; `refresh` forgets anything cached first.
    func credentials(refresh: Bool = false) async throws -> RequestCredentials {
        switch authentication {
        case .none:
            return RequestCredentials()
        case .bearerToken(let token):
            return RequestCredentials(authorization: "Bearer \(token)")
        case .basic(let username, let password):
            let encoded = Data("\(username):\(password)".utf8).base64EncodedString()
            return RequestCredentials(authorization: "Basic \(encoded)")
        case .tokenFile(let path):
            return RequestCredentials(authorization: "Bearer \(try fileToken(path: path, refresh: refresh))")
        case .exec(let configuration):
            if exec == nil {
                exec = ExecCredentialProvider(configuration: configuration, environment: environment, server: server, timeout: pluginTimeout)
            }
            let credential = try await exec!.credential(refresh: refresh)
            return RequestCredentials(
                authorization: credential.token.map { "Bearer \($0)" },
                clientCertificate: credential.clientCertificate)
        }
    }

    /// Reads the token file again whenever its modification time changes.
    private func fileToken(path: String, refresh: Bool) throws -> String {
        let modified = try? fileSystem.modificationDate(atPath: path)
        if !refresh, let cached = cachedFileToken, cached.modified == modified, modified != nil {
            return cached.token
        }
        let data: Data
        do {
            data = try fileSystem.contents(atPath: path)
        } catch {
            throw KubeClientError.credentials("cannot read the token file \(path): \(error)")
        }
        let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty else { throw KubeClientError.credentials("the token file \(path) is empty") }
        cachedFileToken = (token, modified)
        return token
    }
}
