import Foundation
import SortieKit
import Logging
import Synchronization

/// What the controllers share: the engine, the session cache, authentication, WebSocket tickets,
/// metrics and the small pieces of per-process bookkeeping. Built once by
/// ``buildServerApplication(configuration:engine:metrics:logger:)``.
public struct ServerState: Sendable {
    public let configuration: ServerConfiguration
    public let engine: SessionEngine
    public let store: SessionStore
    public let authenticator: Authenticator
    public let tickets: WebSocketTicketSigner
    public let metrics: ServerMetrics
    let createLimiter: CreateRateLimiter
    let connections: ConnectionCounter
    let activity: SessionActivityRecorder
    let logger: Logger

    var namespace: String { engine.settings.namespace }

    /// The cache, once it can be trusted: waits for the first sync, and answers 503 while the
    /// watch is broken (so no stale answer is given as if it were current).
    func syncedStore() async throws -> SessionStore {
        guard await store.waitUntilSynced(timeout: configuration.cacheSyncTimeout) else {
            throw APIError.unavailable("the session list has not been loaded from the cluster yet")
        }
        if case .disconnected = await store.state {
            throw APIError.unavailable("the Kubernetes API server is unreachable")
        }
        return store
    }

    /// The session with this id if `identity` may see it; 404 otherwise (not 403, so ids don't leak).
    func visibleSession(_ id: String, to identity: Identity) async throws -> (session: Session, pod: Pod) {
        let store = try await syncedStore()
        guard let found = await store.session(id: id), identity.mayAccess(sessionOwnedBy: found.session.userID) else {
            throw APIError.notFound("session not found")
        }
        return found
    }

    /// The session as the API shows it: with auth on, `websocket_url` carries a fresh ticket.
    func presented(_ session: Session) -> Session {
        var session = session
        if configuration.authMode != .none {
            session.websocketURL = Session.websocketPath(for: session.id) + "?token=" + tickets.ticket(sessionID: session.id, userID: session.userID)
        }
        return session
    }
}

/// Per-user limit on session creations in a sliding one-minute window.
final class CreateRateLimiter: Sendable {
    private let limit: Int
    private let window: Duration = .seconds(60)
    private let history = Locked<[String: [ContinuousClock.Instant]]>([:])

    init(perMinute limit: Int) { self.limit = limit }

    /// Records an attempt; returns the seconds to wait when the user is over the limit.
    func admit(_ user: String) -> Int? {
        guard limit > 0 else { return nil }
        let now = ContinuousClock.now
        return history.withLock { history in
            var stamps = history[user, default: []].filter { now - $0 < window }
            defer { history[user] = stamps }
            if stamps.count >= limit, let oldest = stamps.first {
                return max(1, Int((window - (now - oldest)).components.seconds) + 1)
            }
            stamps.append(now)
            return nil
        }
    }
}

/// Open WebSocket connections per session, with a cap.
final class ConnectionCounter: Sendable {
    private let limit: Int
    private let counts = Locked<[String: Int]>([:])

    init(limit: Int) { self.limit = limit }

    /// Takes a slot; `false` when the session already has `limit` connections.
    func acquire(_ sessionID: String) -> Bool {
        counts.withLock { counts in
            let current = counts[sessionID, default: 0]
            if limit > 0, current >= limit { return false }
            counts[sessionID] = current + 1
            return true
        }
    }

    func release(_ sessionID: String) {
        counts.withLock { counts in
            let next = counts[sessionID, default: 1] - 1
            counts[sessionID] = next > 0 ? next : nil
        }
    }

    func count(_ sessionID: String) -> Int { counts.withLock { $0[sessionID, default: 0] } }
}
