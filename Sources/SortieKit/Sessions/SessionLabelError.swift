/// A value that cannot be put into a session's labels.
public enum SessionLabelError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Every session belongs to a user; an empty user id is refused.
    case emptyUserID

    public var description: String {
        switch self {
        case .emptyUserID: "user id must not be empty"
        }
    }
}
