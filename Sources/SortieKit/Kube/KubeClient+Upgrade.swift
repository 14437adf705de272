import Foundation

/// Everything a dedicated thread needs to open one upgraded (WebSocket) connection to the API
/// server: the URL, resolved credentials and the transport settings. A value, so it can cross
/// to the thread that will own the libcurl handle.
public struct WebSocketUpgradeRequest: Sendable, CustomStringConvertible {
    /// The full URL (`https://host:port/api/v1/...?...`).
    public var url: String
    /// The API server, for messages.
    public var server: String
    /// `GET /api/v1/...` for messages.
    public var summary: String
    /// Headers besides the WebSocket ones (`Authorization`, `User-Agent`).
    public var headers: [(name: String, value: String)]
    public var clientCertificate: ClientCertificate?
    public var transport: CurlTransportConfiguration
    /// The subprotocols offered, in order of preference.
    public var protocols: [String]
    /// How long connecting plus the upgrade may take.
    public var timeout: Duration

    public var description: String {
        "WebSocketUpgradeRequest(\(summary), server: \(server), protocols: \(protocols), credentials: --- REDACTED ---)"
    }
}

extension KubeClient {
    /// Resolves credentials (tokens, exec plugins, client certificates) and rate limiting for an
    /// upgraded request, like every other call, without sending anything yet.
    ///
    /// The connection itself is opened by `WebSocketConnection.open(_:)` on a thread that then owns it.
    /// A custom `KubeTransport` passed to the client is not used: upgrades always go through libcurl.
    /// - Parameter refreshCredentials: forget cached credentials first (after a 401).
    public func webSocketUpgrade(_ request: KubeRequest, protocols: [String],
                                 refreshCredentials: Bool = false) async throws -> WebSocketUpgradeRequest {
        try await rateLimiter.acquire()
        let transportRequest = try await makeTransportRequest(request, refreshCredentials: refreshCredentials)
        let headers = transportRequest.headers.filter { $0.name.lowercased() == "authorization" }
            + [(name: "User-Agent", value: configuration.userAgent)]
        return WebSocketUpgradeRequest(
            url: transportRequest.url, server: configuration.server, summary: request.summary, headers: headers,
            clientCertificate: transportRequest.clientCertificate,
            transport: CurlTransportConfiguration(tls: configuration.tls, proxyURL: configuration.proxyURL,
                                                  connectTimeout: configuration.timeouts.connect,
                                                  userAgent: configuration.userAgent),
            protocols: protocols,
            timeout: configuration.timeouts.connect + configuration.timeouts.request)
    }

    /// Whether a 401 may be cured by asking for credentials again (rotated token file, exec plugin).
    public var canRefreshCredentials: Bool {
        get async { await credentials.canRefresh }
    }
}
