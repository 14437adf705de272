import Foundation

/// `core/v1` Event.
public struct KubeEvent: KubeResource, Equatable {
    public static let apiPath = "/api/v1"
    public static let resource = "events"
    public static let kind = "Event"
    public static let apiVersion = "v1"

    public var metadata: ObjectMeta
    public var involvedObject: ObjectReference?
    public var reason: String?
    public var message: String?
    public var type: String?
    public var count: Int?
    public var firstTimestamp: String?
    public var lastTimestamp: String?
    public var eventTime: String?
    public var source: EventSource?

    public struct ObjectReference: Codable, Sendable, Equatable {
        public var kind: String?
        public var namespace: String?
        public var name: String?
        public var uid: String?
        public var fieldPath: String?
    }
    public struct EventSource: Codable, Sendable, Equatable {
        public var component: String?
        public var host: String?
    }
}

/// `core/v1` ResourceQuota.
public struct ResourceQuota: KubeResource, Equatable {
    public static let apiPath = "/api/v1"
    public static let resource = "resourcequotas"
    public static let kind = "ResourceQuota"
    public static let apiVersion = "v1"

    public var apiVersion: String? = ResourceQuota.apiVersion
    public var kind: String? = ResourceQuota.kind
    public var metadata: ObjectMeta
    public var spec: Spec?
    public var status: Status?

    public struct Spec: Codable, Sendable, Equatable {
        public var hard: [String: String]?
        public init(hard: [String: String]?) { self.hard = hard }
    }
    public struct Status: Codable, Sendable, Equatable {
        public var hard: [String: String]?
        public var used: [String: String]?
    }

    public init(metadata: ObjectMeta, hard: [String: String]) {
        self.metadata = metadata
        self.spec = Spec(hard: hard)
    }
}

/// `core/v1` Namespace.
public struct Namespace: KubeResource, Equatable {
    public static let apiPath = "/api/v1"
    public static let resource = "namespaces"
    public static let kind = "Namespace"
    public static let apiVersion = "v1"
    public var metadata: ObjectMeta
    public var status: Status?
    public struct Status: Codable, Sendable, Equatable { public var phase: String? }
}

/// `coordination.k8s.io/v1` Lease, for leader election.
public struct Lease: KubeResource, Equatable {
    public static let apiPath = "/apis/coordination.k8s.io/v1"
    public static let resource = "leases"
    public static let kind = "Lease"
    public static let apiVersion = "coordination.k8s.io/v1"

    public var apiVersion: String? = Lease.apiVersion
    public var kind: String? = Lease.kind
    public var metadata: ObjectMeta
    public var spec: Spec?

    public struct Spec: Codable, Sendable, Equatable {
        public var holderIdentity: String?
        public var leaseDurationSeconds: Int?
        public var acquireTime: String?
        public var renewTime: String?
        public var leaseTransitions: Int?
        public init(holderIdentity: String?, leaseDurationSeconds: Int?, acquireTime: String? = nil,
                    renewTime: String? = nil, leaseTransitions: Int? = nil) {
            self.holderIdentity = holderIdentity
            self.leaseDurationSeconds = leaseDurationSeconds
            self.acquireTime = acquireTime
            self.renewTime = renewTime
            self.leaseTransitions = leaseTransitions
        }
    }

    public init(metadata: ObjectMeta, spec: Spec?) {
        self.metadata = metadata
        self.spec = spec
    }
}
