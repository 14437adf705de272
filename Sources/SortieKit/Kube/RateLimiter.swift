import Foundation

/// A token bucket shared by every request of one client (client-go's `flowcontrol` default):
/// bursts up to `burst` go at once, then requests are spaced `1/qps` apart.
actor RateLimiter {
    private let qps: Double
    private let burst: Double
    private var tokens: Double
    private var last: ContinuousClock.Instant

    init(_ limit: KubeClientConfiguration.RateLimit) {
        qps = limit.qps
        burst = Double(max(limit.burst, 1))
        tokens = burst
        last = .now
    }

    /// Waits until the request may go. A non-positive QPS disables limiting.
    func acquire() async throws {
        guard qps > 0 else { return }
        let now = ContinuousClock.now
        let elapsed = now - last
        last = now
        tokens = min(burst, tokens + elapsed.seconds * qps)
        tokens -= 1  // reserve a token, possibly going into debt that later callers wait out
        if tokens < 0 {
            try await Task.sleep(for: .seconds(-tokens / qps))
        }
    }
}

extension Duration {
    /// The duration in (fractional) seconds.
    public var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
