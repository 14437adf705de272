import Foundation
import SortieKit
import Hummingbird
import HummingbirdCore
import HTTPTypes
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypesHTTP1

/// `GET /ws/sessions/{id}`: the session's VNC WebSocket, relayed to the pod's websockify.
///
/// Who may connect: the session's owner or an admin, shown either by the usual credentials
/// (bearer token, trusted proxy headers) or — because browsers cannot set headers on a
/// WebSocket — by the signed ticket in `websocket_url` (`?token=`). A browser's `Origin` must be
/// allowed (default: the same host the request was sent to). Everything is decided before the
/// `101` (``admit(_:channel:logger:)``, called by ``ServeChannel``): refusals are answered with
/// their status and JSON body, and the pod's websockify is connected first, so a session that
/// cannot be reached is a `502`, not a WebSocket that closes at once. A plain `GET` of the same
/// path (``addFallbackRoute(to:)``) gives the same reasons.
struct WebSocketController: WebSocketGate {
    let state: ServerState
    let upstream: any SessionUpstream

    /// The largest frame payload accepted from either side.
    static let maxFramePayload = 1 << 20
    static let pathPrefix = "/ws/sessions/"

    /// The same path on the HTTP router: requests that were not upgraded get their error here.
    func addFallbackRoute(to router: Router<SortieRequestContext>) {
        router.get("/ws/sessions/{id}") { request, context -> Response in
            let id = try context.parameters.require("id")
            _ = try await authorize(id: id, headers: request.headers, ticket: request.uri.queryParameters["token"].map(String.init),
                                    authority: request.head.authority, peerAddress: context.peerAddress)
            throw APIError(.upgradeRequired, "upgrade_required", "this endpoint only accepts WebSocket upgrades",
                           headers: [.upgrade: "websocket", .connection: "Upgrade"])
        }
    }

    // MARK: Upgrades

    func admit(_ head: HTTPRequestHead, channel: any Channel, logger: Logger) async -> WebSocketAdmission {
        do {
            let request = try HTTPRequest(head, secure: false, splitCookie: false)
            let uri = URI(request.path ?? "")
            guard uri.path.hasPrefix(Self.pathPrefix),
                  let id = String(uri.path.dropFirst(Self.pathPrefix.count)).removingPercentEncoding,
                  !id.isEmpty, !id.contains("/") else {
                throw APIError.notFound("no WebSocket endpoint at \(uri.path)")
            }
            let (session, pod, subprotocol) = try await authorize(
                id: id, headers: request.headerFields, ticket: uri.queryParameters["token"].map(String.init),
                authority: request.authority, peerAddress: channel.remoteAddress?.ipAddress)
            guard state.connections.acquire(session.id) else { throw tooManyConnections(session.id) }
            // From here on the slot, the gauge and the upstream go when the client's connection does.
            state.metrics.activeWebSockets.increment()
            let (connections, metrics) = (state.connections, state.metrics)
            channel.closeFuture.whenComplete { _ in
                connections.release(session.id)
                metrics.activeWebSockets.decrement()
            }
            let connection = try await openUpstream(pod: pod, subprotocol: subprotocol, on: channel, logger: logger)
            return .accepted(AcceptedWebSocket(session: session, upstream: connection, subprotocol: subprotocol))
        } catch {
            let refusal = APIError(mapping: error)
            logger.info("websocket refused", metadata: ["status": "\(refusal.status.code)", "error": "\(refusal.code)"])
            return .refused(refusal)
        }
    }

    /// Connects to the pod's websockify and does its handshake; closed with the client's connection.
    /// - Throws: ``APIError`` 502 `session_unreachable` with the reason.
    private func openUpstream(pod: Pod, subprotocol: String?, on channel: any Channel, logger: Logger) async throws -> UpstreamConnection {
        let unreachable = { (reason: any Error) in
            APIError(.badGateway, "session_unreachable", "cannot reach the session: \(reason)")
        }
        let connection: UpstreamConnection
        do {
            connection = try await upstream.connect(to: pod, on: channel.eventLoop, logger: logger)
        } catch {
            throw unreachable(error)
        }
        channel.closeFuture.whenComplete { _ in connection.channel.close(promise: nil) }
        do {
            try await UpstreamHandshake.perform(over: connection, subprotocol: subprotocol, maxFramePayload: Self.maxFramePayload)
        } catch {
            connection.channel.close(promise: nil)
            throw unreachable(await connection.failure() ?? error)
        }
        return connection
    }

