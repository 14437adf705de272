import Foundation

/// `core/v1` Pod: the fields sortiectl builds and reads.
public struct Pod: KubeResource, Equatable {
    public static let apiPath = "/api/v1"
    public static let resource = "pods"
    public static let kind = "Pod"
    public static let apiVersion = "v1"

    public var apiVersion: String? = Pod.apiVersion
    public var kind: String? = Pod.kind
    public var metadata: ObjectMeta
    public var spec: PodSpec?
    public var status: PodStatus?

    public init(metadata: ObjectMeta, spec: PodSpec? = nil, status: PodStatus? = nil) {
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }
}

/// A pod's metadata and status without its spec, for listings that never read the spec
/// (`sessions list`, `reap`): decoding skips the containers, probes, resources and volumes —
/// most of a session pod's bytes.
public struct PodMetadataAndStatus: KubeResource, Equatable {
    public static let apiPath = Pod.apiPath
    public static let resource = Pod.resource
    public static let kind = Pod.kind
    public static let apiVersion = Pod.apiVersion

    public var metadata: ObjectMeta
    public var status: PodStatus?
    /// Not decoded: the spec is half a session pod's JSON.
    public static var listOmissions: ListOmissions { ListOmissions(fields: ["spec"], metadataFields: ["managedFields"]) }

    public init(metadata: ObjectMeta, status: PodStatus? = nil) {
        self.metadata = metadata
        self.status = status
    }

    /// The same pod with no spec.
    public var pod: Pod { Pod(metadata: metadata, status: status) }
}

public struct PodSpec: Codable, Sendable, Equatable {
    public var initContainers: [Container]?
    public var containers: [Container]
    public var volumes: [Volume]?
    public var restartPolicy: String?
    public var terminationGracePeriodSeconds: Int64?
    public var activeDeadlineSeconds: Int64?
    public var nodeName: String?
    public var serviceAccountName: String?
    public var automountServiceAccountToken: Bool?
    public var enableServiceLinks: Bool?
    public var hostNetwork: Bool?
    public var hostPID: Bool?
    public var hostIPC: Bool?
    public var securityContext: PodSecurityContext?

    public init(containers: [Container]) {
        self.containers = containers
    }

    private enum CodingKeys: String, CodingKey {
        case initContainers, containers, volumes, restartPolicy, terminationGracePeriodSeconds, activeDeadlineSeconds
        case nodeName, serviceAccountName, automountServiceAccountToken, enableServiceLinks, hostNetwork, hostPID
        case hostIPC, securityContext
    }

    /// Watch bookmarks carry `"spec": {"containers": null}`; that decodes as no containers.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        initContainers = try c.decodeIfPresent([Container].self, forKey: .initContainers)
        containers = try c.decodeIfPresent([Container].self, forKey: .containers) ?? []
        volumes = try c.decodeIfPresent([Volume].self, forKey: .volumes)
        restartPolicy = try c.decodeIfPresent(String.self, forKey: .restartPolicy)
        terminationGracePeriodSeconds = try c.decodeIfPresent(Int64.self, forKey: .terminationGracePeriodSeconds)
        activeDeadlineSeconds = try c.decodeIfPresent(Int64.self, forKey: .activeDeadlineSeconds)
        nodeName = try c.decodeIfPresent(String.self, forKey: .nodeName)
        serviceAccountName = try c.decodeIfPresent(String.self, forKey: .serviceAccountName)
        automountServiceAccountToken = try c.decodeIfPresent(Bool.self, forKey: .automountServiceAccountToken)
        enableServiceLinks = try c.decodeIfPresent(Bool.self, forKey: .enableServiceLinks)
        hostNetwork = try c.decodeIfPresent(Bool.self, forKey: .hostNetwork)
        hostPID = try c.decodeIfPresent(Bool.self, forKey: .hostPID)
        hostIPC = try c.decodeIfPresent(Bool.self, forKey: .hostIPC)
        securityContext = try c.decodeIfPresent(PodSecurityContext.self, forKey: .securityContext)
    }
}

public struct Container: Codable, Sendable, Equatable {
    public var name: String
    public var image: String?
    public var command: [String]?
    public var args: [String]?
    public var env: [EnvVar]?
    public var ports: [ContainerPort]?
    public var resources: ResourceRequirements?
    public var volumeMounts: [VolumeMount]?
    public var readinessProbe: Probe?
    public var startupProbe: Probe?
    public var livenessProbe: Probe?
    public var lifecycle: Lifecycle?
    public var securityContext: SecurityContext?
    public var imagePullPolicy: String?
    /// `Always` on an init container makes it a native sidecar (Kubernetes ≥ 1.29).
    public var restartPolicy: String?

    public init(name: String, image: String?) {
        self.name = name
        self.image = image
    }
}

public struct EnvVar: Codable, Sendable, Equatable {
    public var name: String
    public var value: String?
    public init(name: String, value: String?) {
        self.name = name
        self.value = value
    }
}

public struct ContainerPort: Codable, Sendable, Equatable {
    public var name: String?
    public var containerPort: Int
    public var `protocol`: String?
    public var hostPort: Int?
    public init(name: String?, containerPort: Int, protocol: String? = "TCP") {
        self.name = name
        self.containerPort = containerPort
        self.protocol = `protocol`
    }
}

