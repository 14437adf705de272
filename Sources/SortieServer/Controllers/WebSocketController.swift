import Foundation
import SortieKit
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOWebSocket

/// `GET /ws/sessions/{id}`: the session's VNC WebSocket, proxied to the pod's websockify.
///
/// Who may connect: the session's owner or an admin, shown either by the usual credentials
/// (bearer token, trusted proxy headers) or — because browsers cannot set headers on a
/// WebSocket — by the signed ticket in `websocket_url` (`?token=`). A browser's `Origin` must be
/// allowed (default: the same host the request was sent to). Refusals are decided before the
/// upgrade and answered as plain HTTP errors by ``addFallbackRoute(to:)``.
struct WebSocketController {
    let state: ServerState
    let upstream: any SessionUpstream

    /// The upgrade route, on the WebSocket router.
    func addRoutes(to router: Router<SortieRequestContext>) {
        router.ws("/ws/sessions/{id}") { request, context in
            do {
                let (_, _, subprotocol) = try await authorize(request, context: context)
                var headers = HTTPFields()
                if let subprotocol { headers[.secWebSocketProtocol] = subprotocol }
                return .upgrade(headers)
            } catch {
                // Answered by the HTTP route with the proper status.
                return .dontUpgrade
            }
        } onUpgrade: { inbound, outbound, context in
            try await proxy(inbound: inbound, outbound: outbound, context: context)
        }
    }

    /// The same path on the HTTP router: requests that were not upgraded get their error here.
    func addFallbackRoute(to router: Router<SortieRequestContext>) {
        router.get("/ws/sessions/{id}") { request, context -> Response in
            _ = try await authorize(request, context: context)
            throw APIError(.upgradeRequired, "upgrade_required", "this endpoint only accepts WebSocket upgrades",
                           headers: [.upgrade: "websocket", .connection: "Upgrade"])
        }
    }

    /// Checks origin, identity, ownership, session state and the connection cap.
    /// - Returns: the session, its pod and the subprotocol to accept.
    /// - Throws: ``APIError`` (403 origin, 401, 404, 409 not running, 429 too many connections).
    func authorize(_ request: Request, context: SortieRequestContext) async throws -> (Session, Pod, String?) {
        try checkOrigin(request)
        let id = try context.parameters.require("id")
        let identity = state.authenticator.identify(headers: request.headers, peerAddress: context.peerAddress)
        let ticket = request.uri.queryParameters["token"].map(String.init)
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
            throw APIError.tooManyRequests("too_many_connections",
                                           "session \(session.id) already has \(state.configuration.maxConnectionsPerSession) connections",
                                           retryAfter: 5)
        }
        let offered = request.headers[values: .secWebSocketProtocol].flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) }
        return (session, pod, offered.contains("binary") ? "binary" : nil)
    }

    /// Browsers send `Origin`; other clients usually don't and are not checked. Allowed: the
    /// host the request was sent to (scheme-default ports normalised) and `--allowed-origin`s.
    func checkOrigin(_ request: Request) throws {
        guard let origin = request.headers[.origin] else { return }
        // Browsers send the page's origin (http, https or null), never a ws:// one: such an
        // Origin comes from a non-browser client (WSClient sends `ws://HOST`), which could
        // as well have sent none, so it is not checked.
        let lowered = origin.lowercased()
        if lowered.hasPrefix("ws://") || lowered.hasPrefix("wss://") { return }
        let listed = state.configuration.allowedOrigins.contains { $0 == "*" || $0.lowercased() == origin.lowercased() }
        guard listed || Self.isSameHost(origin: origin, authority: request.head.authority) else {
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

    /// Runs one proxied connection: takes a connection slot, relays, enforces the idle timeout.
    func proxy(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter,
               context: WebSocketRouterContext<SortieRequestContext>) async throws {
        let logger = context.logger
        guard let id = context.requestContext.parameters.get("id"),
              let (session, pod) = await state.store.session(id: id) else {
            try await outbound.close(.unexpectedServerError, reason: "session not found")
            return
        }
        guard state.connections.acquire(session.id) else {
            try await outbound.close(.init(codeNumber: 1013), reason: "too many connections")
            return
        }
        state.metrics.activeWebSockets.increment()
        defer {
            state.connections.release(session.id)
            state.metrics.activeWebSockets.decrement()
        }
        let subprotocol = context.request.headers[values: .secWebSocketProtocol].flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) }.contains("binary") ? "binary" : nil
        let meter = RelayMeter(metrics: state.metrics)
        let engine = state.engine
        let watchdog = ConnectionWatchdog(
            meter: meter, idleTimeout: state.configuration.webSocketIdleTimeout,
            stallTimeout: state.configuration.webSocketStallTimeout, recordInterval: state.configuration.activityRecordInterval,
            record: { date in try await engine.recordActivity(podName: session.podName, at: date) }, logger: logger)
        logger.info("websocket opened", metadata: ["session.id": "\(session.id)", "pod.name": "\(session.podName)"])
        enum Ending { case relayEnded, idle, stalled }
        let ending: Ending
        do {
            ending = try await withThrowingTaskGroup(of: Ending.self) { group in
                group.addTask {
                    try await upstream.relay(pod: pod, subprotocol: subprotocol, inbound: inbound, outbound: outbound,
                                             meter: meter, logger: logger)
                    return .relayEnded
                }
                group.addTask {
                    switch try await watchdog.run() {
                    case .idle: .idle
                    case .stalled: .stalled
                    }
                }
                let first = try await group.next() ?? .relayEnded
                group.cancelAll()
                return first
            }
        } catch {
            logger.info("websocket upstream failed", metadata: ["session.id": "\(session.id)", "error": "\(error)"])
            try? await outbound.close(.unexpectedServerError, reason: "cannot reach the session")
            return
        }
        logger.info("websocket closed", metadata: ["session.id": "\(session.id)", "reason": "\(ending)"])
        switch ending {
        case .idle: try? await outbound.close(.goingAway, reason: "idle timeout")
        case .stalled: try? await outbound.close(.goingAway, reason: "a peer stopped reading")
        case .relayEnded: break
        }
    }
}
