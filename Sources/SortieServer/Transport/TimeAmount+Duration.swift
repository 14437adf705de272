import NIOCore

extension TimeAmount {
    /// A Swift `Duration` as NIO's `TimeAmount` (whole nanoseconds, saturating).
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        let (product, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow {
            self = .nanoseconds(seconds < 0 ? .min : .max)
        } else {
            self = .nanoseconds(product.addingReportingOverflow(attoseconds / 1_000_000_000).partialValue)
        }
    }
}

extension Duration {
    /// NIO's `TimeAmount` as a Swift `Duration`.
    init(_ amount: TimeAmount) {
        self = .nanoseconds(amount.nanoseconds)
    }
}
