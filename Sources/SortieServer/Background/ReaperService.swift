import Foundation
import SortieKit
import Logging
import ServiceLifecycle

/// Ends expired, failed and finished sessions every cleanup interval (`SessionEngine.reap`).
/// With leader election on, only the replica holding the Lease reaps; it renews the lease every
/// retry period and releases it on graceful shutdown.
public struct ReaperService: Service {
    let engine: SessionEngine
    let elector: LeaderElector?
    let interval: Duration
    let retryPeriod: Duration
    let metrics: ServerMetrics
    let logger: Logger

    public init(engine: SessionEngine, elector: LeaderElector?, interval: Duration, retryPeriod: Duration,
                metrics: ServerMetrics, logger: Logger) {
        self.engine = engine
        self.elector = elector
        self.interval = interval
        self.retryPeriod = retryPeriod
        self.metrics = metrics
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await self.loop()
        }
        await elector?.release()
    }

    /// Two loops: the election renews every retry period on its own, so a slow reaper pass can
    /// never make the leader miss a renewal; the reaper acts only while this replica leads.
    private func loop() async {
        await withDiscardingTaskGroup { group in
            if let elector {
                group.addTask {
                    while !Task.isCancelled {
                        await elector.tryAcquireOrRenew()
                        try? await Task.sleep(for: retryPeriod)
                    }
                }
            }
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: interval)
                    if Task.isCancelled { break }
                    if await elector?.isLeader ?? true { await reapOnce() }
                }
            }
        }
    }

    /// One reaper pass; failures are logged and the next pass tries again.
    func reapOnce() async {
        do {
            let reaped = try await engine.reap()
            metrics.reaped.increment(by: Int64(reaped.count))
            if !reaped.isEmpty {
                logger.info("reaped sessions", metadata: ["count": "\(reaped.count)",
                                                          "session.ids": "\(reaped.map(\.id).joined(separator: ","))"])
            }
        } catch {
            logger.warning("reaper pass failed", metadata: ["error": "\(error)"])
        }
    }
}
