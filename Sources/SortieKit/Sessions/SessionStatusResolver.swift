import Foundation

/// Turns a pod's status into a ``SessionStatus`` with the pod's own reason and message.
///
/// Precedence: terminating (deletion requested) → failed → stopped → expired → running → creating.
/// A failed pod is a result, not an error: the caller shows `reason` and `message`.
public enum SessionStatusResolver {
    /// Container waiting reasons that mean the container will not start without a change.
    public static let fatalWaitingReasons: Set<String> = [
        "ErrImagePull", "ImagePullBackOff", "CrashLoopBackOff", "InvalidImageName",
        "CreateContainerConfigError", "CreateContainerError",
    ]

    /// The resolved status with an optional reason and message taken from the pod.
    public struct Resolution: Sendable, Equatable {
        public var status: SessionStatus
        public var reason: String?
        public var message: String?
    }

    /// Resolves the status of `pod`.
    /// - Parameters:
    ///   - createdAt: when the session started (for the timeout).
    ///   - now: the current time.
    ///   - timeoutMinutes: the session lifetime; older sessions are ``SessionStatus/expired``.
    public static func resolve(_ pod: Pod, createdAt: Date, now: Date, timeoutMinutes: Int) -> Resolution {
        let status = pod.status
        if pod.metadata.deletionTimestamp != nil { return Resolution(status: .terminating) }
        if let failure = failure(of: pod) { return failure }
        if status?.phase == "Succeeded" { return Resolution(status: .stopped) }
        if now.timeIntervalSince(createdAt) > TimeInterval(timeoutMinutes) * 60 {
            return Resolution(status: .expired, reason: "SessionTimeout",
                              message: "session is older than the \(timeoutMinutes)-minute timeout")
        }
        return Resolution(status: pod.isReady && status?.phase == "Running" ? .running : .creating)
    }

    private static func failure(of pod: Pod) -> Resolution? {
        let status = pod.status
        let statuses = (status?.initContainerStatuses ?? []) + (status?.containerStatuses ?? [])
        if let phase = status?.phase, phase == "Failed" || phase == "Unknown" {
            let terminated = statuses.compactMap { s in s.state?.terminated.map { (s.name, $0) } }
                .first { $0.1.exitCode != 0 }
            let reason = status?.reason ?? terminated?.1.reason ?? phase
            let message = status?.message ?? terminated?.1.message
                ?? terminated.map { "container \"\($0.0)\" exited with code \($0.1.exitCode ?? -1)" }
                ?? "pod phase is \(phase)"
            return Resolution(status: .failed, reason: reason, message: message)
        }
        for containerStatus in statuses {
            if let waiting = containerStatus.state?.waiting, let reason = waiting.reason,
               fatalWaitingReasons.contains(reason) {
                return Resolution(status: .failed, reason: reason,
                                  message: waiting.message ?? "container \"\(containerStatus.name)\" is in \(reason)")
            }
        }
        if let scheduled = pod.condition("PodScheduled"), scheduled.status == "False",
           scheduled.reason == "Unschedulable" {
            return Resolution(status: .failed, reason: "Unschedulable", message: scheduled.message)
        }
        return nil
    }

    /// The latest transition time in the pod's conditions and container states, if any.
    public static func lastTransition(of pod: Pod) -> Date? {
        let status = pod.status
        var stamps = (status?.conditions ?? []).compactMap(\.lastTransitionTime)
        for containerStatus in (status?.initContainerStatuses ?? []) + (status?.containerStatuses ?? []) {
            for state in [containerStatus.state, containerStatus.lastState].compactMap({ $0 }) {
                stamps += [state.running?.startedAt, state.terminated?.startedAt, state.terminated?.finishedAt]
                    .compactMap { $0 }
            }
        }
        return stamps.compactMap(RFC3339.date(from:)).max()
    }
}

extension SessionStatusResolver.Resolution {
    init(status: SessionStatus) {
        self.init(status: status, reason: nil, message: nil)
    }
}
