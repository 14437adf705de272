import Foundation

/// The labels and annotations that mark a pod as a sortie session, and the rules for their values.
public enum SessionLabels {
    public static let managedBy = "app.kubernetes.io/managed-by"
    public static let name = "app.kubernetes.io/name"
    public static let component = "app.kubernetes.io/component"
    public static let sessionID = "sortie.io/session-id"
    public static let appID = "sortie.io/app-id"
    public static let userID = "sortie.io/user-id"

    /// Annotation keys (values that may not be valid label values).
    public enum Annotations {
        /// The raw user id, unencoded.
        public static let userID = "sortie.io/user-id"
        public static let appName = "sortie.io/app-name"
        /// RFC 3339 UTC creation time, e.g. `2024-01-15T10:30:00Z`.
        public static let createdAt = "sortie.io/created-at"
        /// RFC 3339 UTC time of the last VNC traffic through `serve` (written at most once a
        /// minute per session while traffic flows); the reaper's idle clock.
        public static let lastActivity = "sortie.io/last-activity"
    }

    public static let managedByValue = "sortie"
    public static let nameValue = "sortie-session"
    public static let componentValue = "session"
    /// Prefix of every session pod name; the lowercased session UUID follows.
    public static let podNamePrefix = "sortie-session-"

    /// Label selector matching every session pod: `app.kubernetes.io/managed-by=sortie,app.kubernetes.io/component=session`.
    public static let selector = "\(managedBy)=\(managedByValue),\(component)=\(componentValue)"

    /// Label selector for one user's sessions.
    /// - Throws: ``SessionLabelError/emptyUserID`` for an empty id.
    public static func selector(forUser userID: String) throws(SessionLabelError) -> String {
        "\(selector),\(Self.userID)=\(try encodeUserID(userID))"
    }

    /// The pod name for a session: `sortie-session-<uuid lowercased>`.
    public static func podName(for sessionID: UUID) -> String {
        podNamePrefix + sessionID.uuidString.lowercased()
    }

    /// A deterministic, valid label value for any user id.
    ///
    /// The result is `<prefix>.<12 hex chars of SHA-256(id)>`, where the prefix is the id lowercased with
    /// every character outside `[a-z0-9._-]` turned into `-`, trimmed of non-alphanumerics at both ends
    /// and cut to 45 characters; when nothing readable is left it is just the hash. The hash keeps
    /// different ids apart even when their prefixes agree (`Alice` and `alice`, or long ids).
    /// - Throws: ``SessionLabelError/emptyUserID`` for an empty id.
    public static func encodeUserID(_ userID: String) throws(SessionLabelError) -> String {
        guard !userID.isEmpty else { throw .emptyUserID }
        let hash = String(Hex.encode(SHA256.hash(Array(userID.utf8))).prefix(12))
        var prefix = String(String.UnicodeScalarView(userID.lowercased().unicodeScalars.map { scalar in
            switch scalar {
            case "a"..."z", "0"..."9", ".", "_", "-": scalar
            default: "-"
            }
        }))
        prefix = trimmed(prefix)
        prefix = trimmed(String(prefix.prefix(45)))
        return prefix.isEmpty ? hash : "\(prefix).\(hash)"
    }

    private static func trimmed(_ text: String) -> String {
        let isAlnum: (Character) -> Bool = { $0.isASCII && ($0.isLetter || $0.isNumber) }
        guard let start = text.firstIndex(where: isAlnum), let end = text.lastIndex(where: isAlnum) else { return "" }
        return String(text[start...end])
    }
}
