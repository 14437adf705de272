/// An app's `resource_limits` object: CPU and memory requests and limits, each optional.
public struct ResourceLimits: Sendable, Equatable, Encodable {
    /// Default CPU request when the catalog gives none: `500m`.
    public static let defaultCPURequest = Quantity(nanoValue: 500_000_000)
    /// Default CPU limit when the catalog gives none: `2`.
    public static let defaultCPULimit = Quantity(nanoValue: 2_000_000_000)
    /// Default memory request when the catalog gives none: `512Mi`.
    public static let defaultMemoryRequest = Quantity(nanoValue: 512 * 1024 * 1024 * 1_000_000_000, format: .binarySI)
    /// Default memory limit when the catalog gives none: `2Gi`.
    public static let defaultMemoryLimit = Quantity(nanoValue: 2 * 1024 * 1024 * 1024 * 1_000_000_000, format: .binarySI)

    public var cpuRequest: Quantity?
    public var cpuLimit: Quantity?
    public var memoryRequest: Quantity?
    public var memoryLimit: Quantity?

    /// Creates resource settings; `nil` fields fall back to the defaults in ``resolved``.
    public init(
        cpuRequest: Quantity? = nil, cpuLimit: Quantity? = nil,
        memoryRequest: Quantity? = nil, memoryLimit: Quantity? = nil
    ) {
        self.cpuRequest = cpuRequest
        self.cpuLimit = cpuLimit
        self.memoryRequest = memoryRequest
        self.memoryLimit = memoryLimit
    }

    /// Requests and limits with every value present.
    public struct Resolved: Sendable, Equatable {
        public var cpuRequest: Quantity
        public var cpuLimit: Quantity
        public var memoryRequest: Quantity
        public var memoryLimit: Quantity
    }

    /// These settings with the defaults (500m/2 CPU, 512Mi/2Gi memory) filled in.
    public var resolved: Resolved {
        Resolved(
            cpuRequest: cpuRequest ?? Self.defaultCPURequest,
            cpuLimit: cpuLimit ?? Self.defaultCPULimit,
            memoryRequest: memoryRequest ?? Self.defaultMemoryRequest,
            memoryLimit: memoryLimit ?? Self.defaultMemoryLimit
        )
    }

    private enum CodingKeys: String, CodingKey {
        case cpuRequest = "cpu_request", cpuLimit = "cpu_limit"
        case memoryRequest = "memory_request", memoryLimit = "memory_limit"
    }
}
