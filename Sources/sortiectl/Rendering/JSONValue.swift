import Yams

/// A JSON document with its scalar types kept apart (booleans, integers, other numbers).
enum JSONValue: Decodable {
    case null, bool(Bool), integer(Int64), number(Double), string(String)
    case array([JSONValue]), object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Int64.self) { self = .integer(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([JSONValue].self) { self = .array(value) }
        else { self = .object(try container.decode([String: JSONValue].self)) }
    }

    /// The YAML node with the same types: strings a YAML reader would take for something else
    /// (`2026-11-22T10:30:00Z` a timestamp, `true` a boolean, `5900` a number) are quoted.
    var yamlNode: Node {
        switch self {
        case .null: Node("null")
        case .bool(let value): Node(value ? "true" : "false")
        case .integer(let value): Node(String(value))
        case .number(let value): Node(String(value))
        case .string(let value):
            Node(value, .implicit, Resolver.default.resolveTag(of: Node(value)) == .str ? .any : .doubleQuoted)
        case .array(let values): Node(values.map(\.yamlNode))
        case .object(let fields): Node(fields.sorted { $0.key < $1.key }.map { (Node($0.key), $0.value.yamlNode) })
        }
    }
}
