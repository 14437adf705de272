import Foundation

/// Pod-specific calls: logs and events.
extension KubeClient {
    /// Options for `pods/log`.
    public struct LogOptions: Sendable {
        public var container: String?
        public var follow: Bool
        public var tailLines: Int?
        public var timestamps: Bool
        public init(container: String? = nil, follow: Bool = false, tailLines: Int? = nil, timestamps: Bool = false) {
            self.container = container
            self.follow = follow
            self.tailLines = tailLines
            self.timestamps = timestamps
        }
    }

    /// A pod's log as chunks of bytes; with `follow` the stream stays open while the container runs.
    public func podLogs(namespace: String, name: String, options: LogOptions = .init()) async throws -> AsyncThrowingStream<Data, any Error> {
        var query: [(name: String, value: String)] = []
        if let container = options.container { query.append(("container", container)) }
        if options.follow { query.append(("follow", "true")) }
        if let tail = options.tailLines { query.append(("tailLines", String(tail))) }
        if options.timestamps { query.append(("timestamps", "true")) }
        let request = KubeRequest(.get, Pod.objectPath(namespace: namespace, name: name) + "/log", query: query,
                                  accept: "*/*", timeout: options.follow ? .none : .default)
        return try await stream(request).body
    }

    /// The events whose involved object is the named pod, oldest first.
    public func podEvents(namespace: String, name: String) async throws -> [KubeEvent] {
        let options = ListOptions(fieldSelector: "involvedObject.kind=Pod,involvedObject.name=\(name)")
        let events = try await listAll(KubeEvent.self, namespace: namespace, options: options).items
        return events.sorted { ($0.lastTimestamp ?? $0.eventTime ?? "") < ($1.lastTimestamp ?? $1.eventTime ?? "") }
    }
}
