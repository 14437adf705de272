import Foundation

/// When to try a request again, after client-go's rules (`rest/with_retry.go`):
/// - `429 TooManyRequests`, and any `5xx` carrying `Retry-After`, wait as told and retry;
/// - other `500/502/503/504` are retried only for idempotent requests (GET/HEAD), with backoff;
/// - connection failures before anything was sent are retried for every request; a connection
///   lost mid-response only for idempotent ones (a POST may have been applied);
/// - at most `maxRetries` times, then the last error is thrown.
public struct RetryPolicy: Sendable {
    public var maxRetries: Int
    public var baseDelay: Duration
    public var maxDelay: Duration
    /// Upper bound on a server-sent `Retry-After` we honour.
    public var maxRetryAfter: Duration
    /// Connection failures are retried at most this often, so an unreachable cluster fails fast.
    public var maxConnectRetries: Int

    public init(maxRetries: Int = 5, baseDelay: Duration = .milliseconds(100), maxDelay: Duration = .seconds(5),
                maxRetryAfter: Duration = .seconds(30), maxConnectRetries: Int = 2) {
        self.maxRetries = maxRetries
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxRetryAfter = maxRetryAfter
        self.maxConnectRetries = maxConnectRetries
    }

    public static let none = RetryPolicy(maxRetries: 0, maxConnectRetries: 0)

    /// The exponential backoff before retry number `attempt` (0-based), with up to 50% jitter.
    public func backoff(attempt: Int) -> Duration {
        let exponent = min(attempt, 16)
        let base = baseDelay * (1 << exponent)
        let capped = min(base, maxDelay)
        return capped + capped * Double.random(in: 0..<0.5)
    }

    /// How long to wait before retrying after an HTTP error answer, or `nil` not to retry.
    public func delay(status: Int, retryAfter: String?, idempotent: Bool, attempt: Int) -> Duration? {
        guard attempt < maxRetries else { return nil }
        let serverDelay = retryAfter.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }.map { Duration.seconds(max(0, $0)) }
        if status == 429 || (status >= 500 && serverDelay != nil) {
            return min(serverDelay ?? backoff(attempt: attempt), maxRetryAfter)
        }
        if [500, 502, 503, 504].contains(status) && idempotent {
            return backoff(attempt: attempt)
        }
        return nil
    }

    /// How long to wait before retrying after a transport failure, or `nil` not to retry.
    public func delay(for error: CurlError, idempotent: Bool, attempt: Int) -> Duration? {
        guard attempt < min(maxRetries, maxConnectRetries) else { return nil }
        if error.isConnectFailure || (idempotent && error.isConnectionDropped) {
            return backoff(attempt: attempt)
        }
        return nil
    }
}
