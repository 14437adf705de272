import SortieKit
import HTTPTypes

/// Establishes an ``Identity`` from a request, according to ``ServerConfiguration/AuthMode``.
public struct Authenticator: Sendable {
    public let mode: ServerConfiguration.AuthMode
    let tokens: StaticTokenFile?
    let adminGroup: String
    let trustedProxies: [CIDR]

    /// - Throws: `FileSystemError` when `token` mode's file cannot be read.
    public init(configuration: ServerConfiguration) throws {
        self.mode = configuration.authMode
        self.adminGroup = configuration.adminGroup
        self.trustedProxies = configuration.trustedProxies
        if configuration.authMode == .token {
            guard let path = configuration.tokenFile else {
                throw FileSystemError(path: "--token-file", reason: "is required with --auth token")
            }
            self.tokens = try StaticTokenFile(path: path)
        } else {
            self.tokens = nil
        }
    }

    /// Who sent the request, or `nil` when it carries no acceptable credentials.
    /// - Parameters:
    ///   - headers: the request headers.
    ///   - peerAddress: the TCP peer's IP address (for the trusted-proxy check in `header` mode).
    public func identify(headers: HTTPFields, peerAddress: String?) -> Identity? {
        switch mode {
        case .none:
            return Identity(user: "anonymous", isAdmin: true, isUnauthenticatedMode: true)
        case .token:
            guard let authorization = headers[.authorization] else { return nil }
            let parts = authorization.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
            let token = parts[1].trimmingCharacters(in: .whitespaces)
            guard !token.isEmpty, let entry = tokens?.entry(forToken: token) else { return nil }
            return Identity(user: entry.user, uid: entry.uid, groups: entry.groups, isAdmin: entry.groups.contains(adminGroup))
        case .header:
            guard let peerAddress, trustedProxies.contains(where: { $0.contains(peerAddress) }) else { return nil }
            guard let user = headers[Self.forwardedUser]?.trimmingCharacters(in: .whitespaces), !user.isEmpty else { return nil }
            let groups = headers[values: Self.forwardedGroups]
                .flatMap { $0.split(separator: ",") }
                .map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }
            return Identity(user: user, groups: groups, isAdmin: groups.contains(adminGroup))
        }
    }

    static let forwardedUser = HTTPField.Name("X-Forwarded-User")!
    static let forwardedGroups = HTTPField.Name("X-Forwarded-Groups")!
}
