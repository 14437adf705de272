import Foundation
import Yams

/// Reads an `apps.json` (or YAML) catalog, validates it, and returns the apps with any warnings.
///
/// JSON is first checked with `JSONSerialization`, so malformed JSON is reported with its line and
/// column; it is then composed with Yams (JSON is YAML-compatible) so every node keeps its line for
/// validation messages.
public struct CatalogLoader: Sendable {
    /// Reads a file's bytes; swapped out in tests.
    public typealias FileReader = @Sendable (String) throws -> Data

    private let readFile: FileReader

    /// - Parameter readFile: reads the file at a path; defaults to reading from disk.
    public init(readFile: @escaping FileReader = { try LocalFileSystem.readRegularFile($0) }) {
        self.readFile = readFile
    }

    /// Loads the catalog chosen by ``CatalogSource/resolve(explicitPath:environment:)``.
    /// - Throws: ``CatalogError`` when the file is missing, unreadable, malformed or invalid.
    public func load(_ source: CatalogSource) throws(CatalogError) -> LoadedCatalog {
        let data: Data
        do {
            data = try readFile(source.path)
        } catch let error as CocoaError where [.fileReadNoSuchFile, .fileNoSuchFile].contains(error.code) {
            throw .fileNotFound(source)
        } catch let error as FileSystemError where error.reason == FileSystemError.doesNotExist {
            throw .fileNotFound(source)
        } catch {
            throw .unreadable(path: source.path, reason: Self.reason(error))
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw .unreadable(path: source.path, reason: "not UTF-8 text")
        }
        return try parse(text, path: source.path)
    }

    /// Loads the catalog at `path`.
    public func load(path: String) throws(CatalogError) -> LoadedCatalog {
        try load(CatalogSource(path: path, origin: .explicit))
    }

    /// Parses and validates catalog text.
    /// - Parameters:
    ///   - text: the file's contents.
    ///   - path: the file name used in messages.
    ///   - format: JSON or YAML; detected from `path` and `text` when nil.
    /// - Throws: ``CatalogError/malformed(path:line:column:reason:)`` or ``CatalogError/invalid(path:issues:)``.
    public func parse(_ text: String, path: String, format: CatalogFormat? = nil) throws(CatalogError) -> LoadedCatalog {
        if text.allSatisfy({ $0.isWhitespace || $0 == "\u{FEFF}" }) {
            // An empty file is a validation error ("top level is empty"), not a syntax error.
            let outcome = CatalogValidator(file: path).validate(nil)
            throw .invalid(path: path, issues: outcome.errors)
        }
        var yamlText = text
        if (format ?? CatalogFormat.detect(path: path, text: text)) == .json {
            try Self.checkJSONSyntax(text, path: path)
            // Tabs are legal JSON whitespace but not YAML indentation. Valid JSON has no raw tab
            // inside strings, so replacing them keeps the meaning and every line number.
            yamlText = text.replacingOccurrences(of: "\t", with: " ")
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: yamlText)
        } catch let error as YamlError {
            throw Self.malformed(error, path: path)
        } catch {
            throw .malformed(path: path, line: nil, column: nil, reason: Self.reason(error))
        }
        let outcome = CatalogValidator(file: path).validate(root)
        guard outcome.errors.isEmpty else { throw .invalid(path: path, issues: outcome.errors) }
        return LoadedCatalog(catalog: AppCatalog(apps: outcome.apps), warnings: outcome.warnings)
    }

    private static func checkJSONSyntax(_ text: String, path: String) throws(CatalogError) {
        let bytes = Data(text.utf8)
        do {
            _ = try JSONSerialization.jsonObject(with: bytes, options: [.fragmentsAllowed])
        } catch {
            // Foundation reports "… around character N." (a 0-based byte offset) or an unexpected end.
            let message = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? reason(error)
            var offset = bytes.count
            if let match = message.firstMatch(of: #/character (\d+)/#), let n = Int(match.1) { offset = n }
            let (line, column) = lineAndColumn(ofByte: offset, in: bytes)
            let reason = message.replacing(#/ around character \d+/#, with: "")
                .trimmingCharacters(in: CharacterSet(charactersIn: ". "))
            throw .malformed(path: path, line: line, column: column, reason: "invalid JSON: \(reason)")
        }
    }

    static func lineAndColumn(ofByte offset: Int, in bytes: Data) -> (Int, Int) {
        var line = 1
        var lineStart = 0
        for (i, byte) in bytes.prefix(offset).enumerated() where byte == UInt8(ascii: "\n") {
            line += 1
            lineStart = i + 1
        }
        let column = String(decoding: bytes[lineStart..<min(offset, bytes.count)], as: UTF8.self).count + 1
        return (line, column)
    }

    private static func malformed(_ error: YamlError, path: String) -> CatalogError {
        switch error {
        case .scanner(let context, let problem, let mark, _),
             .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let reason = [context?.text, problem].compactMap { $0 }.joined(separator: ": ")
            return .malformed(path: path, line: mark.line, column: mark.column, reason: "invalid YAML: \(reason)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return .malformed(path: path, line: context.mark.line, column: context.mark.column,
                              reason: "duplicate keys \(duplicates.map { "\"\($0)\"" }.joined(separator: ", "))")
        default:
            return .malformed(path: path, line: nil, column: nil, reason: "invalid YAML: \(error)")
        }
    }

    private static func reason(_ error: any Error) -> String {
        (error as? FileSystemError)?.reason ?? String(describing: error)
    }
}