public struct ResourceRequirements: Codable, Sendable, Equatable {
    public var requests: [String: String]?
    public var limits: [String: String]?
    public init(requests: [String: String]?, limits: [String: String]?) {
        self.requests = requests
        self.limits = limits
    }
}

public struct VolumeMount: Codable, Sendable, Equatable {
    public var name: String
    public var mountPath: String
    public var readOnly: Bool?
    public init(name: String, mountPath: String, readOnly: Bool? = nil) {
        self.name = name
        self.mountPath = mountPath
        self.readOnly = readOnly
    }
}

public struct Volume: Codable, Sendable, Equatable {
    public var name: String
    public var emptyDir: EmptyDirVolumeSource?
    public var hostPath: HostPathVolumeSource?
    public init(name: String, emptyDir: EmptyDirVolumeSource?) {
        self.name = name
        self.emptyDir = emptyDir
    }
}

public struct EmptyDirVolumeSource: Codable, Sendable, Equatable {
    public var medium: String?
    public var sizeLimit: String?
    public init(medium: String? = nil, sizeLimit: String? = nil) {
        self.medium = medium
        self.sizeLimit = sizeLimit
    }
}

public struct HostPathVolumeSource: Codable, Sendable, Equatable {
    public var path: String
    public var type: String?
}

public struct Probe: Codable, Sendable, Equatable {
    public var tcpSocket: TCPSocketAction?
    public var exec: ExecAction?
    public var initialDelaySeconds: Int?
    public var periodSeconds: Int?
    public var timeoutSeconds: Int?
    public var failureThreshold: Int?
    public var successThreshold: Int?
    public init(tcpSocket: TCPSocketAction? = nil, exec: ExecAction? = nil) {
        self.tcpSocket = tcpSocket
        self.exec = exec
    }
}

public struct TCPSocketAction: Codable, Sendable, Equatable {
    public var port: Int
    public init(port: Int) { self.port = port }
}

public struct ExecAction: Codable, Sendable, Equatable {
    public var command: [String]
    public init(command: [String]) { self.command = command }
}

public struct Lifecycle: Codable, Sendable, Equatable {
    public var postStart: LifecycleHandler?
    public var preStop: LifecycleHandler?
    public init(postStart: LifecycleHandler? = nil, preStop: LifecycleHandler? = nil) {
        self.postStart = postStart
        self.preStop = preStop
    }
}

public struct LifecycleHandler: Codable, Sendable, Equatable {
    public var exec: ExecAction?
    public init(exec: ExecAction?) { self.exec = exec }
}

public struct SecurityContext: Codable, Sendable, Equatable {
    public var allowPrivilegeEscalation: Bool?
    public var privileged: Bool?
    public var readOnlyRootFilesystem: Bool?
    public var runAsNonRoot: Bool?
    public var runAsUser: Int64?
    public var runAsGroup: Int64?
    public var capabilities: Capabilities?
    public var seccompProfile: SeccompProfile?
    public init() {}
}

public struct Capabilities: Codable, Sendable, Equatable {
    public var add: [String]?
    public var drop: [String]?
    public init(add: [String]? = nil, drop: [String]?) {
        self.add = add
        self.drop = drop
    }
}

public struct SeccompProfile: Codable, Sendable, Equatable {
    public var type: String
    public var localhostProfile: String?
    public init(type: String) { self.type = type }
}

public struct PodSecurityContext: Codable, Sendable, Equatable {
    public var runAsNonRoot: Bool?
    public var runAsUser: Int64?
    public var runAsGroup: Int64?
    public var fsGroup: Int64?
    public var seccompProfile: SeccompProfile?
    public init() {}
}

public struct PodStatus: Codable, Sendable, Equatable {
    public var phase: String?
    public var conditions: [PodCondition]?
    public var message: String?
    public var reason: String?
    public var hostIP: String?
    public var podIP: String?
    public var startTime: String?
    public var qosClass: String?
    public var initContainerStatuses: [ContainerStatus]?
    public var containerStatuses: [ContainerStatus]?
    public init(phase: String? = nil) { self.phase = phase }
}

public struct PodCondition: Codable, Sendable, Equatable {
    public var type: String
    public var status: String
    public var reason: String?
    public var message: String?
    public var lastTransitionTime: String?
}

public struct ContainerStatus: Codable, Sendable, Equatable {
    public var name: String
    public var ready: Bool?
    public var started: Bool?
    public var restartCount: Int?
    public var image: String?
    public var imageID: String?
    public var containerID: String?
    public var state: ContainerState?
    public var lastState: ContainerState?
}

public struct ContainerState: Codable, Sendable, Equatable {
    public var waiting: Waiting?
    public var running: Running?
    public var terminated: Terminated?

    public struct Waiting: Codable, Sendable, Equatable {
        public var reason: String?
        public var message: String?
    }
    public struct Running: Codable, Sendable, Equatable {
        public var startedAt: String?
    }
    public struct Terminated: Codable, Sendable, Equatable {
        public var exitCode: Int?
        public var reason: String?
        public var message: String?
        public var startedAt: String?
        public var finishedAt: String?
    }
}

extension Pod {
    /// The pod's condition of the given type (`Ready`, `PodScheduled`, …), if reported.
    public func condition(_ type: String) -> PodCondition? {
        status?.conditions?.first { $0.type == type }
    }

    /// Whether the kubelet reports the pod Ready.
    public var isReady: Bool { condition("Ready")?.status == "True" }
}
