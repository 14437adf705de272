import Foundation
import SortieKit

/// Everything `sortiectl serve` needs beyond the session engine: where to listen, who may do
/// what, how WebSockets reach session pods, and how often background work runs.
///
/// A `Sendable` struct of `var`s with a defaulted initialiser (the Hummingbird
/// `ApplicationConfiguration` model); `ServeCommand` fills it from flags and the environment.
public struct ServerConfiguration: Sendable {
    /// How requests are authenticated.
    public enum AuthMode: String, Sendable, CaseIterable {
        /// Everyone is trusted and sees everything; `user_id` comes from the request body.
        /// Local development only: the server logs a warning at start.
        case none
        /// `Authorization: Bearer T` checked against a kube-apiserver static-token CSV file.
        case token
        /// `X-Forwarded-User`/`X-Forwarded-Groups` from a trusted reverse proxy (oauth2-proxy style).
        case header
    }

    /// How the WebSocket proxy reaches a session pod's websockify.
    public enum UpstreamMode: String, Sendable, CaseIterable {
        /// Pick `direct` when running in a pod (service-account environment), else `portForward`.
        case auto
        /// Connect to the pod IP (requires running inside the cluster network).
        case direct
        /// Tunnel through the API server's `pods/portforward` subresource.
        case portForward = "port-forward"
    }

    /// Listen address, e.g. `0.0.0.0` or `127.0.0.1`.
    public var address: String
    /// Listen port; `0` picks a free one (tests).
    public var port: Int
    public var authMode: AuthMode
    /// Static-token CSV (`token,user,uid,"group1,group2"`) for ``AuthMode/token``; re-read when it changes.
    public var tokenFile: String?
    /// Members of this group see and end every session.
    public var adminGroup: String
    /// Peers whose `X-Forwarded-*` headers are believed in ``AuthMode/header``.
    public var trustedProxies: [CIDR]
    /// `Origin` values allowed on WebSocket upgrades; empty means "same host as the request".
    public var allowedOrigins: [String]
    public var upstreamMode: UpstreamMode
    /// The pod port websockify listens on (6080 in the session pod).
    public var upstreamPort: Int
    /// Key for the WebSocket tickets in `websocket_url`. Replicas behind one load balancer must
    /// share it; `nil` generates a random key per process.
    public var ticketKey: [UInt8]?
    /// How long a WebSocket ticket stays valid after it was issued.
    public var ticketLifetime: Duration
    /// Closes a proxied WebSocket after this long without traffic in either direction.
    public var webSocketIdleTimeout: Duration
    /// Ends a proxied WebSocket whose write to either peer has waited this long (that peer
    /// stopped reading).
    public var webSocketStallTimeout: Duration
    /// Closes a connection that has not sent a complete request head within this time
    /// (slowloris, silent or garbage connections); 0 turns it off.
    public var requestHeadTimeout: Duration
    /// How often, at most, a connection carrying traffic writes its session's
    /// `sortie.io/last-activity` annotation (the reaper's idle clock, `SESSION_IDLE_TIMEOUT`).
    public var activityRecordInterval: Duration
    /// At most this many simultaneous WebSocket connections per session (0 = unlimited).
    public var maxConnectionsPerSession: Int
    /// Largest request body accepted (JSON bodies are tiny; anything bigger is refused with 413).
    public var maxBodySize: Int
    /// Session creations allowed per user per minute (0 = unlimited); beyond it 429.
    public var createsPerMinute: Int
    /// Between two reaper runs (`SESSION_CLEANUP_INTERVAL` minutes by default).
    public var reaperInterval: Duration?
    /// Leader election for the reaper.
    public var leaderElection: LeaderElectionConfiguration
    /// Where noVNC's files are (Debian's `novnc` package installs them in `/usr/share/novnc`).
    public var noVNCDirectory: String
    /// How long API reads wait for the session cache's first sync before answering 503.
    public var cacheSyncTimeout: Duration

    /// Leader election on a `coordination.k8s.io/v1` Lease, after client-go's `leaderelection`.
    public struct LeaderElectionConfiguration: Sendable {
        /// Disable to reap on every replica (single-replica deployments that may not create Leases).
        public var enabled: Bool
        public var leaseName: String
        /// This replica's identity in `holderIdentity`; defaults to hostname + random suffix.
        public var identity: String
        /// A holder that has not renewed for this long loses the lease.
        public var leaseDuration: Duration
        /// How often the holder renews (and candidates retry).
        public var retryPeriod: Duration

