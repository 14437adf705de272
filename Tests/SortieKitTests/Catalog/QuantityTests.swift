import Foundation
import Testing
@testable import SortieKit

@Suite("Kubernetes resource quantities")
struct QuantityTests {
    /// (text, nano-units, canonical spelling as Kubernetes prints it)
    @Test("valid quantities parse exactly and print canonically", arguments: [
        ("500m", Int128(500_000_000), "500m"),
        ("2", 2_000_000_000, "2"),
        ("1Gi", 1_073_741_824_000_000_000, "1Gi"),
        ("1.5", 1_500_000_000, "1500m"),
        ("0.5Gi", 536_870_912_000_000_000, "512Mi"),
        (".5", 500_000_000, "500m"),
        ("5.", 5_000_000_000, "5"),
        ("+3", 3_000_000_000, "3"),
        ("0", 0, "0"),
        ("-0", 0, "0"),
        ("0.000", 0, "0"),
        ("1000", 1_000_000_000_000, "1k"),
        ("1500", 1_500_000_000_000, "1500"),
        ("100n", 100, "100n"),
        ("1u", 1_000, "1u"),
        ("1k", 1_000_000_000_000, "1k"),
        ("2M", 2_000_000_000_000_000, "2M"),
        ("3G", 3_000_000_000_000_000_000, "3G"),
        ("1T", 1_000_000_000_000_000_000_000, "1T"),
        ("1P", 1_000_000_000_000_000_000_000_000, "1P"),
        ("1E", 1_000_000_000_000_000_000_000_000_000, "1E"),
        ("512Mi", 536_870_912_000_000_000, "512Mi"),
        ("256Ki", 262_144_000_000_000, "256Ki"),
        ("1024Ki", 1_048_576_000_000_000, "1Mi"),
        ("1.5Ki", 1_536_000_000_000, "1536"),
        ("1Ti", 1_099_511_627_776_000_000_000, "1Ti"),
        ("1e3", 1_000_000_000_000, "1e3"),
        ("1E3", 1_000_000_000_000, "1e3"),
        ("1.5e3", 1_500_000_000_000, "1500"),
        ("5e-3", 5_000_000, "5e-3"),
        ("1e+6", 1_000_000_000_000_000, "1e6"),
        ("0.0000000001", 1, "1n"),
        ("007", 7_000_000_000, "7"),
    ])
    func valid(text: String, nanos: Int128, canonical: String) throws {
        let q = try Quantity(parsing: text)
        #expect(q.nanoValue == nanos)
        #expect(q.description == canonical)
        // The canonical spelling parses back to the same value.
        #expect(try Quantity(parsing: canonical) == q)
    }

    @Test("malformed quantities are rejected", arguments: [
        "2Gx", "1.2.3", "", "Gi", "m", ".", "+", "-", "1 Gi", " 1", "1Gi ", "1g", "1KI", "1ki", "1Kib",
        "e3", "1e", "1e3.5", "1ee3", "0x10", "1,5", "١", "1Mi3", "1mi", "--1", "+-1", "1e12345",
    ])
    func invalid(text: String) {
        #expect(throws: QuantityError.invalid(text)) { try Quantity(parsing: text) }
    }

    @Test("negative quantities get their own error", arguments: ["-1", "-500m", "-0.5Gi", "-1e3"])
    func negative(text: String) {
        #expect(throws: QuantityError.negative(text)) { try Quantity(parsing: text) }
    }

    @Test("values beyond 2^63-1 units are out of range", arguments: ["9223372036854775808", "16Ei", "1e30"])
    func outOfRange(text: String) {
        #expect(throws: QuantityError.outOfRange(text)) { try Quantity(parsing: text) }
    }

    @Test("8Ei-1 style maximum still parses")
    func maximum() throws {
        #expect(try Quantity(parsing: "9223372036854775807").value == Int64.max)
        #expect(try Quantity(parsing: "7Ei").value == 7 * (1 << 60))
    }

    @Test("comparison is by value, not spelling")
    func comparison() throws {
        #expect(try Quantity(parsing: "1Gi") == Quantity(parsing: "1073741824"))
        #expect(try Quantity(parsing: "0.5") == Quantity(parsing: "500m"))
        #expect(try Quantity(parsing: "1G") < Quantity(parsing: "1Gi"))
        #expect(try Quantity(parsing: "999m") < Quantity(parsing: "1"))
        #expect(try !(Quantity(parsing: "2") < Quantity(parsing: "2000m")))
        #expect(try Set([Quantity(parsing: "1k"), Quantity(parsing: "1000")]).count == 1)
    }

    @Test("milliValue and value round up", arguments: [
        ("500m", Int64(500), Int64(1)),
        ("2", 2000, 2),
        ("1n", 1, 1),
        ("1.0001", 1001, 2),
        ("1Ki", 1_024_000, 1024),
        ("0", 0, 0),
    ])
    func units(text: String, milli: Int64, whole: Int64) throws {
        let q = try Quantity(parsing: text)
        #expect(q.milliValue == milli)
        #expect(q.value == whole)
    }

    @Test("addition keeps the left operand's format")
    func addition() throws {
        let sum = try Quantity(parsing: "500m") + Quantity(parsing: "1.5")
        #expect(sum.description == "2")
        #expect(try (Quantity(parsing: "512Mi") + Quantity(parsing: "512Mi")).description == "1Gi")
        #expect(try (Quantity(parsing: "0") + Quantity(parsing: "1Gi")).description == "1Gi")
        #expect(try (Quantity(parsing: "1Gi") + Quantity(parsing: "1")).description == "1073741825")
    }

    @Test("errors read as sentences naming the text")
    func errorMessages() {
        #expect(QuantityError.invalid("2Gx").description
            == "\"2Gx\" is not a Kubernetes quantity (expected e.g. 500m, 2, 1Gi)")
        #expect(QuantityError.negative("-1").description.hasPrefix("\"-1\" is negative"))
    }

    @Test("Codable round-trips through the canonical string")
    func codable() throws {
        let data = try JSONEncoder().encode(["cpu": try Quantity(parsing: "0.25")])
        #expect(String(decoding: data, as: UTF8.self) == #"{"cpu":"250m"}"#)
        let back = try JSONDecoder().decode([String: Quantity].self, from: Data(#"{"a":"1Gi","b":2}"#.utf8))
        #expect(back["a"]?.value == 1 << 30)
        #expect(back["b"]?.value == 2)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([String: Quantity].self, from: Data(#"{"a":"2Gx"}"#.utf8))
        }
    }
}
