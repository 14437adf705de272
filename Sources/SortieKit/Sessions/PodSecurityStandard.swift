/// Checks a pod against the Kubernetes Pod Security Standards (baseline or restricted), as the
/// `PodSecurity` admission plugin does, so a session pod can be vetted before it is sent.
///
/// Covered: host namespaces, privileged, capabilities, hostPath volumes, host ports, AppArmor
/// (the annotation form), seccomp, restricted volume types, allowPrivilegeEscalation, runAsNonRoot,
/// runAsUser, for init containers and containers alike.
///
/// Not covered, because sortie's `Pod` model has no such fields (a pod built from the model can't set
/// them, so they can't be violated): `windowsOptions.hostProcess`, `appArmorProfile` fields,
/// `seLinuxOptions`, `procMount`, `sysctls`, ephemeral containers, and the `hostUsers: false`
/// relaxation of the runAsNonRoot/runAsUser rules. Volumes are only emptyDir (allowed) or hostPath.
public enum PodSecurityStandard {
    /// A policy level.
    public enum Level: String, Sendable, Equatable, Comparable {
        case baseline, restricted

        public static func < (lhs: Level, rhs: Level) -> Bool { lhs == .baseline && rhs == .restricted }
    }

    /// Capabilities the baseline level allows adding.
    public static let baselineCapabilities: Set<String> = [
        "AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE",
        "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT",
    ]
    static let appArmorAnnotationPrefix = "container.apparmor.security.beta.kubernetes.io/"

    /// Every violation of `level` (default: restricted), pod-level ones first, then per container
    /// (init containers before containers). Empty means the admission would accept the pod.
    public static func violations(of pod: Pod, level: Level = .restricted) -> [PodSecurityViolation] {
        var checker = PodSecurityChecker(pod: pod)
        checker.checkBaseline(restricted: level == .restricted)
        if level == .restricted { checker.checkRestricted() }
        return checker.violations
    }

    /// The admission-style summary, e.g. `violates PodSecurity "restricted:latest": privileged (…), …`,
    /// or nil when there are no violations.
    public static func summary(_ violations: [PodSecurityViolation], level: Level = .restricted) -> String? {
        guard !violations.isEmpty else { return nil }
        return "violates PodSecurity \"\(level.rawValue):latest\": "
            + violations.map(\.description).joined(separator: ", ")
    }
}
