import SortieKit
/// Who is making a request, as the authentication mode established it.
public struct Identity: Sendable, Equatable {
    /// The user name; session `user_id`s are this.
    public var user: String
    public var uid: String?
    public var groups: [String]
    /// Sees and ends every session (member of the admin group, or auth mode `none`).
    public var isAdmin: Bool
    /// `true` only in auth mode `none`: the caller may name any `user_id` in a request body.
    public var isUnauthenticatedMode: Bool

    public init(user: String, uid: String? = nil, groups: [String] = [], isAdmin: Bool = false,
                isUnauthenticatedMode: Bool = false) {
        self.user = user
        self.uid = uid
        self.groups = groups
        self.isAdmin = isAdmin
        self.isUnauthenticatedMode = isUnauthenticatedMode
    }

    /// Whether this identity may see, end and connect to a session owned by `userID`.
    public func mayAccess(sessionOwnedBy userID: String) -> Bool {
        isAdmin || user == userID
    }
}
