import SortieKit
import Hummingbird
import NIOCore

/// The per-request context of `sortiectl serve`: Hummingbird's core storage, the TCP peer (for the trusted-proxy check) and, once authenticated, the identity.
public struct SortieRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The TCP peer's IP address.
    public let peerAddress: String?
    /// Set by ``AuthenticationMiddleware``; `nil` on public routes.
    public var identity: Identity?
    /// Request bodies are small JSON documents.
    public var maxUploadSize: Int { 64 * 1024 }

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.peerAddress = source.channel.remoteAddress?.ipAddress
    }

    /// The identity, or 401 (for handlers behind the authentication middleware).
    func requireIdentity() throws -> Identity {
        guard let identity else { throw APIError.unauthorized() }
        return identity
    }
}
