/// An environment variable with a value ``SessionSettings`` cannot use.
public struct SessionSettingsError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The variable's name, e.g. `SESSION_TIMEOUT`.
    public var variable: String
    /// The value as found in the environment.
    public var value: String
    /// What would have been accepted.
    public var expected: String

    public init(variable: String, value: String, expected: String) {
        self.variable = variable
        self.value = value
        self.expected = expected
    }

    /// E.g. `SESSION_TIMEOUT="abc": expected a whole number of minutes`.
    public var description: String { "\(variable)=\"\(value)\": expected \(expected)" }
}
