/// Why a session pod cannot be built for an app and user.
public enum PodTemplateError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The user id is empty (the pod must record whose session it is).
    case emptyUserID
    /// The app opens a link instead of running a container.
    case notSessionCapable(appID: String, url: String)
    /// A container app without a `container_image` (only possible for hand-built definitions).
    case missingImage(appID: String)

    public var description: String {
        switch self {
        case .emptyUserID:
            "user id must not be empty"
        case .notSessionCapable(let appID, let url):
            "app \(appID) is a url app (opens \(url)); only container apps can start sessions"
        case .missingImage(let appID):
            "app \(appID) has no container_image"
        }
    }
}
