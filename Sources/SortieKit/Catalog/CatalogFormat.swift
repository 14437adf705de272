import Foundation

/// The syntax of a catalog file.
public enum CatalogFormat: String, Sendable, Equatable {
    case json, yaml

    /// `.yaml`/`.yml` → YAML, `.json` → JSON; otherwise sniffed: text starting with `{` or `[` is JSON.
    public static func detect(path: String, text: String) -> CatalogFormat {
        let lowercased = path.lowercased()
        if lowercased.hasSuffix(".yaml") || lowercased.hasSuffix(".yml") { return .yaml }
        if lowercased.hasSuffix(".json") { return .json }
        let first = text.unicodeScalars.first { !CharacterSet.whitespacesAndNewlines.contains($0) && $0 != "\u{FEFF}" }
        return first == "{" || first == "[" ? .json : .yaml
    }
}
