import Foundation
import Testing
@testable import SortieKit

/// One way to break the policy, and exactly what the checker must report.
struct PodMutation: Sendable, CustomTestStringConvertible {
    var name: String
    var level: PodSecurityStandard.Level = .restricted
    var mutate: @Sendable (inout PodSpec, inout ObjectMeta) -> Void
    var expected: [PodSecurityViolation]
    var testDescription: String { name }
}

/// Edits the container named `name`, wherever it is (the native sidecar is an init container).
func editContainer(_ spec: inout PodSpec, _ name: String, _ edit: (inout Container) -> Void) {
    if let i = spec.containers.firstIndex(where: { $0.name == name }) { edit(&spec.containers[i]) }
    if let i = spec.initContainers?.firstIndex(where: { $0.name == name }) { edit(&spec.initContainers![i]) }
}

func editSecurity(_ spec: inout PodSpec, _ name: String, _ edit: (inout SecurityContext) -> Void) {
    editContainer(&spec, name) { container in
        var context = container.securityContext ?? SecurityContext()
        edit(&context)
        container.securityContext = context
    }
}

@Suite("Restricted Pod Security Standard")
struct PodSecurityStandardTests {
    typealias V = PodSecurityViolation

    static let mutations: [PodMutation] = [
        PodMutation(name: "hostNetwork + hostPID + hostIPC", mutate: { spec, _ in
            spec.hostNetwork = true; spec.hostPID = true; spec.hostIPC = true
        }, expected: [V(rule: .hostNamespaces, container: nil, detail: "hostNetwork=true, hostPID=true, hostIPC=true")]),
        PodMutation(name: "hostIPC alone", mutate: { spec, _ in spec.hostIPC = true },
                    expected: [V(rule: .hostNamespaces, container: nil, detail: "hostIPC=true")]),
        PodMutation(name: "privileged app", mutate: { spec, _ in editSecurity(&spec, "app") { $0.privileged = true } },
                    expected: [V(rule: .privileged, container: "app",
                                 detail: #"container "app" must not set securityContext.privileged=true"#)]),
        PodMutation(name: "privileged sidecar (init container in native mode)", mutate: { spec, _ in
            editSecurity(&spec, "vnc-sidecar") { $0.privileged = true }
        }, expected: [V(rule: .privileged, container: "vnc-sidecar",
                        detail: #"container "vnc-sidecar" must not set securityContext.privileged=true"#)]),
        PodMutation(name: "restricted: hostPath volume", mutate: { spec, _ in
            var volume = Volume(name: "host", emptyDir: nil)
            volume.hostPath = try! JSONDecoderHelper.hostPath("/var/run")
            spec.volumes?.append(volume)
        }, expected: [V(rule: .restrictedVolumeTypes, container: nil,
                        detail: #"volume "host" uses restricted volume type "hostPath""#)]),
        PodMutation(name: "baseline: hostPath volume", level: .baseline, mutate: { spec, _ in
            var volume = Volume(name: "host", emptyDir: nil)
            volume.hostPath = try! JSONDecoderHelper.hostPath("/var/run")
            spec.volumes?.append(volume)
        }, expected: [V(rule: .hostPathVolumes, container: nil, detail: #"volume "host""#)]),
        PodMutation(name: "hostPort", mutate: { spec, _ in
            editContainer(&spec, "vnc-sidecar") { $0.ports?[0].hostPort = 5900 }
        }, expected: [V(rule: .hostPorts, container: "vnc-sidecar", detail: #"container "vnc-sidecar" uses hostPort 5900"#)]),
        PodMutation(name: "hostPort 0 is not a host port", mutate: { spec, _ in
            editContainer(&spec, "vnc-sidecar") { $0.ports?[0].hostPort = 0 }
        }, expected: []),
        PodMutation(name: "AppArmor unconfined", mutate: { _, meta in
            meta.annotations?["container.apparmor.security.beta.kubernetes.io/app"] = "unconfined"
        }, expected: [V(rule: .appArmor, container: "app",
                        detail: #"container.apparmor.security.beta.kubernetes.io/app="unconfined""#)]),
        PodMutation(name: "AppArmor runtime/default and localhost/ are fine", mutate: { _, meta in
            meta.annotations?["container.apparmor.security.beta.kubernetes.io/app"] = "runtime/default"
            meta.annotations?["container.apparmor.security.beta.kubernetes.io/vnc-sidecar"] = "localhost/vnc"
        }, expected: []),
        PodMutation(name: "allowPrivilegeEscalation unset", mutate: { spec, _ in
            editSecurity(&spec, "app") { $0.allowPrivilegeEscalation = nil }
        }, expected: [V(rule: .allowPrivilegeEscalation, container: "app",
                        detail: #"container "app" must set securityContext.allowPrivilegeEscalation=false"#)]),
        PodMutation(name: "allowPrivilegeEscalation true on the sidecar", mutate: { spec, _ in
            editSecurity(&spec, "vnc-sidecar") { $0.allowPrivilegeEscalation = true }
        }, expected: [V(rule: .allowPrivilegeEscalation, container: "vnc-sidecar",
                        detail: #"container "vnc-sidecar" must set securityContext.allowPrivilegeEscalation=false"#)]),
        PodMutation(name: "runAsNonRoot=false on the pod", mutate: { spec, _ in spec.securityContext?.runAsNonRoot = false },
                    expected: [V(rule: .runAsNonRoot, container: nil,
                                 detail: "pod must not set securityContext.runAsNonRoot=false")]),
        PodMutation(name: "runAsNonRoot=false on a container", mutate: { spec, _ in
            editSecurity(&spec, "app") { $0.runAsNonRoot = false }
        }, expected: [V(rule: .runAsNonRoot, container: "app",
                        detail: #"container "app" must not set securityContext.runAsNonRoot=false"#)]),
        PodMutation(name: "runAsNonRoot unset on pod and app", mutate: { spec, _ in
            spec.securityContext?.runAsNonRoot = nil
            editSecurity(&spec, "app") { $0.runAsNonRoot = nil }
        }, expected: [V(rule: .runAsNonRoot, container: "app",
                        detail: #"pod or container "app" must set securityContext.runAsNonRoot=true"#)]),
        PodMutation(name: "runAsNonRoot on the pod alone is enough", mutate: { spec, _ in
            editSecurity(&spec, "app") { $0.runAsNonRoot = nil }
            editSecurity(&spec, "vnc-sidecar") { $0.runAsNonRoot = nil }
        }, expected: []),
        PodMutation(name: "runAsUser=0 on the pod", mutate: { spec, _ in spec.securityContext?.runAsUser = 0 },
                    expected: [V(rule: .runAsUser, container: nil, detail: "pod must not set runAsUser=0")]),
        PodMutation(name: "runAsUser=0 on the sidecar", mutate: { spec, _ in
            editSecurity(&spec, "vnc-sidecar") { $0.runAsUser = 0 }
        }, expected: [V(rule: .runAsUser, container: "vnc-sidecar",
                        detail: #"container "vnc-sidecar" must not set runAsUser=0"#)]),
        PodMutation(name: "seccomp Unconfined on the pod", mutate: { spec, _ in
            spec.securityContext?.seccompProfile = SeccompProfile(type: "Unconfined")
        }, expected: [
            V(rule: .seccompRestricted, container: nil,
              detail: #"pod must not set securityContext.seccompProfile.type to "Unconfined""#),
            V(rule: .seccompRestricted, container: "vnc-sidecar",
              detail: #"pod or container "vnc-sidecar" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost""#),
            V(rule: .seccompRestricted, container: "app",
              detail: #"pod or container "app" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost""#),
        ]),
        PodMutation(name: "seccomp unset everywhere", mutate: { spec, _ in spec.securityContext?.seccompProfile = nil },
                    expected: ["vnc-sidecar", "app"].map { (name: String) in
            V(rule: .seccompRestricted, container: name,
              detail: #"pod or container "\#(name)" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost""#)
        }),
        PodMutation(name: "seccomp unset on the pod but Localhost on every container", mutate: { spec, _ in
            spec.securityContext?.seccompProfile = nil
            editSecurity(&spec, "app") { $0.seccompProfile = SeccompProfile(type: "Localhost") }
            editSecurity(&spec, "vnc-sidecar") { $0.seccompProfile = SeccompProfile(type: "RuntimeDefault") }
        }, expected: []),
        PodMutation(name: "seccomp Unconfined on a container", mutate: { spec, _ in
            editSecurity(&spec, "app") { $0.seccompProfile = SeccompProfile(type: "Unconfined") }
        }, expected: [V(rule: .seccompRestricted, container: "app",
                        detail: #"container "app" must not set securityContext.seccompProfile.type to "Unconfined""#)]),
        PodMutation(name: "baseline: seccomp Unconfined", level: .baseline, mutate: { spec, _ in
            spec.securityContext?.seccompProfile = SeccompProfile(type: "Unconfined")
        }, expected: [V(rule: .seccompBaseline, container: nil,
                        detail: #"pod must not set securityContext.seccompProfile.type to "Unconfined""#)]),
        PodMutation(name: "capabilities not dropped", mutate: { spec, _ in
            editSecurity(&spec, "app") { $0.capabilities = nil }
        }, expected: [V(rule: .restrictedCapabilities, container: "app",
                        detail: #"container "app" must set securityContext.capabilities.drop=["ALL"]"#)]),
        PodMutation(name: "capability added", mutate: { spec, _ in
            editSecurity(&spec, "vnc-sidecar") { $0.capabilities?.add = ["NET_BIND_SERVICE", "SYS_ADMIN"] }
        }, expected: [V(rule: .restrictedCapabilities, container: "vnc-sidecar",
                        detail: #"container "vnc-sidecar" must not include "SYS_ADMIN" in securityContext.capabilities.add"#)]),
        PodMutation(name: "baseline: only non-default capabilities count", level: .baseline, mutate: { spec, _ in
            editSecurity(&spec, "app") { $0.capabilities = Capabilities(add: ["CHOWN", "NET_ADMIN"], drop: nil) }
        }, expected: [V(rule: .baselineCapabilities, container: "app",
                        detail: #"container "app" must not include "NET_ADMIN" in securityContext.capabilities.add"#)]),
    ]

    @Test("the generated pod passes", arguments: [SessionSettings.SidecarMode.native, .poststart])
    func generatedPodPasses(mode: SessionSettings.SidecarMode) throws {
        let pod = try SessionFixtures.pod(mode: mode)
        #expect(PodSecurityStandard.violations(of: pod).isEmpty)
        #expect(PodSecurityStandard.violations(of: pod, level: .baseline).isEmpty)
        #expect(PodSecurityStandard.summary([]) == nil)
    }

    @Test("each broken rule is reported exactly", arguments: mutations)
    func brokenRule(mutation: PodMutation) throws {
        var pod = try SessionFixtures.pod(mode: .native)
        var spec = try #require(pod.spec)
        mutation.mutate(&spec, &pod.metadata)
        pod.spec = spec
        #expect(PodSecurityStandard.violations(of: pod, level: mutation.level) == mutation.expected)
    }

    @Test("poststart mode is checked the same way", arguments: mutations.filter { $0.expected.count == 1 })
    func brokenRulePostStart(mutation: PodMutation) throws {
        var pod = try SessionFixtures.pod(mode: .poststart)
        var spec = try #require(pod.spec)
        mutation.mutate(&spec, &pod.metadata)
        pod.spec = spec
        #expect(PodSecurityStandard.violations(of: pod, level: mutation.level).map(\.rule)
            == mutation.expected.map(\.rule))
    }

    @Test("every rule is covered by a mutation")
    func coverage() {
        let covered = Set(Self.mutations.flatMap { $0.expected.map(\.rule) })
        #expect(covered == Set(PodSecurityViolation.Rule.allCases))
    }

    @Test("messages read like the admission's")
    func messages() throws {
        var pod = try SessionFixtures.pod()
        editSecurity(&pod.spec!, "app") { $0.allowPrivilegeEscalation = nil }
        pod.spec?.hostNetwork = true
        let violations = PodSecurityStandard.violations(of: pod)
        #expect(violations.map(\.description) == [
            "host namespaces (hostNetwork=true)",
            #"allowPrivilegeEscalation != false (container "app" must set securityContext.allowPrivilegeEscalation=false)"#,
        ])
        #expect(PodSecurityStandard.summary(violations) == #"violates PodSecurity "restricted:latest": host namespaces (hostNetwork=true), allowPrivilegeEscalation != false (container "app" must set securityContext.allowPrivilegeEscalation=false)"#)
    }
}

/// `HostPathVolumeSource` has no public memberwise initialiser in the model; build one by decoding.
enum JSONDecoderHelper {
    static func hostPath(_ path: String) throws -> HostPathVolumeSource {
        try JSONDecoder().decode(HostPathVolumeSource.self, from: Data(#"{"path":"\#(path)"}"#.utf8))
    }
}
