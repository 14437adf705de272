import Foundation

/// The namespace's ResourceQuotas next to Sortie's own limits: what is used, what is allowed,
/// and how many more default-sized sessions fit.
public struct QuotaReport: Sendable, Encodable {
    public struct Resource: Sendable, Encodable, Equatable {
        public var name: String
        public var used: String
        public var hard: String
    }
    public struct NamespaceQuota: Sendable, Encodable {
        public var name: String
        public var resources: [Resource]
    }
    public struct SortieLimits: Sendable, Encodable {
        public var maxSessionsPerUser: Int
        public var maxSessionsTotal: Int
        enum CodingKeys: String, CodingKey {
            case maxSessionsPerUser = "max_sessions_per_user", maxSessionsTotal = "max_sessions_total"
        }
    }

    public var namespace: String
    public var quotas: [NamespaceQuota]
    public var limits: SortieLimits
    public var activeSessions: Int
    public var sessionsByUser: [String: Int]
    /// How many more sessions of the default size fit; `nil` when nothing limits them.
    public var additionalDefaultSessions: Int?
    /// What bounds `additionalDefaultSessions` (`quota sortie-quota: requests.memory`, `SORTIE_MAX_SESSIONS`).
    public var limitedBy: String?

    enum CodingKeys: String, CodingKey {
        case namespace, quotas, limits
        case activeSessions = "active_sessions", sessionsByUser = "sessions_by_user"
        case additionalDefaultSessions = "additional_default_sessions", limitedBy = "limited_by"
    }
}

extension SessionEngine {
    /// The resources one session of an app without `resource_limits` takes (app + sidecar),
    /// keyed the way ResourceQuota `hard` keys are.
    public func defaultSessionFootprint() throws -> [String: Quantity] {
        let app = AppDefinition(id: "footprint", name: "footprint", launchType: .container, containerImage: "example/footprint:1")
        let pod = try PodTemplateBuilder(settings: settings).pod(for: app, sessionID: UUID(), userID: "footprint", now: now())
        var footprint: [String: Quantity] = ["pods": Quantity(nanoValue: 1_000_000_000), "count/pods": Quantity(nanoValue: 1_000_000_000)]
        let containers = pod.spec.map { $0.containers + ($0.initContainers ?? []) } ?? []
        for container in containers {
            for (kind, values) in [("requests", container.resources?.requests), ("limits", container.resources?.limits)] {
                for (resource, text) in values ?? [:] {
                    let quantity = try Quantity(parsing: text)
                    let keys = kind == "requests" ? ["requests.\(resource)", resource] : ["limits.\(resource)"]
                    for key in keys { footprint[key] = (footprint[key] ?? Quantity(nanoValue: 0)) + quantity }
                }
            }
        }
        return footprint
    }

    /// Reads the namespace quotas and the sessions, and works out what still fits.
    public func quotaReport() async throws -> QuotaReport {
        let quotas = try await client.listAll(ResourceQuota.self, namespace: namespace).items
        let active = try await sessions(matching: SessionFilter()).filter { $0.status == .creating || $0.status == .running }
        let footprint = try defaultSessionFootprint()

        var fits: Int?
        var limitedBy: String?
        func bound(_ value: Int, _ reason: String) {
            if fits == nil || value < fits! { fits = max(0, value); limitedBy = reason }
        }
        var reported: [QuotaReport.NamespaceQuota] = []
        for quota in quotas {
            let hard = quota.status?.hard ?? quota.spec?.hard ?? [:]
            let used = quota.status?.used ?? [:]
            var resources: [QuotaReport.Resource] = []
            for key in hard.keys.sorted() {
                resources.append(.init(name: key, used: used[key] ?? "0", hard: hard[key] ?? ""))
                guard let need = footprint[key], !need.isZero,
                      let hardQ = try? Quantity(parsing: hard[key] ?? ""), let usedQ = try? Quantity(parsing: used[key] ?? "0") else { continue }
                let remaining = hardQ.nanoValue - usedQ.nanoValue
                bound(Int(clamping: remaining / need.nanoValue), "quota \(quota.metadata.name ?? ""): \(key)")
            }
            reported.append(.init(name: quota.metadata.name ?? "", resources: resources))
        }
        if settings.maxSessionsTotal > 0 { bound(settings.maxSessionsTotal - active.count, "SORTIE_MAX_SESSIONS") }
        return QuotaReport(
            namespace: namespace, quotas: reported,
            limits: .init(maxSessionsPerUser: settings.maxSessionsPerUser, maxSessionsTotal: settings.maxSessionsTotal),
            activeSessions: active.count,
            sessionsByUser: Dictionary(grouping: active, by: \.userID).mapValues(\.count),
            additionalDefaultSessions: fits, limitedBy: limitedBy)
    }

    /// Creates or updates the namespace ResourceQuota `name` with the given hard limits
    /// (`pods`, `requests.cpu`, `requests.memory`, `limits.cpu`, `limits.memory`).
    public func setQuota(name: String = "sortie-quota", hard: [String: String], dryRun: DryRun = .none) async throws -> ResourceQuota {
        for (key, value) in hard {
            do { _ = try Quantity(parsing: value) } catch {
                throw KubeAPIError(code: 422, status: KubeStatus(message: "\(key) \"\(value)\" is not a Kubernetes quantity", reason: "Invalid", code: 422), request: "quota set")
            }
        }
        // Read-modify-write, retried on conflict (client-go's RetryOnConflict): a concurrent
        // writer changed the quota (409 Conflict) or created it first (409 AlreadyExists).
        for attempt in 1...10 {
            do {
                return try await mergeQuota(name: name, hard: hard, dryRun: dryRun)
            } catch let error as KubeAPIError where (error.reason == .conflict || error.reason == .alreadyExists) && attempt < 10 {
                // Jittered, so writers that collided do not collide again in step.
                try await Task.sleep(for: .milliseconds(Int.random(in: 5...25) * attempt))
            }
        }
        return try await mergeQuota(name: name, hard: hard, dryRun: dryRun)
    }

    private func mergeQuota(name: String, hard: [String: String], dryRun: DryRun) async throws -> ResourceQuota {
        do {
            var existing = try await client.get(ResourceQuota.self, namespace: namespace, name: name)
            var merged = existing.spec?.hard ?? [:]
            merged.merge(hard) { _, new in new }
            existing.spec = .init(hard: merged)
            existing.status = nil
            return try await client.replace(existing, namespace: namespace, dryRun: dryRun)
        } catch let error as KubeAPIError where error.reason == .notFound {
            let quota = ResourceQuota(metadata: ObjectMeta(name: name, labels: [SessionLabels.managedBy: SessionLabels.managedByValue]), hard: hard)
            return try await client.create(quota, namespace: namespace, dryRun: dryRun)
        }
    }
}
