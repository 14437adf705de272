import Foundation
import SortieKit
import Yams

/// Writes structured output (`-o json`, `-o yaml`) with stable, sorted keys.
enum OutputWriter {
    static func write<T: Encodable>(_ value: T, kind: String? = nil, format: OutputFormat, console: Console) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(value)
        if let kind, var object = try JSONSerialization.jsonObject(with: data) as? [String: Any] {
            object["kind"] = kind
            object["apiVersion"] = "v1"
            data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        }
        switch format {
        case .yaml:
            // Through a typed JSON tree: JSONSerialization's NSNumbers would come out of Yams as
            // floats (`5.9e+3`, `0e+0` for false), which kubectl would not read back the same.
            let tree = try JSONDecoder().decode(JSONValue.self, from: data)
            console.write(try Yams.serialize(node: tree.yamlNode, sortKeys: true))
        default:
            console.print(String(decoding: data, as: UTF8.self))
        }
    }
}