        public init(enabled: Bool = true, leaseName: String = "sortie-reaper",
                    identity: String = LeaderElectionConfiguration.defaultIdentity(),
                    leaseDuration: Duration = .seconds(15), retryPeriod: Duration = .seconds(2)) {
            self.enabled = enabled
            self.leaseName = leaseName
            self.identity = identity
            self.leaseDuration = leaseDuration
            self.retryPeriod = retryPeriod
        }

        /// `hostname-xxxxxx`: unique per process, readable in `kubectl get lease`.
        public static func defaultIdentity() -> String {
            let host = ProcessInfo.processInfo.hostName
            return "\(host.isEmpty ? "sortie" : host)-\(UUID().uuidString.prefix(6).lowercased())"
        }
    }

    /// - Parameters:
    ///   - address: listen address (default `0.0.0.0`).
    ///   - port: listen port (default 8080).
    ///   - authMode: see ``AuthMode`` (default `token`).
    ///   - tokenFile: static-token CSV for `token` mode.
    ///   - adminGroup: admin group (default `sortie-admins`).
    ///   - trustedProxies: CIDRs trusted in `header` mode.
    ///   - allowedOrigins: WebSocket `Origin` allow-list (default: same host).
    ///   - upstreamMode: how pods are reached (default `auto`).
    ///   - upstreamPort: websockify's port in the pod (default 6080).
    ///   - ticketKey: HMAC key for WebSocket tickets (default random).
    ///   - ticketLifetime: ticket validity (default 5 minutes).
    ///   - webSocketIdleTimeout: idle close (default 30 minutes).
    ///   - webSocketStallTimeout: stuck-write close (default 60 s).
    ///   - requestHeadTimeout: time allowed for a request head (default 30 s).
    ///   - activityRecordInterval: session activity writes (default 1 minute).
    ///   - maxConnectionsPerSession: per-session WebSocket cap (default 4).
    ///   - maxBodySize: request body limit (default 64 KiB).
    ///   - createsPerMinute: per-user creation rate (default 10).
    ///   - reaperInterval: `nil` uses `SESSION_CLEANUP_INTERVAL` from the session settings.
    ///   - leaderElection: see ``LeaderElectionConfiguration``.
    ///   - noVNCDirectory: noVNC assets (default `/usr/share/novnc`).
    ///   - cacheSyncTimeout: wait for the session cache (default 10 s).
    public init(
        address: String = "0.0.0.0", port: Int = 8080, authMode: AuthMode = .token, tokenFile: String? = nil,
        adminGroup: String = "sortie-admins", trustedProxies: [CIDR] = [], allowedOrigins: [String] = [],
        upstreamMode: UpstreamMode = .auto, upstreamPort: Int = 6080, ticketKey: [UInt8]? = nil,
        ticketLifetime: Duration = .seconds(300), webSocketIdleTimeout: Duration = .seconds(1800),
        webSocketStallTimeout: Duration = .seconds(60), requestHeadTimeout: Duration = .seconds(30),
        activityRecordInterval: Duration = .seconds(60),
        maxConnectionsPerSession: Int = 4, maxBodySize: Int = 64 * 1024, createsPerMinute: Int = 10,
        reaperInterval: Duration? = nil, leaderElection: LeaderElectionConfiguration = .init(),
        noVNCDirectory: String = "/usr/share/novnc", cacheSyncTimeout: Duration = .seconds(10)
    ) {
        self.address = address
        self.port = port
        self.authMode = authMode
        self.tokenFile = tokenFile
        self.adminGroup = adminGroup
        self.trustedProxies = trustedProxies
        self.allowedOrigins = allowedOrigins
        self.upstreamMode = upstreamMode
        self.upstreamPort = upstreamPort
        self.ticketKey = ticketKey
        self.ticketLifetime = ticketLifetime
        self.webSocketIdleTimeout = webSocketIdleTimeout
        self.activityRecordInterval = activityRecordInterval
        self.webSocketStallTimeout = webSocketStallTimeout
        self.requestHeadTimeout = requestHeadTimeout
        self.maxConnectionsPerSession = maxConnectionsPerSession
        self.maxBodySize = maxBodySize
        self.createsPerMinute = createsPerMinute
        self.reaperInterval = reaperInterval
        self.leaderElection = leaderElection
        self.noVNCDirectory = noVNCDirectory
        self.cacheSyncTimeout = cacheSyncTimeout
    }
}
