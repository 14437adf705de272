import Foundation

/// Everything a `KubeClient` needs to talk to one API server, as client-go's `rest.Config`.
/// Built from a kubeconfig or the in-cluster environment by `KubeconfigResolver`.
public struct KubeClientConfiguration: Sendable, CustomStringConvertible {
    /// `https://host:port` (no trailing slash).
    public var server: String
    public var tls: CurlTransportConfiguration.TLS
    public var authentication: Authentication
    public var proxyURL: String?
    public var timeouts: Timeouts
    public var userAgent: String
    public var rateLimit: RateLimit
    public var retry: RetryPolicy
    /// The namespace commands use when none is given.
    public var namespace: String
    /// Where this configuration came from, for error messages ("context 'dev' in ~/.kube/config").
    public var origin: String?

    public struct Timeouts: Sendable {
        /// TCP + TLS connection set-up.
        public var connect: Duration
        /// A whole non-streaming request (`--request-timeout`).
        public var request: Duration
        public init(connect: Duration = .seconds(5), request: Duration = .seconds(30)) {
            self.connect = connect
            self.request = request
        }
    }

    /// Client-side rate limiting, like client-go's token bucket (defaults QPS 5, burst 10).
    public struct RateLimit: Sendable {
        public var qps: Double
        public var burst: Int
        public init(qps: Double = 5, burst: Int = 10) {
            self.qps = qps
            self.burst = burst
        }
        public static let unlimited = RateLimit(qps: 0, burst: 0)
    }

    public init(
        server: String, tls: CurlTransportConfiguration.TLS = .init(), authentication: Authentication = .none,
        proxyURL: String? = nil, timeouts: Timeouts = .init(), userAgent: String = "sortiectl",
        rateLimit: RateLimit = .init(), retry: RetryPolicy = .init(), namespace: String = "default",
        origin: String? = nil
    ) {
        self.server = server.hasSuffix("/") ? String(server.dropLast()) : server
        self.tls = tls
        self.authentication = authentication
        self.proxyURL = proxyURL
        self.timeouts = timeouts
        self.userAgent = userAgent
        self.rateLimit = rateLimit
        self.retry = retry
        self.namespace = namespace
        self.origin = origin
    }

    /// Secrets are redacted, as client-go's `Config.String()` does.
    public var description: String {
        "KubeClientConfiguration(server: \(server), auth: \(authentication), namespace: \(namespace), "
            + "ca: \(tls.certificateAuthorityPEM == nil ? "system" : "inline"), insecure: \(tls.insecureSkipVerify), "
            + "clientCertificate: \(tls.clientCertificate == nil ? "none" : "--- REDACTED ---"))"
    }
}

/// How requests authenticate, beyond a TLS client certificate.
public enum Authentication: Sendable, CustomStringConvertible {
    case none
    case bearerToken(String)
    /// A token read from a file and re-read when the file changes (projected service-account tokens rotate).
    case tokenFile(path: String)
    case basic(username: String, password: String)
    /// A client-go credential plugin (`users[].user.exec`).
    case exec(ExecCredentialConfiguration)

    public var description: String {
        switch self {
        case .none: "none"
        case .bearerToken: "bearer token (--- REDACTED ---)"
        case .tokenFile(let path): "token file \(path)"
        case .basic(let username, _): "basic (\(username), password --- REDACTED ---)"
        case .exec(let exec): "exec plugin \(exec.command)"
        }
    }
}
