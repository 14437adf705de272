import Foundation
import SortieKit
import Logging
import ServiceLifecycle

/// Runs the one shared watch of session pods that feeds the ``SessionStore``: `listWatch`
/// (list, then watch, re-list on 410), restarted with backoff whenever it fails, until shutdown.
public struct SessionWatchService: Service {
    let client: KubeClient
    let namespace: String
    let store: SessionStore
    let logger: Logger

    public init(client: KubeClient, namespace: String, store: SessionStore, logger: Logger) {
        self.client = client
        self.namespace = namespace
        self.store = store
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await self.watchForever()
        }
    }

    private func watchForever() async {
        var failures = 0
        let options = ListOptions(labelSelector: SessionLabels.selector)
        while !Task.isCancelled {
            do {
                // One failure ends the stream, so the store learns of an outage at once; the loop
                // here re-lists, which is what a reflector does after a broken watch anyway.
                for try await event in client.listWatch(Pod.self, namespace: namespace, options: options, maxConsecutiveFailures: 1) {
                    if failures > 0 { logger.info("session watch recovered", metadata: ["k8s.namespace": "\(namespace)"]) }
                    failures = 0
                    await store.apply(event)
                }
            } catch is CancellationError {
                return
            } catch {
                if Task.isCancelled { return }
                failures += 1
                await store.disconnected(reason: "\(error)")
                if failures == 1 {
                    logger.warning("session watch failed; retrying", metadata: ["error": "\(error)"])
                } else {
                    logger.debug("session watch failed again", metadata: ["error": "\(error)", "failures": "\(failures)"])
                }
            }
            let delay = client.configuration.retry.backoff(attempt: min(failures, 5))
            try? await Task.sleep(for: min(delay, .seconds(5)))
        }
    }
}