    func startRelay(on channel: any Channel, accepted: AcceptedWebSocket, logger: Logger) throws {
        let pipeline = channel.pipeline.syncOperations
        // The upstream lives on this event loop (see ``openUpstream``).
        let podSide = try accepted.upstream.channel.pipeline.syncOperations.handler(type: SpliceHandler.self)
        let clientSide = SpliceHandler(side: .client, maxFramePayload: Self.maxFramePayload)
        try pipeline.addHandler(clientSide)
        let configuration = state.configuration
        let activity = state.activity
        let podName = accepted.session.podName
        let relay = WebSocketRelay(
            client: clientSide, pod: podSide,
            settings: .init(idleTimeout: configuration.webSocketIdleTimeout, stallTimeout: configuration.webSocketStallTimeout,
                            recordInterval: configuration.activityRecordInterval),
            metrics: state.metrics,
            record: { date in try await activity.record(podName: podName, at: date) },
            logger: logger, eventLoop: channel.eventLoop)
        let sessionID = accepted.session.id
        logger.info("websocket opened", metadata: ["session.id": "\(sessionID)", "pod.name": "\(podName)"])
        channel.closeFuture.assumeIsolated().whenComplete { _ in
            logger.info("websocket closed", metadata: ["session.id": "\(sessionID)", "reason": "\(relay.ending?.description ?? "closed")"])
        }
        relay.start()
    }

    private func tooManyConnections(_ sessionID: String) -> APIError {
        APIError.tooManyRequests("too_many_connections",
                                 "session \(sessionID) already has \(state.configuration.maxConnectionsPerSession) connections",
                                 retryAfter: 5)
    }

    // MARK: Authorization

    /// Checks origin, identity, ownership, session state and the connection cap.
    /// - Parameters:
    ///   - ticket: the `token` query parameter (the signed ticket of `websocket_url`).
    ///   - authority: the `Host` the request was sent to (for the same-origin check).
    /// - Returns: the session, its pod and the subprotocol to accept.
    /// - Throws: ``APIError`` (403 origin, 401, 404, 409 not running, 429 too many connections).
    func authorize(id: String, headers: HTTPFields, ticket: String?, authority: String?,
                   peerAddress: String?) async throws -> (Session, Pod, String?) {
        try checkOrigin(headers[.origin], authority: authority)
        let identity = state.authenticator.identify(headers: headers, peerAddress: peerAddress)
        guard identity != nil || ticket != nil else { throw APIError.unauthorized() }
        let store = try await state.syncedStore()
        let found = await store.session(id: id)
        let ticketValid = { (session: Session) in ticket.map { state.tickets.verify($0, sessionID: session.id, userID: session.userID) } ?? false }
        guard let (session, pod) = found else {
            throw identity == nil ? APIError.unauthorized("invalid or expired WebSocket ticket") : APIError.notFound("session not found")
        }
        if let identity {
            // Someone else's session looks exactly like a missing one: 404 (ids don't leak).
            guard identity.mayAccess(sessionOwnedBy: session.userID) || ticketValid(session) else {
                throw APIError.notFound("session not found")
            }
        } else {
            guard ticketValid(session) else { throw APIError.unauthorized("invalid or expired WebSocket ticket") }
        }
        guard session.status == .running else {
            throw APIError.conflict("session \(session.id) is \(session.status.rawValue), not running")
        }
        if state.configuration.maxConnectionsPerSession > 0,
           state.connections.count(session.id) >= state.configuration.maxConnectionsPerSession {
            throw tooManyConnections(session.id)
        }
        let offered = headers[values: .secWebSocketProtocol].flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) }
        return (session, pod, offered.contains("binary") ? "binary" : nil)
    }

    /// Browsers send `Origin`; other clients usually don't and are not checked. Allowed: the
    /// host the request was sent to (scheme-default ports normalised) and `--allowed-origin`s.
    func checkOrigin(_ origin: String?, authority: String?) throws {
        guard let origin else { return }
        // Browsers send the page's origin (http, https or null), never a ws:// one: such an
        // Origin comes from a non-browser client (WSClient sends `ws://HOST`), which could
        // as well have sent none, so it is not checked.
        let lowered = origin.lowercased()
        if lowered.hasPrefix("ws://") || lowered.hasPrefix("wss://") { return }
        let listed = state.configuration.allowedOrigins.contains { $0 == "*" || $0.lowercased() == lowered }
        guard listed || Self.isSameHost(origin: origin, authority: authority) else {
            throw APIError.forbidden("origin \(origin) is not allowed")
        }
    }

    static func isSameHost(origin: String, authority: String?) -> Bool {
        guard let authority, let schemeEnd = origin.range(of: "://") else { return false }
        let scheme = origin[..<schemeEnd.lowerBound].lowercased()
        let defaultPort = (scheme == "https" || scheme == "wss") ? "443" : "80"
        func normalised(_ hostPort: Substring) -> String {
            let text = hostPort.lowercased()
            if text.hasPrefix("[") { return text.contains("]:") ? text : text + ":" + defaultPort }
            return text.contains(":") ? text : text + ":" + defaultPort
        }
        let authorityPort = authority.contains("]:") || (!authority.hasPrefix("[") && authority.contains(":"))
        let originHost = normalised(origin[schemeEnd.upperBound...].split(separator: "/").first ?? "")
        // The Host header has no scheme: take the origin's default port when it names none.
        let host = authorityPort ? authority.lowercased() : authority.lowercased() + ":" + defaultPort
        return originHost == host
    }
}
