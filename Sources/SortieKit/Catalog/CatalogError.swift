/// Why a catalog could not be loaded or an app could not be used.
public enum CatalogError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The catalog file does not exist.
    case fileNotFound(CatalogSource)
    /// The catalog file exists but could not be read.
    case unreadable(path: String, reason: String)
    /// The file is not well-formed JSON or YAML; `line`/`column` are 1-based when known.
    case malformed(path: String, line: Int?, column: Int?, reason: String)
    /// The file parsed but has one or more errors, all of them listed (warnings are not included).
    case invalid(path: String, issues: [CatalogIssue])
    /// No app has this id.
    case unknownApp(String, available: [String])
    /// The app opens a link and cannot start a session pod.
    case notSessionCapable(id: String, url: String)

    /// The validation problems, for ``invalid(path:issues:)``; empty otherwise.
    public var issues: [CatalogIssue] {
        if case .invalid(_, let issues) = self { return issues }
        return []
    }

    /// A human message; for ``invalid(path:issues:)`` one line per issue.
    public var description: String {
        switch self {
        case .fileNotFound(let source):
            return "catalog file \"\(source.path)\" not found (\(source.origin.explanation))"
        case .unreadable(let path, let reason):
            return "cannot read catalog file \"\(path)\": \(reason)"
        case .malformed(let path, let line, let column, let reason):
            let location = [line.map(String.init), column.map(String.init)].compactMap { $0 }.joined(separator: ":")
            return "\(path)\(location.isEmpty ? "" : ":" + location): \(reason)"
        case .invalid(_, let issues):
            return issues.map(\.description).joined(separator: "\n")
        case .unknownApp(let id, let available):
            let list = available.isEmpty ? "the catalog is empty" : "available: \(available.joined(separator: ", "))"
            return "no app with id \"\(id)\" (\(list))"
        case .notSessionCapable(let id, let url):
            return "app \(id) is a url app (opens \(url)); only container apps can start sessions"
        }
    }
}
