/// The individual checks behind ``PodSecurityStandard``; wording follows
/// `k8s.io/pod-security-admission/policy/check_*.go`.
struct PodSecurityChecker {
    let pod: Pod
    private(set) var violations: [PodSecurityViolation] = []

    init(pod: Pod) {
        self.pod = pod
    }

    private var spec: PodSpec { pod.spec ?? PodSpec(containers: []) }
    private var allContainers: [Container] { (spec.initContainers ?? []) + spec.containers }

    private mutating func add(_ rule: PodSecurityViolation.Rule, _ container: String?, _ detail: String) {
        violations.append(PodSecurityViolation(rule: rule, container: container, detail: detail))
    }

    // MARK: - Baseline

    /// At the restricted level, the restricted checks for capabilities, volumes and seccomp replace
    /// their baseline counterparts (as the admission's `OverrideCheckIDs` do).
    mutating func checkBaseline(restricted: Bool) {
        let namespaces = [("hostNetwork", spec.hostNetwork), ("hostPID", spec.hostPID), ("hostIPC", spec.hostIPC)]
            .filter { $0.1 == true }.map { "\($0.0)=true" }
        if !namespaces.isEmpty { add(.hostNamespaces, nil, namespaces.joined(separator: ", ")) }

        for container in allContainers where container.securityContext?.privileged == true {
            add(.privileged, container.name, "container \"\(container.name)\" must not set securityContext.privileged=true")
        }
        if !restricted {
            for container in allContainers {
                for cap in container.securityContext?.capabilities?.add ?? []
                where !PodSecurityStandard.baselineCapabilities.contains(cap) {
                    add(.baselineCapabilities, container.name,
                        "container \"\(container.name)\" must not include \"\(cap)\" in securityContext.capabilities.add")
                }
            }
            for volume in spec.volumes ?? [] where volume.hostPath != nil {
                add(.hostPathVolumes, nil, "volume \"\(volume.name)\"")
            }
        }
        for container in allContainers {
            for port in container.ports ?? [] {
                if let hostPort = port.hostPort, hostPort != 0 {
                    add(.hostPorts, container.name, "container \"\(container.name)\" uses hostPort \(hostPort)")
                }
            }
        }
        for (key, value) in (pod.metadata.annotations ?? [:]).sorted(by: { $0.key < $1.key })
        where key.hasPrefix(PodSecurityStandard.appArmorAnnotationPrefix) {
            if value != "runtime/default" && !value.hasPrefix("localhost/") {
                let name = String(key.dropFirst(PodSecurityStandard.appArmorAnnotationPrefix.count))
                add(.appArmor, name, "\(key)=\"\(value)\"")
            }
        }
        if !restricted {
            if spec.securityContext?.seccompProfile?.type == "Unconfined" {
                add(.seccompBaseline, nil, "pod must not set securityContext.seccompProfile.type to \"Unconfined\"")
            }
            for container in allContainers where container.securityContext?.seccompProfile?.type == "Unconfined" {
                add(.seccompBaseline, container.name,
                    "container \"\(container.name)\" must not set securityContext.seccompProfile.type to \"Unconfined\"")
            }
        }
    }

    // MARK: - Restricted

    mutating func checkRestricted() {
        for volume in spec.volumes ?? [] where volume.hostPath != nil {
            add(.restrictedVolumeTypes, nil, "volume \"\(volume.name)\" uses restricted volume type \"hostPath\"")
        }
        for container in allContainers where container.securityContext?.allowPrivilegeEscalation != false {
            add(.allowPrivilegeEscalation, container.name,
                "container \"\(container.name)\" must set securityContext.allowPrivilegeEscalation=false")
        }
        checkRunAsNonRoot()
        if spec.securityContext?.runAsUser == 0 { add(.runAsUser, nil, "pod must not set runAsUser=0") }
        for container in allContainers where container.securityContext?.runAsUser == 0 {
            add(.runAsUser, container.name, "container \"\(container.name)\" must not set runAsUser=0")
        }
        checkSeccomp()
        for container in allContainers {
            let capabilities = container.securityContext?.capabilities
            if !(capabilities?.drop ?? []).contains("ALL") {
                add(.restrictedCapabilities, container.name,
                    "container \"\(container.name)\" must set securityContext.capabilities.drop=[\"ALL\"]")
            }
            for cap in capabilities?.add ?? [] where cap != "NET_BIND_SERVICE" {
                add(.restrictedCapabilities, container.name,
                    "container \"\(container.name)\" must not include \"\(cap)\" in securityContext.capabilities.add")
            }
        }
    }

    private mutating func checkRunAsNonRoot() {
        let podValue = spec.securityContext?.runAsNonRoot
        if podValue == false { add(.runAsNonRoot, nil, "pod must not set securityContext.runAsNonRoot=false") }
        for container in allContainers {
            switch container.securityContext?.runAsNonRoot {
            case false?:
                add(.runAsNonRoot, container.name,
                    "container \"\(container.name)\" must not set securityContext.runAsNonRoot=false")
            case nil where podValue != true:
                add(.runAsNonRoot, container.name,
                    "pod or container \"\(container.name)\" must set securityContext.runAsNonRoot=true")
            default:
                break
            }
        }
    }

    private mutating func checkSeccomp() {
        let allowed: Set<String> = ["RuntimeDefault", "Localhost"]
        let podType = spec.securityContext?.seccompProfile?.type
        if let podType, !allowed.contains(podType) {
            add(.seccompRestricted, nil, "pod must not set securityContext.seccompProfile.type to \"\(podType)\"")
        }
        for container in allContainers {
            switch container.securityContext?.seccompProfile?.type {
            case let type? where !allowed.contains(type):
                add(.seccompRestricted, container.name,
                    "container \"\(container.name)\" must not set securityContext.seccompProfile.type to \"\(type)\"")
            case nil where podType.map(allowed.contains) != true:
                add(.seccompRestricted, container.name,
                    "pod or container \"\(container.name)\" must set securityContext.seccompProfile.type to "
                        + "\"RuntimeDefault\" or \"Localhost\"")
            default:
                break
            }
        }
    }
}
