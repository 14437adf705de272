import Foundation

/// `metav1.ObjectMeta`: the fields sortiectl reads or writes. Unknown fields are ignored on decode.
public struct ObjectMeta: Codable, Sendable, Equatable {
    public var name: String?
    public var generateName: String?
    public var namespace: String?
    public var uid: String?
    public var resourceVersion: String?
    public var generation: Int64?
    public var creationTimestamp: String?
    public var deletionTimestamp: String?
    public var deletionGracePeriodSeconds: Int64?
    public var labels: [String: String]?
    public var annotations: [String: String]?
    public var finalizers: [String]?
    public var ownerReferences: [OwnerReference]?

    public init(
        name: String? = nil, generateName: String? = nil, namespace: String? = nil,
        labels: [String: String]? = nil, annotations: [String: String]? = nil
    ) {
        self.name = name
        self.generateName = generateName
        self.namespace = namespace
        self.labels = labels
        self.annotations = annotations
    }
}

public struct OwnerReference: Codable, Sendable, Equatable {
    public var apiVersion: String
    public var kind: String
    public var name: String
    public var uid: String
    public var controller: Bool?
}

/// `metav1.ListMeta`.
public struct ListMeta: Codable, Sendable, Equatable {
    public var resourceVersion: String?
    public var `continue`: String?
    public var remainingItemCount: Int64?
    public init(resourceVersion: String? = nil, continue: String? = nil) {
        self.resourceVersion = resourceVersion
        self.continue = `continue`
    }
}

/// A Kubernetes list (`PodList`, `EventList`, …).
public struct KubeList<Item: Codable & Sendable>: Codable, Sendable {
    public var kind: String?
    public var apiVersion: String?
    public var metadata: ListMeta
    public var items: [Item]

    public init(metadata: ListMeta = ListMeta(), items: [Item]) {
        self.metadata = metadata
        self.items = items
    }

    private enum CodingKeys: String, CodingKey { case kind, apiVersion, metadata, items }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        kind = try c.decodeIfPresent(String.self, forKey: .kind)
        apiVersion = try c.decodeIfPresent(String.self, forKey: .apiVersion)
        metadata = try c.decodeIfPresent(ListMeta.self, forKey: .metadata) ?? ListMeta()
        // The API server sends `"items": null` for an empty list in some versions.
        items = try c.decodeIfPresent([Item].self, forKey: .items) ?? []
    }
}

/// A resource kind that lives at a known API path.
public protocol KubeResource: Codable, Sendable {
    /// The API group/version path prefix, e.g. `/api/v1` or `/apis/coordination.k8s.io/v1`.
    static var apiPath: String { get }
    /// The plural resource name, e.g. `pods`.
    static var resource: String { get }
    static var kind: String { get }
    static var apiVersion: String { get }
    var metadata: ObjectMeta { get set }
    /// Fields of this kind's JSON that decoding never reads, skipped when large lists are decoded.
    static var listOmissions: ListOmissions { get }
    /// One object read straight from its JSON, faster than JSONDecoder, or nil to have JSONDecoder
    /// decode it: the default, and the answer whenever the bytes are not the plain JSON a reader
    /// handles (``JSONReader``). Large list pages use it for every item.
    static func decodeDirectly(_ json: UnsafeBufferPointer<UInt8>) -> Self?
}

extension KubeResource {
    /// `metadata.managedFields` (server-side apply bookkeeping, often half an object's JSON):
    /// ``ObjectMeta`` does not model it.
    public static var listOmissions: ListOmissions { ListOmissions(metadataFields: ["managedFields"]) }

    public static func decodeDirectly(_ json: UnsafeBufferPointer<UInt8>) -> Self? { nil }
}
