/// Why a string is not an acceptable Kubernetes resource quantity.
public enum QuantityError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The text does not match the Kubernetes quantity grammar.
    case invalid(String)
    /// The text is a valid quantity but negative, which no sortie resource setting allows.
    case negative(String)
    /// The value is too large (beyond 2^63-1 units) to be represented.
    case outOfRange(String)

    /// The offending text, as given.
    public var text: String {
        switch self {
        case .invalid(let text), .negative(let text), .outOfRange(let text): text
        }
    }

    /// A human sentence, e.g. `"2Gx" is not a Kubernetes quantity (expected e.g. 500m, 2, 1Gi)`.
    public var description: String {
        switch self {
        case .invalid(let text):
            "\"\(text)\" is not a Kubernetes quantity (expected e.g. 500m, 2, 1Gi)"
        case .negative(let text):
            "\"\(text)\" is negative (expected a quantity of at least 0, e.g. 500m, 2, 1Gi)"
        case .outOfRange(let text):
            "\"\(text)\" is too large (expected at most 9223372036854775807 units)"
        }
    }
}
