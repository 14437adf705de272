/// A Kubernetes resource quantity (`500m`, `2`, `1Gi`, `1e3`), held exactly.
///
/// Parsing follows the grammar of `k8s.io/apimachinery/pkg/api/resource`:
/// ```
/// <quantity>        ::= <signedNumber><suffix>
/// <suffix>          ::= <binarySI> | <decimalExponent> | <decimalSI>
/// <binarySI>        ::= Ki | Mi | Gi | Ti | Pi | Ei
/// <decimalSI>       ::= n | u | m | "" | k | M | G | T | P | E
/// <decimalExponent> ::= "e" <signedNumber> | "E" <signedNumber>   (integer exponents)
/// <number>          ::= <digits> | <digits>.<digits> | <digits>. | .<digits>
/// ```
/// The value is stored as a whole number of nano-units; like Kubernetes, precision below `1n`
/// is rounded up. Negative quantities are rejected (``QuantityError/negative(_:)``) because no
/// sortie resource setting can be negative. Equality and ordering compare values, not spelling:
/// `1Gi == 1073741824` and `0.5 == 500m`.
public struct Quantity: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// How the quantity is written back out, taken from the suffix it was parsed with.
    public enum Format: Sendable, Hashable {
        /// Powers of 1024 (`Ki`, `Mi`, …).
        case binarySI
        /// Powers of 1000 (`m`, `k`, `M`, …) or no suffix.
        case decimalSI
        /// `e<n>` exponents.
        case decimalExponent
    }

    /// The value in nano-units (1 = `1n`).
    public let nanoValue: Int128
    /// The format used by ``description``.
    public let format: Format

    static let nanosPerUnit: Int128 = 1_000_000_000
    static let maxNanos: Int128 = Int128(Int64.max) * nanosPerUnit

    /// A quantity of `nanoValue` nano-units written in `format`.
    public init(nanoValue: Int128, format: Format = .decimalSI) {
        self.nanoValue = nanoValue
        self.format = format
    }

    /// Parses `text` with the Kubernetes quantity grammar.
    /// - Throws: ``QuantityError`` naming the text when it is malformed, negative or too large.
    public init(parsing text: String) throws(QuantityError) {
        self = try QuantityParser.parse(text)
    }

    /// The value in thousandths of a unit, rounded up (`500m` → 500, `1` → 1000).
    public var milliValue: Int64 { Int64(clamping: Self.ceilDiv(nanoValue, 1_000_000)) }

    /// The value in whole units, rounded up (`500m` → 1, `1Gi` → 1073741824).
    public var value: Int64 { Int64(clamping: Self.ceilDiv(nanoValue, Self.nanosPerUnit)) }

    /// Whether the value is zero.
    public var isZero: Bool { nanoValue == 0 }

    /// The canonical spelling, close to Kubernetes' `Quantity.String()`: `1Gi`, `500m`, `2`, `1500m`.
    public var description: String { QuantityFormatter.canonical(self) }

    /// The sum, in the format of the left operand (or of the right one when the left is zero),
    /// as Kubernetes' `Quantity.Add` does.
    public static func + (lhs: Quantity, rhs: Quantity) -> Quantity {
        Quantity(nanoValue: lhs.nanoValue + rhs.nanoValue, format: lhs.isZero ? rhs.format : lhs.format)
    }

    public static func == (lhs: Quantity, rhs: Quantity) -> Bool { lhs.nanoValue == rhs.nanoValue }
    public static func < (lhs: Quantity, rhs: Quantity) -> Bool { lhs.nanoValue < rhs.nanoValue }
    public func hash(into hasher: inout Hasher) { hasher.combine(nanoValue) }

    static func ceilDiv(_ a: Int128, _ b: Int128) -> Int128 {
        let (q, r) = a.quotientAndRemainder(dividingBy: b)
        return r > 0 ? q + 1 : q
    }
}

extension Quantity: Codable {
    /// Decodes a quantity from its string form (numbers are accepted too, as the API server does).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text: String
        if let string = try? container.decode(String.self) {
            text = string
        } else {
            text = String(try container.decode(Double.self))
        }
        do {
            self = try Quantity(parsing: text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    /// Encodes the canonical string form.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
