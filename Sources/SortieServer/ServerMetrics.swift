import SortieKit
import Prometheus
import Synchronization

/// The server's Prometheus metrics, in a registry owned by one application (no global state, so
/// tests can run several servers in one process).
public final class ServerMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    private let sessionsByStatus: [SessionStatus: Gauge]
    let createLatency: DurationHistogram
    let readyLatency: DurationHistogram
    let activeWebSockets: Gauge
    let bytesToPod: Counter
    let bytesToClient: Counter
    let reaped: Counter
    private let errorCounters = Locked<[String: Counter]>([:])

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        var gauges: [SessionStatus: Gauge] = [:]
        for status in SessionStatus.allCases {
            gauges[status] = registry.makeGauge(descriptor: Self.name("sessions", "", "Sessions known to this server, by status."),
                                                labels: [("status", status.rawValue)])
        }
        sessionsByStatus = gauges
        let latencyBuckets: [Duration] = [.milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
                                          .seconds(1), .seconds(2), .seconds(5), .seconds(10), .seconds(30), .seconds(60), .seconds(120)]
        createLatency = registry.makeDurationHistogram(
            descriptor: Self.name("session_create", "seconds", "Time to create a session pod (POST /api/sessions)."),
            labels: [], buckets: latencyBuckets)
        readyLatency = registry.makeDurationHistogram(
            descriptor: Self.name("session_ready", "seconds", "Time from session creation until its pod was Ready."),
            labels: [], buckets: latencyBuckets)
        activeWebSockets = registry.makeGauge(descriptor: Self.name("websocket_connections", "", "Open proxied WebSocket connections."),
                                              labels: [])
        let bytes = Self.name("websocket_bytes", "total", "Payload bytes proxied over session WebSockets.")
        bytesToPod = registry.makeCounter(descriptor: bytes, labels: [("direction", "to_pod")])
        bytesToClient = registry.makeCounter(descriptor: bytes, labels: [("direction", "to_client")])
        reaped = registry.makeCounter(descriptor: Self.name("sessions_reaped", "total", "Sessions ended by the reaper."), labels: [])
    }

    /// `sortie_<metric>_<unit>` with its help text.
    private static func name(_ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "sortie", metricName: metric, unitName: unit, helpText: help)
    }

    /// Counts an error answer of the API.
    func apiError(status: Int, code: String) {
        let key = "\(status)|\(code)"
        let counter = errorCounters.withLock { counters in
            if let existing = counters[key] { return existing }
            let made = registry.makeCounter(descriptor: Self.name("api_errors", "total", "Error answers of the REST API."),
                                            labels: [("status", String(status)), ("code", code)])
            counters[key] = made
            return made
        }
        counter.increment()
    }

    /// Sets the per-status session gauges (called before each scrape).
    func record(sessions: [Session]) {
        var counts: [SessionStatus: Int] = [:]
        for session in sessions { counts[session.status, default: 0] += 1 }
        for (status, gauge) in sessionsByStatus { gauge.set(Double(counts[status] ?? 0)) }
    }

    /// The exposition text.
    func exposition() -> String { registry.emitToString() }
}
