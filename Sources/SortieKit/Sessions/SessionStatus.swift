/// Where a session is in its life, derived from its pod (see ``SessionStatusResolver``).
public enum SessionStatus: String, Sendable, Equatable, Codable, CaseIterable {
    /// The pod is pending, or running but not Ready yet.
    case creating
    /// The pod is Ready: the VNC stream can be opened.
    case running
    /// The pod cannot run: it failed, its image cannot be pulled, it crash-loops, or it cannot be scheduled.
    case failed
    /// The pod is being deleted.
    case terminating
    /// The app exited normally (pod phase Succeeded).
    case stopped
    /// The session outlived the session timeout and is due for cleanup.
    case expired

    /// Whether the session will never (again) be usable, so waiting for `running` should stop.
    public var isFatal: Bool {
        switch self {
        case .creating, .running: false
        case .failed, .terminating, .stopped, .expired: true
        }
    }
}
