import Foundation
import Testing
@testable import SortieKit

@Suite("Session pod template")
struct PodTemplateBuilderTests {
    /// Set SORTIE_UPDATE_GOLDEN=1 to rewrite the golden files after an intended change, then review the diff.
    static let updateGoldens = ProcessInfo.processInfo.environment["SORTIE_UPDATE_GOLDEN"] == "1"

    @Test("the pod matches its golden JSON", arguments: [
        ("xterm", SessionSettings.SidecarMode.native, "pod-native-xterm.json"),
        ("xterm", .poststart, "pod-poststart-xterm.json"),
        ("vscode", .native, "pod-native-defaults.json"),
    ])
    func golden(appID: String, mode: SessionSettings.SidecarMode, file: String) throws {
        let app = appID == "xterm" ? SessionFixtures.xterm : SessionFixtures.vscode
        let actual = try SessionFixtures.json(SessionFixtures.pod(app, mode: mode))
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Golden").appendingPathComponent(file)
        if Self.updateGoldens { try actual.write(to: url, atomically: true, encoding: .utf8) }
        let expected = try String(contentsOf: url, encoding: .utf8)
        #expect(actual == expected)
    }

    @Test("name, labels and annotations")
    func metadata() throws {
        let pod = try SessionFixtures.pod()
        #expect(pod.metadata.name == "sortie-session-85c232e5-5de7-4413-8a16-d28bd6ba5436")
        #expect(pod.metadata.namespace == "sortie")
        #expect(pod.metadata.labels == [
            "app.kubernetes.io/managed-by": "sortie",
            "app.kubernetes.io/name": "sortie-session",
            "app.kubernetes.io/component": "session",
            "sortie.io/session-id": "85c232e5-5de7-4413-8a16-d28bd6ba5436",
            "sortie.io/app-id": "xterm",
            "sortie.io/user-id": "alice-example.com.ff8d9819fc0e",
        ])
        #expect(pod.metadata.annotations == [
            "sortie.io/user-id": "alice@example.com",
            "sortie.io/app-name": "XTerm",
            "sortie.io/created-at": "2024-01-15T10:30:00Z",
        ])
        #expect(pod.metadata.labels?.values.allSatisfy(NameRules.isLabelValue) == true)
    }

    @Test("native mode: the sidecar is an always-restarting init container gated by a startup probe")
    func nativeSidecar() throws {
        let spec = try #require(try SessionFixtures.pod(mode: .native).spec)
        let sidecar = try #require(spec.initContainers?.first)
        #expect(spec.initContainers?.count == 1)
        #expect(sidecar.name == "vnc-sidecar")
        #expect(sidecar.restartPolicy == "Always")
        #expect(sidecar.startupProbe?.tcpSocket?.port == 5900)
        #expect(sidecar.startupProbe?.periodSeconds == 1)
        #expect(sidecar.startupProbe?.failureThreshold == 60)
        #expect(sidecar.lifecycle == nil)
        #expect(spec.containers.map(\.name) == ["app"])
    }

    @Test("poststart mode: the sidecar comes first and its hook waits for the X socket")
    func postStartSidecar() throws {
        let spec = try #require(try SessionFixtures.pod(mode: .poststart).spec)
        #expect(spec.initContainers == nil)
        #expect(spec.containers.map(\.name) == ["vnc-sidecar", "app"])
        let sidecar = spec.containers[0]
        #expect(sidecar.restartPolicy == nil)
        #expect(sidecar.startupProbe == nil)
        #expect(sidecar.lifecycle?.postStart?.exec?.command == [
            "sh", "-c", "for i in $(seq 1 300); do [ -S /tmp/.X11-unix/X99 ] && exit 0; sleep 0.1; done; exit 1",
        ])
    }

    @Test("both containers share the X11 socket and display; the app gets /dev/shm", arguments: [
        SessionSettings.SidecarMode.native, .poststart,
    ])
    func sharedDisplay(mode: SessionSettings.SidecarMode) throws {
        let spec = try #require(try SessionFixtures.pod(mode: mode).spec)
        let all = (spec.initContainers ?? []) + spec.containers
        let app = try #require(all.first { $0.name == "app" })
        let sidecar = try #require(all.first { $0.name == "vnc-sidecar" })
        for container in [app, sidecar] {
            #expect(container.volumeMounts?.contains(VolumeMount(name: "x11", mountPath: "/tmp/.X11-unix")) == true)
            #expect(container.env?.contains(EnvVar(name: "DISPLAY", value: ":99")) == true)
        }
        #expect(app.volumeMounts?.contains(VolumeMount(name: "dshm", mountPath: "/dev/shm")) == true)
        #expect(spec.volumes == [
            Volume(name: "x11", emptyDir: EmptyDirVolumeSource()),
            Volume(name: "dshm", emptyDir: EmptyDirVolumeSource(medium: "Memory", sizeLimit: "256Mi")),
        ])
        #expect(sidecar.ports?.map(\.containerPort) == [5900, 6080])
        #expect(sidecar.readinessProbe?.tcpSocket?.port == 6080)
        #expect(sidecar.readinessProbe?.periodSeconds == 2)
    }

    @Test("per-app limits and catalog defaults")
    func resources() throws {
        let custom = try #require(try SessionFixtures.pod(SessionFixtures.xterm).spec?.containers.last?.resources)
        #expect(custom == ResourceRequirements(requests: ["cpu": "50m", "memory": "32Mi"],
                                               limits: ["cpu": "500m", "memory": "128Mi"]))
        let defaults = try #require(try SessionFixtures.pod(SessionFixtures.vscode).spec?.containers.last?.resources)
        #expect(defaults == ResourceRequirements(requests: ["cpu": "500m", "memory": "512Mi"],
                                                 limits: ["cpu": "2", "memory": "2Gi"]))
    }

    @Test("pod-level hardening")
    func hardening() throws {
        let spec = try #require(try SessionFixtures.pod().spec)
        #expect(spec.restartPolicy == "Never")
        #expect(spec.terminationGracePeriodSeconds == 10)
        #expect(spec.automountServiceAccountToken == false)
        #expect(spec.enableServiceLinks == false)
        #expect(spec.securityContext?.runAsNonRoot == true)
        #expect(spec.securityContext?.runAsUser == 1000)
        #expect(spec.securityContext?.runAsGroup == 1000)
        #expect(spec.securityContext?.fsGroup == 1000)
        #expect(spec.securityContext?.seccompProfile?.type == "RuntimeDefault")
        for container in (spec.initContainers ?? []) + spec.containers {
            #expect(container.securityContext?.allowPrivilegeEscalation == false)
            #expect(container.securityContext?.capabilities?.drop == ["ALL"])
            #expect(container.securityContext?.runAsNonRoot == true)
        }
    }

    @Test("refusals: empty user id, url apps, container apps without an image")
    func refusals() {
        let builder = PodTemplateBuilder(settings: SessionSettings())
        let id = SessionFixtures.sessionID
        let now = SessionFixtures.now
        #expect(throws: PodTemplateError.emptyUserID) {
            try builder.pod(for: SessionFixtures.xterm, sessionID: id, userID: "", now: now)
        }
        let docs = AppDefinition(id: "docs", name: "Docs", url: "https://d", launchType: .url)
        #expect(throws: PodTemplateError.notSessionCapable(appID: "docs", url: "https://d")) {
            try builder.pod(for: docs, sessionID: id, userID: "u", now: now)
        }
        let broken = AppDefinition(id: "broken", name: "Broken", launchType: .container)
        #expect(throws: PodTemplateError.missingImage(appID: "broken")) {
            try builder.pod(for: broken, sessionID: id, userID: "u", now: now)
        }
    }

    @Test("the built pod round-trips through JSON")
    func roundTrip() throws {
        let pod = try SessionFixtures.pod()
        let decoded = try JSONDecoder().decode(Pod.self, from: Data(try SessionFixtures.json(pod).utf8))
        #expect(decoded == pod)
    }
}
