import Foundation

/// Which sessions a list, kill or reap concerns.
public struct SessionFilter: Sendable, Equatable {
    public var userID: String?
    public var appID: String?
    public var status: SessionStatus?

    public init(userID: String? = nil, appID: String? = nil, status: SessionStatus? = nil) {
        self.userID = userID
        self.appID = appID
        self.status = status
    }

    /// The label selector the API server can apply (user and app); status is filtered locally.
    /// The selector for watching the sessions this filter selects.
    public func labelSelectorForWatch() throws -> String { try labelSelector() }

    func labelSelector() throws -> String {
        var selector = SessionLabels.selector
        if let userID { selector = try SessionLabels.selector(forUser: userID) }
        if let appID { selector += ",\(SessionLabels.appID)=\(appID)" }
        return selector
    }
}

/// How far a starting session has got, for progress output.
public enum SessionProgress: Sendable, Equatable, CustomStringConvertible {
    case waitingForNode
    case unschedulable(String)
    case pullingImages
    case startingContainers
    case waitingForReadiness
    case ready

    public var description: String {
        switch self {
        case .waitingForNode: "waiting for a node"
        case .unschedulable(let message): "unschedulable: \(message)"
        case .pullingImages: "pulling images"
        case .startingContainers: "starting containers"
        case .waitingForReadiness: "waiting for the VNC server"
        case .ready: "ready"
        }
    }

    /// Order of the stages, so progress reports never step backwards.
    var rank: Int {
        switch self {
        case .waitingForNode, .unschedulable: 0
        case .pullingImages: 1
        case .startingContainers: 2
        case .waitingForReadiness: 3
        case .ready: 4
        }
    }

    /// Reads the stage off a pod's status.
    init(pod: Pod) {
        if pod.isReady { self = .ready; return }
        if let scheduled = pod.condition("PodScheduled") {
            if scheduled.status != "True" {
                self = scheduled.reason == "Unschedulable" ? .unschedulable(scheduled.message ?? "no node fits") : .waitingForNode
                return
            }
        } else {
            self = .waitingForNode
            return
        }
        let statuses = (pod.status?.initContainerStatuses ?? []) + (pod.status?.containerStatuses ?? [])
        if statuses.isEmpty || statuses.contains(where: { $0.state?.waiting?.reason == "ContainerCreating" && $0.imageID?.isEmpty != false }) {
            self = .pullingImages
        } else if statuses.contains(where: { $0.state?.running == nil }) {
            self = .startingContainers
        } else {
            self = .waitingForReadiness
        }
    }
}
