import Foundation

/// RFC 3339 timestamps as Kubernetes and the sessions API write them: UTC, `Z`, whole seconds.
public enum RFC3339 {
    /// `2024-01-15T10:30:00Z` (fractions of a second are dropped).
    public static func string(from date: Date) -> String {
        let whole = Date(timeIntervalSince1970: (date.timeIntervalSince1970).rounded(.down))
        return whole.formatted(Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: "UTC")!))
    }

    /// Parses `2024-01-15T10:30:00Z`, with or without fractional seconds or a numeric offset.
    public static func date(from text: String) -> Date? {
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle()) { return date }
        return try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
