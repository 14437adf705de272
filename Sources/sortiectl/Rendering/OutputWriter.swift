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
            let object = try JSONSerialization.jsonObject(with: data)
            console.write(try Yams.dump(object: object, sortKeys: true))
        default:
            console.print(String(decoding: data, as: UTF8.self))
        }
    }
}
