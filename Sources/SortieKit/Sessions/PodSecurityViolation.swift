/// One way a pod breaks a Pod Security Standard, worded like the Kubernetes admission message.
public struct PodSecurityViolation: Sendable, Equatable, CustomStringConvertible {
    /// The checks of the official policy that sortie's pod model can express.
    public enum Rule: String, Sendable, Equatable, CaseIterable {
        // Baseline
        case hostNamespaces
        case privileged
        case baselineCapabilities
        case hostPathVolumes
        case hostPorts
        case appArmor
        case seccompBaseline
        // Restricted
        case restrictedVolumeTypes
        case allowPrivilegeEscalation
        case runAsNonRoot
        case runAsUser
        case seccompRestricted
        case restrictedCapabilities

        /// The level that introduces the rule.
        public var level: PodSecurityStandard.Level {
            switch self {
            case .hostNamespaces, .privileged, .baselineCapabilities, .hostPathVolumes, .hostPorts, .appArmor,
                 .seccompBaseline:
                .baseline
            default:
                .restricted
            }
        }

        /// The admission's "forbidden reason", e.g. `allowPrivilegeEscalation != false`.
        public var reason: String {
            switch self {
            case .hostNamespaces: "host namespaces"
            case .privileged: "privileged"
            case .baselineCapabilities: "non-default capabilities"
            case .hostPathVolumes: "hostPath volumes"
            case .hostPorts: "hostPort"
            case .appArmor: "forbidden AppArmor profile"
            case .seccompBaseline, .seccompRestricted: "seccompProfile"
            case .restrictedVolumeTypes: "restricted volume types"
            case .allowPrivilegeEscalation: "allowPrivilegeEscalation != false"
            case .runAsNonRoot: "runAsNonRoot != true"
            case .runAsUser: "runAsUser=0"
            case .restrictedCapabilities: "unrestricted capabilities"
            }
        }
    }

    public var rule: Rule
    /// The container at fault, or nil for pod-level fields and volumes.
    public var container: String?
    /// What must change, e.g. `container "app" must set securityContext.allowPrivilegeEscalation=false`.
    public var detail: String

    public init(rule: Rule, container: String?, detail: String) {
        self.rule = rule
        self.container = container
        self.detail = detail
    }

    /// E.g. `allowPrivilegeEscalation != false (container "app" must set securityContext.allowPrivilegeEscalation=false)`.
    public var description: String { "\(rule.reason) (\(detail))" }
}
