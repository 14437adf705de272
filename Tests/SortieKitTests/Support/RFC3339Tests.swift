import Foundation
@testable import SortieKit
import Testing

/// Kubernetes timestamps: the direct parser agrees with Foundation's ISO 8601 parser.
@Suite("RFC 3339 timestamps")
struct RFC3339Tests {
    static func foundation(_ text: String) -> Date? {
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle()) { return date }
        return try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    @Test("whole seconds from 1970 to 2199 (leap days, month ends, century years) parse to Foundation's instant")
    func agreesWithFoundation() throws {
        var generator = SystemRandomNumberGenerator()
        var samples = ["1970-01-01T00:00:00Z", "2000-02-29T23:59:59Z", "2024-02-29T12:00:00Z", "2100-02-28T00:00:00Z",
                       "2199-12-31T23:59:59Z", "1999-12-31T23:59:59Z", "2026-11-22T13:24:17Z"]
        for _ in 0..<2_000 {
            let seconds = Int.random(in: 0..<7_258_118_400, using: &generator)  // up to 2200-01-01
            samples.append(RFC3339.string(from: Date(timeIntervalSince1970: Double(seconds))))
        }
        for text in samples {
            let fast = try #require(RFC3339.utcDate(text), "\(text)")
            #expect(fast == Self.foundation(text), "\(text)")
        }
    }

    @Test("fractions of a second", arguments: ["2026-11-22T13:24:17.5Z", "2026-11-22T13:24:17.123456Z", "2026-11-22T13:24:17.000000001Z"])
    func fractions(text: String) throws {
        let fast = try #require(RFC3339.utcDate(text))
        let reference = try #require(Self.foundation(text))
        #expect(abs(fast.timeIntervalSince(reference)) < 0.001)
    }

    @Test("other forms and out-of-range fields go to Foundation, with its answer", arguments: [
        "2026-11-22T13:24:17+01:00", "2026-11-22T13:24:17.5+00:00", "2026-02-29T00:00:00Z", "2026-13-01T00:00:00Z",
        "2026-00-10T00:00:00Z", "2026-04-31T00:00:00Z", "2026-11-22T24:00:00Z", "2026-11-22T13:60:00Z",
        "2026-11-22T13:24:60Z", "2026-11-22 13:24:17Z", "2026-11-22T13:24:17", "2026-11-22T13:24:17.Z",
        "2026-11-22T13:24:17.1234567890Z", "２026-11-22T13:24:17Z", "", "not a date at all, not at all",
    ])
    func fallsBack(text: String) {
        #expect(RFC3339.utcDate(text) == nil)
        #expect(RFC3339.date(from: text) == Self.foundation(text))
    }
}
