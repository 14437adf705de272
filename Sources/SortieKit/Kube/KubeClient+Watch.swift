import Foundation

extension KubeClient {
    /// Opens a watch and yields its events as they arrive.
    ///
    /// The stream ends normally when the server closes the watch (its timeout); it throws
    /// `KubeAPIError` with reason `.gone` when the resourceVersion is too old (HTTP 410 or an
    /// in-stream `ERROR` event) — re-list, then watch again (see `listWatch`).
    /// - Parameter options: selectors; `resourceVersion` to resume from (only one taken from a
    ///   list or an earlier event); `timeoutSeconds` for the server-side timeout.
    public func watch<T: KubeResource>(_ type: T.Type, namespace: String?, options: ListOptions = .init(),
                                       bookmarks: Bool = true) async throws -> AsyncThrowingStream<WatchEvent<T>, any Error> {
        var query = options.queryItems
        query.append(("watch", "true"))
        if bookmarks { query.append(("allowWatchBookmarks", "true")) }
        let request = KubeRequest(.get, T.collectionPath(namespace: namespace), query: query, timeout: .none)
        let response = try await stream(request)
        return AsyncThrowingStream { continuation in
            let task = Task {
                var decoder = WatchEventDecoder<T>()
                do {
                    for try await chunk in response.body {
                        for event in try decoder.feed(chunk) { continuation.yield(event) }
                    }
                    for event in try decoder.finish() { continuation.yield(event) }
                    continuation.finish()
                } catch let error as CurlError {
                    continuation.finish(throwing: KubeClientError.wrap(error, server: configuration.server))
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}

/// What a `listWatch` reports: the full state after every (re)list, then changes.
public enum ListWatchEvent<T: KubeResource>: Sendable {
    /// The complete current set (first list, and again after a relist).
    case synced([T])
    case added(T)
    case modified(T)
    case deleted(T)
}

extension KubeClient {
    /// Keeps a view of a set of objects current, like client-go's reflector: list, then watch from
    /// the list's resourceVersion; re-watch from the last seen version when the server closes the
    /// watch; re-list on 410 Gone; back off and retry on transport errors. Runs until the
    /// consumer stops iterating (or `maxConsecutiveFailures` failures in a row).
    public func listWatch<T: KubeResource>(_ type: T.Type, namespace: String?, options: ListOptions = .init(),
                                           maxConsecutiveFailures: Int = 10) -> AsyncThrowingStream<ListWatchEvent<T>, any Error> {
        AsyncThrowingStream { continuation in
            let task = Task {
                var resourceVersion: String?
                var failures = 0
                while !Task.isCancelled {
                    do {
                        if resourceVersion == nil {
                            let (items, version) = try await listAll(T.self, namespace: namespace, options: options)
                            continuation.yield(.synced(items))
                            resourceVersion = version
                        }
                        var watchOptions = options
                        watchOptions.resourceVersion = resourceVersion
                        watchOptions.timeoutSeconds = options.timeoutSeconds ?? Int.random(in: 300...600)
                        let events = try await watch(T.self, namespace: namespace, options: watchOptions)
                        for try await event in events {
                            failures = 0
                            if let version = event.object.metadata.resourceVersion { resourceVersion = version }
                            switch event.type {
                            case .added: continuation.yield(.added(event.object))
                            case .modified: continuation.yield(.modified(event.object))
                            case .deleted: continuation.yield(.deleted(event.object))
                            case .bookmark, .error: break
                            }
                        }
                    } catch let error as KubeAPIError where error.reason == .gone {
                        logger.debug("watch expired; relisting", metadata: ["resource": "\(T.resource)"])
                        resourceVersion = nil
                    } catch is CancellationError {
                        break
                    } catch {
                        failures += 1
                        if failures >= maxConsecutiveFailures || Task.isCancelled {
                            continuation.finish(throwing: error)
                            return
                        }
                        logger.debug("watch failed; retrying", metadata: ["error": "\(error)", "failures": "\(failures)"])
                        try? await Task.sleep(for: configuration.retry.backoff(attempt: failures - 1))
                    }
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}
