import Foundation

/// Builds the session pod: the app container plus a VNC sidecar (Xvfb, x11vnc, websockify)
/// sharing an X11 socket directory, hardened to pass the **restricted** Pod Security Standard.
///
/// Nothing else orders the app after the X server, and an app that starts first exits with
/// "can't open display" (ending the session, as `restartPolicy` is `Never`). So the sidecar is
/// made to be up first: in ``SessionSettings/SidecarMode/native`` mode it is a native sidecar
/// (an init container with `restartPolicy: Always` whose startup probe must pass before the kubelet
/// starts `app`); in ``SessionSettings/SidecarMode/poststart`` mode it is the first container, and
/// its `postStart` hook, which the kubelet waits for before starting the next container, polls for
/// the X socket.
public struct PodTemplateBuilder: Sendable {
    /// The X display both containers use.
    public static let display = ":99"
    public static let vncPort = 5900
    public static let websockifyPort = 6080
    public static let appContainerName = "app"
    public static let sidecarContainerName = "vnc-sidecar"
    /// UID and GID the pod runs as (the seed requires images to work as UID 1000).
    public static let userID: Int64 = 1000
    /// The postStart hook's wait for the X socket: up to 30 s.
    public static let waitForXSocket =
        "for i in $(seq 1 300); do [ -S /tmp/.X11-unix/X99 ] && exit 0; sleep 0.1; done; exit 1"

    public var settings: SessionSettings

    public init(settings: SessionSettings) {
        self.settings = settings
    }

    /// The pod for one session.
    /// - Parameters:
    ///   - app: a container app from the catalog; its resources (or the defaults) go on `app`.
    ///   - sessionID: names the pod (`sortie-session-<uuid>`) and labels it.
    ///   - userID: the raw user id, kept in an annotation and encoded into a label.
    ///   - now: the creation time written to `sortie.io/created-at`.
    /// - Throws: ``PodTemplateError`` for an empty user id or an app that is not a container app.
    public func pod(for app: AppDefinition, sessionID: UUID, userID: String, now: Date) throws(PodTemplateError) -> Pod {
        guard !userID.isEmpty else { throw .emptyUserID }
        guard app.launchType == .container else { throw .notSessionCapable(appID: app.id, url: app.url) }
        guard let image = app.containerImage, !image.isEmpty else { throw .missingImage(appID: app.id) }
        let encodedUser: String
        do {
            encodedUser = try SessionLabels.encodeUserID(userID)
        } catch {
            throw .emptyUserID
        }

        let metadata = ObjectMeta(
            name: SessionLabels.podName(for: sessionID),
            namespace: settings.namespace,
            labels: [
                SessionLabels.managedBy: SessionLabels.managedByValue,
                SessionLabels.name: SessionLabels.nameValue,
                SessionLabels.component: SessionLabels.componentValue,
                SessionLabels.sessionID: sessionID.uuidString.lowercased(),
                SessionLabels.appID: app.id,
                SessionLabels.userID: encodedUser,
            ],
            annotations: [
                SessionLabels.Annotations.userID: userID,
                SessionLabels.Annotations.appName: app.name,
                SessionLabels.Annotations.createdAt: RFC3339.string(from: now),
            ])

        var spec: PodSpec
        var sidecar = sidecarContainer()
        switch settings.sidecarMode {
        case .native:
            sidecar.restartPolicy = "Always"
            var startup = Probe(tcpSocket: TCPSocketAction(port: Self.vncPort))
            startup.periodSeconds = 1
            startup.failureThreshold = 60
            sidecar.startupProbe = startup
            spec = PodSpec(containers: [appContainer(app, image: image)])
            spec.initContainers = [sidecar]
        case .poststart:
            sidecar.lifecycle = Lifecycle(postStart: LifecycleHandler(exec: ExecAction(
                command: ["sh", "-c", Self.waitForXSocket])))
            spec = PodSpec(containers: [sidecar, appContainer(app, image: image)])
        }
        spec.volumes = [
            Volume(name: "x11", emptyDir: EmptyDirVolumeSource()),
            Volume(name: "dshm", emptyDir: EmptyDirVolumeSource(medium: "Memory", sizeLimit: "256Mi")),
        ]
        spec.restartPolicy = "Never"
        spec.terminationGracePeriodSeconds = 10
        spec.automountServiceAccountToken = false
        spec.enableServiceLinks = false
        spec.securityContext = podSecurityContext()
        return Pod(metadata: metadata, spec: spec)
    }

    private func appContainer(_ app: AppDefinition, image: String) -> Container {
        let resources = app.resources
        var container = Container(name: Self.appContainerName, image: image)
        container.imagePullPolicy = "IfNotPresent"
        container.env = [EnvVar(name: "DISPLAY", value: Self.display)]
        container.resources = ResourceRequirements(
            requests: ["cpu": resources.cpuRequest.description, "memory": resources.memoryRequest.description],
            limits: ["cpu": resources.cpuLimit.description, "memory": resources.memoryLimit.description])
        container.volumeMounts = [
            VolumeMount(name: "x11", mountPath: "/tmp/.X11-unix"),
            VolumeMount(name: "dshm", mountPath: "/dev/shm"),
        ]
        container.securityContext = containerSecurityContext()
        return container
    }

    private func sidecarContainer() -> Container {
        var container = Container(name: Self.sidecarContainerName, image: settings.vncSidecarImage)
        container.imagePullPolicy = "IfNotPresent"
        container.ports = [
            ContainerPort(name: "vnc", containerPort: Self.vncPort),
            ContainerPort(name: "websockify", containerPort: Self.websockifyPort),
        ]
        container.env = [
            EnvVar(name: "DISPLAY", value: Self.display),
            EnvVar(name: "VNC_PORT", value: String(Self.vncPort)),
            EnvVar(name: "WEBSOCKIFY_PORT", value: String(Self.websockifyPort)),
        ]
        container.resources = ResourceRequirements(
            requests: ["cpu": "100m", "memory": "128Mi"],
            limits: ["cpu": "500m", "memory": "256Mi"])
        container.volumeMounts = [VolumeMount(name: "x11", mountPath: "/tmp/.X11-unix")]
        var readiness = Probe(tcpSocket: TCPSocketAction(port: Self.websockifyPort))
        readiness.periodSeconds = 2
        container.readinessProbe = readiness
        container.securityContext = containerSecurityContext()
        return container
    }

    private func containerSecurityContext() -> SecurityContext {
        var context = SecurityContext()
        context.allowPrivilegeEscalation = false
        context.capabilities = Capabilities(drop: ["ALL"])
        context.runAsNonRoot = true
        return context
    }

    private func podSecurityContext() -> PodSecurityContext {
        var context = PodSecurityContext()
        context.runAsNonRoot = true
        context.runAsUser = Self.userID
        context.runAsGroup = Self.userID
        context.fsGroup = Self.userID
        context.seccompProfile = SeccompProfile(type: "RuntimeDefault")
        return context
    }
}
