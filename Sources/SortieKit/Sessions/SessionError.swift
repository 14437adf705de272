import Foundation

/// Why a session operation could not be done. Each case carries what a good message needs.
public enum SessionError: Error, Sendable, CustomStringConvertible {
    /// Sortie's own limits (`SORTIE_MAX_SESSIONS_PER_USER`, `SORTIE_MAX_SESSIONS`).
    case quotaExceeded(scope: QuotaScope, limit: Int, current: Int)
    /// No session matches the id or prefix.
    case notFound(String)
    /// A prefix matches several sessions.
    case ambiguous(prefix: String, matches: [String])
    /// The pod reached a state it will not recover from (image pull failure, crash, …); it was deleted.
    case failedToStart(session: Session, reason: String, message: String?)
    /// The pod was not Ready within `POD_READY_TIMEOUT`; it was deleted.
    case readyTimeout(session: Session, seconds: Int, lastState: String)
    /// The session pod disappeared while waiting for it.
    case vanished(String)

    public enum QuotaScope: String, Sendable {
        case user, total
    }

    public var description: String {
        switch self {
        case .quotaExceeded(.user, let limit, let current):
            "session limit reached: this user already has \(current) of at most \(limit) sessions (SORTIE_MAX_SESSIONS_PER_USER) — end one with 'sortiectl sessions kill'"
        case .quotaExceeded(.total, let limit, let current):
            "session limit reached: \(current) of at most \(limit) sessions are running (SORTIE_MAX_SESSIONS)"
        case .notFound(let id):
            "session \"\(id)\" not found"
        case .ambiguous(let prefix, let matches):
            "session id prefix \"\(prefix)\" is ambiguous: it matches \(matches.joined(separator: ", "))"
        case .failedToStart(let session, let reason, let message):
            "session \(session.id) (\(session.appName)) failed to start: \(reason)\(message.map { ": \($0)" } ?? "") — the pod was deleted"
        case .readyTimeout(let session, let seconds, let lastState):
            "session \(session.id) (\(session.appName)) was not ready within \(seconds)s (last state: \(lastState)) — the pod was deleted; raise POD_READY_TIMEOUT if images are large"
        case .vanished(let id):
            "session \(id) disappeared while waiting for it to start (deleted by someone else?)"
        }
    }
}
