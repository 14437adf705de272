import Yams

/// Checks a composed catalog document and builds its ``AppDefinition``s, collecting every
/// problem (not just the first) with its line number.
public struct CatalogValidator: Sendable {
    /// What validation found.
    public struct Outcome: Sendable, Equatable {
        /// The apps that had no errors, in file order.
        public var apps: [AppDefinition]
        public var errors: [CatalogIssue]
        public var warnings: [CatalogIssue]
    }

    static let topLevelFields: Set<String> = ["applications"]
    static let appFields: Set<String> = [
        "id", "name", "description", "url", "icon", "category", "visibility", "launch_type",
        "container_image", "resource_limits",
    ]
    static let resourceFields = ["cpu_request", "cpu_limit", "memory_request", "memory_limit"]

    /// The file name used in every issue.
    public var file: String

    public init(file: String) {
        self.file = file
    }

    /// Validates a document produced by `Yams.compose` (`nil` for an empty document).
    public func validate(_ root: Node?) -> Outcome {
        var outcome = Outcome(apps: [], errors: [], warnings: [])
        guard let root, case .mapping(let top) = root else {
            let found = root.map(Self.kindName) ?? "empty"
            outcome.errors.append(CatalogIssue(file: file, line: root?.mark?.line,
                                               problem: .topLevelNotAnObject(found: found)))
            return outcome
        }
        var applications: Node?
        for (key, value) in top {
            let name = key.string ?? "\(key)"
            if name == "applications" {
                applications = value
            } else {
                outcome.warnings.append(CatalogIssue(file: file, line: key.mark?.line, problem: .unknownField(name)))
            }
        }
        guard let applications else {
            outcome.errors.append(CatalogIssue(file: file, line: root.mark?.line, problem: .missingApplications))
            return outcome
        }
        guard case .sequence(let list) = applications else {
            outcome.errors.append(CatalogIssue(
                file: file, line: applications.mark?.line, field: "applications",
                problem: .wrongType(expected: "a list", found: Self.kindName(applications))))
            return outcome
        }
        if list.isEmpty {
            outcome.warnings.append(CatalogIssue(file: file, line: applications.mark?.line, problem: .emptyCatalog))
        }
        var firstIndexOfID: [String: Int] = [:]
        for (index, node) in list.enumerated() {
            var app = AppChecker(file: file, index: index, node: node)
            let definition = app.check()
            if let id = app.appID, NameRules.isDNS1123Label(id) {
                if let earlier = firstIndexOfID[id] {
                    app.error(app.fieldMark("id"), "id", .duplicateID(id, firstIndex: earlier))
                } else {
                    firstIndexOfID[id] = index
                    if let definition { outcome.apps.append(definition) }
                }
            } else if let definition {
                outcome.apps.append(definition)
            }
            outcome.errors += app.errors
            outcome.warnings += app.warnings
        }
        return outcome
    }

    /// The node's resolved tag (`str`, `int`, …); `Tag.name` itself is not public in Yams.
    static func tagName(_ node: Node) -> Tag.Name { Tag.Name(rawValue: node.tag.rawValue) }

    /// "a string", "a number", "an object", … for messages.
    static func kindName(_ node: Node) -> String {
        switch node {
        case .mapping: return "an object"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar:
            switch tagName(node) {
            case .str: return "a string"
            case .int, .float: return "a number"
            case .bool: return "a boolean"
            case .null: return "null"
            default: return "a \(node.tag.rawValue) value"
            }
        }
    }
}
