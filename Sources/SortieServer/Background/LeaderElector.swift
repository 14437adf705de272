import Foundation
import SortieKit
import Logging

/// Leader election on a `coordination.k8s.io/v1` Lease, after client-go's `leaderelection`:
/// the holder renews `renewTime` every retry period; a candidate takes the lease over only when
/// it is unheld or its holder has not renewed for `leaseDuration`. Every write is a conditional
/// PUT (the Lease's resourceVersion), so two candidates cannot both win.
public actor LeaderElector {
    let client: KubeClient
    let namespace: String
    let configuration: ServerConfiguration.LeaderElectionConfiguration
    let logger: Logger
    private let now: @Sendable () -> Date
    public private(set) var isLeader = false
    /// The lease record as last seen, and when (this replica's clock): a holder is considered
    /// gone when its record has not changed for the lease duration, as client-go decides, so
    /// clock skew between replicas does not matter.
    private var observed: (record: String, at: Date)?

    public init(client: KubeClient, namespace: String, configuration: ServerConfiguration.LeaderElectionConfiguration,
                logger: Logger, now: @escaping @Sendable () -> Date = { Date() }) {
        self.client = client
        self.namespace = namespace
        self.configuration = configuration
        self.logger = logger
        self.now = now
    }

    /// One round: acquire or renew the lease. Returns whether this replica now leads.
    /// API errors count as "not leader" (a leader that cannot renew must stop acting).
    @discardableResult
    public func tryAcquireOrRenew() async -> Bool {
        let identity = configuration.identity
        let stamp = Self.microTime(now())
        let durationSeconds = max(1, Int(configuration.leaseDuration.components.seconds))
        do {
            var lease: Lease
            do {
                lease = try await client.get(Lease.self, namespace: namespace, name: configuration.leaseName)
            } catch let error as KubeAPIError where error.reason == .notFound {
                let fresh = Lease(metadata: ObjectMeta(name: configuration.leaseName, labels: [SessionLabels.managedBy: SessionLabels.managedByValue]),
                                  spec: .init(holderIdentity: identity, leaseDurationSeconds: durationSeconds,
                                              acquireTime: stamp, renewTime: stamp, leaseTransitions: 0))
                _ = try await client.create(fresh, namespace: namespace)
                return become(true)
            }
            var spec = lease.spec ?? .init(holderIdentity: nil, leaseDurationSeconds: durationSeconds)
            let holder = spec.holderIdentity ?? ""
            if holder != identity, !holder.isEmpty, !isExpired(spec) {
                return become(false)
            }
            observed = nil
            if holder != identity {
                spec.acquireTime = stamp
                spec.leaseTransitions = (spec.leaseTransitions ?? 0) + 1
                spec.holderIdentity = identity
            }
            spec.renewTime = stamp
            spec.leaseDurationSeconds = durationSeconds
            lease.spec = spec
            _ = try await client.replace(lease, namespace: namespace)
            return become(true)
        } catch let error as KubeAPIError where error.reason == .conflict || error.reason == .alreadyExists {
            // Someone else wrote first; they lead this round.
            return become(false)
        } catch {
            logger.debug("leader election round failed", metadata: ["error": "\(error)", "lease": "\(configuration.leaseName)"])
            return become(false)
        }
    }

    /// Gives the lease up (on shutdown) so another replica need not wait for it to expire.
    public func release() async {
        guard isLeader else { return }
        isLeader = false
        do {
            var lease = try await client.get(Lease.self, namespace: namespace, name: configuration.leaseName)
            guard lease.spec?.holderIdentity == configuration.identity else { return }
            lease.spec?.holderIdentity = nil
            lease.spec?.renewTime = Self.microTime(now())
            _ = try await client.replace(lease, namespace: namespace)
            logger.info("released the reaper lease", metadata: ["lease": "\(configuration.leaseName)"])
        } catch {
            logger.debug("could not release the lease", metadata: ["error": "\(error)"])
        }
    }

    private func isExpired(_ spec: Lease.Spec) -> Bool {
        let record = "\(spec.holderIdentity ?? "")|\(spec.renewTime ?? "")|\(spec.leaseTransitions ?? 0)"
        let current = now()
        if observed?.record != record { observed = (record, current) }
        let duration = TimeInterval(spec.leaseDurationSeconds ?? Int(configuration.leaseDuration.components.seconds))
        return current.timeIntervalSince(observed?.at ?? current) > duration
    }

    private func become(_ leader: Bool) -> Bool {
        if leader != isLeader {
            logger.info(leader ? "became the reaper leader" : "lost the reaper lease",
                        metadata: ["lease": "\(configuration.leaseName)", "identity": "\(configuration.identity)"])
        }
        isLeader = leader
        return leader
    }

    /// `metav1.MicroTime`: RFC 3339 with microseconds, UTC.
    static func microTime(_ date: Date) -> String {
        let seconds = date.timeIntervalSince1970
        let whole = floor(seconds)
        let micros = Int((seconds - whole) * 1_000_000)
        let base = RFC3339.string(from: Date(timeIntervalSince1970: whole))
        return String(base.dropLast()) + String(format: ".%06dZ", micros)
    }

    static func parseMicroTime(_ text: String) -> Date? {
        if let plain = RFC3339.date(from: text) { return plain }
        // Drop the fraction and add it back by hand (RFC3339 parses whole seconds).
        guard let dot = text.firstIndex(of: "."), let zone = text[dot...].firstIndex(where: { $0 == "Z" || $0 == "+" || $0 == "-" }) else { return nil }
        let fraction = Double("0" + text[dot..<zone]) ?? 0
        return RFC3339.date(from: String(text[..<dot]) + String(text[zone...])).map { $0.addingTimeInterval(fraction) }
    }
}
