import Foundation
import SortieKit
import Testing

@Suite("Retry rules (client-go's)")
struct RetryPolicyTests {
    let policy = RetryPolicy(maxRetries: 3, baseDelay: .milliseconds(100), maxDelay: .seconds(1), maxRetryAfter: .seconds(10))

    @Test func tooManyRequestsHonoursRetryAfterForEveryMethod() {
        #expect(policy.delay(status: 429, retryAfter: "2", idempotent: false, attempt: 0) == .seconds(2))
        #expect(policy.delay(status: 429, retryAfter: nil, idempotent: false, attempt: 0) != nil)
    }

    @Test func serverErrorsWithoutRetryAfterRetryOnlyIdempotent() {
        #expect(policy.delay(status: 503, retryAfter: nil, idempotent: true, attempt: 0) != nil)
        #expect(policy.delay(status: 503, retryAfter: nil, idempotent: false, attempt: 0) == nil)
        #expect(policy.delay(status: 503, retryAfter: "1", idempotent: false, attempt: 0) == .seconds(1))
    }

    @Test func clientErrorsAreNeverRetried() {
        for status in [400, 401, 403, 404, 409, 422] {
            #expect(policy.delay(status: status, retryAfter: "1", idempotent: true, attempt: 0) == nil)
        }
    }

    @Test func retriesAreBounded() {
        #expect(policy.delay(status: 429, retryAfter: "0", idempotent: true, attempt: 2) != nil)
        #expect(policy.delay(status: 429, retryAfter: "0", idempotent: true, attempt: 3) == nil)
    }

    @Test func retryAfterIsCapped() {
        #expect(policy.delay(status: 429, retryAfter: "3600", idempotent: true, attempt: 0) == .seconds(10))
    }

    @Test func backoffGrowsAndIsCapped() {
        #expect(policy.backoff(attempt: 0) >= .milliseconds(100))
        #expect(policy.backoff(attempt: 0) < .milliseconds(151))
        #expect(policy.backoff(attempt: 2) >= .milliseconds(400))
        #expect(policy.backoff(attempt: 10) <= .milliseconds(1500))
    }

    @Test func connectionFailures() {
        let refused = CurlError(code: 7, message: "Connection refused", url: "https://x")
        let dropped = CurlError(code: 52, message: "Empty reply", url: "https://x")
        #expect(policy.delay(for: refused, idempotent: false, attempt: 0) != nil)
        #expect(policy.delay(for: dropped, idempotent: false, attempt: 0) == nil)
        #expect(policy.delay(for: dropped, idempotent: true, attempt: 0) != nil)
        #expect(policy.delay(for: refused, idempotent: true, attempt: 2) == nil)
    }
}
