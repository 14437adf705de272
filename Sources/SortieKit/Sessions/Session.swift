import Foundation

/// A session as the sessions API shows it (`GET /api/sessions/{id}`), derived from its pod.
///
/// Encodes to exactly the seed's snake_case keys; `reason` and `message` are omitted when nil and
/// dates are RFC 3339 UTC (`2024-01-15T10:30:00Z`) whatever the encoder's date strategy.
public struct Session: Sendable, Equatable, Codable {
    public var id: String
    public var userID: String
    public var appID: String
    public var appName: String
    public var podName: String
    public var status: SessionStatus
    /// `/ws/sessions/{id}`.
    public var websocketURL: String
    public var createdAt: Date
    public var updatedAt: Date
    /// Why the session is in its status (e.g. `ImagePullBackOff`), when the pod says.
    public var reason: String?
    public var message: String?
    /// The last VNC traffic through `serve` (the `sortie.io/last-activity` annotation), if any.
    /// Not part of the API's JSON.
    public var lastActivityAt: Date?

    public init(
        id: String, userID: String, appID: String, appName: String, podName: String, status: SessionStatus,
        createdAt: Date, updatedAt: Date, reason: String? = nil, message: String? = nil
    ) {
        self.id = id
        self.userID = userID
        self.appID = appID
        self.appName = appName
        self.podName = podName
        self.status = status
        self.websocketURL = Self.websocketPath(for: id)
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.reason = reason
        self.message = message
    }

    /// The WebSocket path for a session id: `/ws/sessions/{id}`.
    public static func websocketPath(for id: String) -> String { "/ws/sessions/\(id)" }

    /// The session a pod represents, or nil for pods that are not sortie sessions (missing the
    /// `app.kubernetes.io/managed-by=sortie` and `app.kubernetes.io/component=session` labels, or unnamed).
    ///
    /// The id is the `sortie.io/session-id` label, else the pod name without `sortie-session-`.
    /// - Parameters:
    ///   - now: the current time, for the timeout.
    ///   - timeoutMinutes: the session lifetime (``SessionSettings/sessionTimeoutMinutes``).
    public init?(pod: Pod, now: Date, timeoutMinutes: Int) {
        let labels = pod.metadata.labels ?? [:]
        let annotations = pod.metadata.annotations ?? [:]
        guard let id = Self.id(of: pod), let podName = pod.metadata.name else { return nil }
        let createdAt = pod.metadata.creationTimestamp.flatMap(RFC3339.date(from:))
            ?? annotations[SessionLabels.Annotations.createdAt].flatMap(RFC3339.date(from:))
            ?? now
        let resolution = SessionStatusResolver.resolve(pod, createdAt: createdAt, now: now, timeoutMinutes: timeoutMinutes)
        let appID = labels[SessionLabels.appID] ?? ""
        self.init(
            id: id,
            userID: annotations[SessionLabels.Annotations.userID] ?? labels[SessionLabels.userID] ?? "",
            appID: appID,
            appName: annotations[SessionLabels.Annotations.appName] ?? appID,
            podName: podName,
            status: resolution.status,
            createdAt: createdAt,
            updatedAt: max(createdAt, SessionStatusResolver.lastTransition(of: pod) ?? createdAt),
            reason: resolution.reason,
            message: resolution.message)
        lastActivityAt = annotations[SessionLabels.Annotations.lastActivity].flatMap(RFC3339.date(from:))
    }

    /// The session id of a session pod (see ``init(pod:now:timeoutMinutes:)``), without deriving
    /// the rest; nil for other pods.
    public static func id(of pod: Pod) -> String? {
        let labels = pod.metadata.labels ?? [:]
        guard labels[SessionLabels.managedBy] == SessionLabels.managedByValue,
              labels[SessionLabels.component] == SessionLabels.componentValue,
              let podName = pod.metadata.name else { return nil }
        return labels[SessionLabels.sessionID]
            ?? (podName.hasPrefix(SessionLabels.podNamePrefix) ? String(podName.dropFirst(SessionLabels.podNamePrefix.count)) : podName)
    }

    private enum CodingKeys: String, CodingKey {
        case id, status, reason, message
        case userID = "user_id", appID = "app_id", appName = "app_name", podName = "pod_name"
        case websocketURL = "websocket_url", createdAt = "created_at", updatedAt = "updated_at"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func date(_ key: CodingKeys) throws -> Date {
            let text = try c.decode(String.self, forKey: key)
            guard let date = RFC3339.date(from: text) else {
                throw DecodingError.dataCorruptedError(forKey: key, in: c,
                                                       debugDescription: "\"\(text)\" is not an RFC 3339 time")
            }
            return date
        }
        id = try c.decode(String.self, forKey: .id)
        userID = try c.decode(String.self, forKey: .userID)
        appID = try c.decode(String.self, forKey: .appID)
        appName = try c.decode(String.self, forKey: .appName)
        podName = try c.decode(String.self, forKey: .podName)
        status = try c.decode(SessionStatus.self, forKey: .status)
        websocketURL = try c.decode(String.self, forKey: .websocketURL)
        createdAt = try date(.createdAt)
        updatedAt = try date(.updatedAt)
        reason = try c.decodeIfPresent(String.self, forKey: .reason)
        message = try c.decodeIfPresent(String.self, forKey: .message)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(userID, forKey: .userID)
        try c.encode(appID, forKey: .appID)
        try c.encode(appName, forKey: .appName)
        try c.encode(podName, forKey: .podName)
        try c.encode(status, forKey: .status)
        try c.encode(websocketURL, forKey: .websocketURL)
        try c.encode(RFC3339.string(from: createdAt), forKey: .createdAt)
        try c.encode(RFC3339.string(from: updatedAt), forKey: .updatedAt)
        try c.encodeIfPresent(reason, forKey: .reason)
        try c.encodeIfPresent(message, forKey: .message)
    }
}
