/// One problem found in a catalog file: where it is (file, line, app, field) and what is wrong.
///
/// Errors make the catalog unusable; warnings (unknown fields, an empty list) are returned
/// alongside a loaded catalog.
public struct CatalogIssue: Sendable, Equatable, CustomStringConvertible {
    /// What is wrong, with the data needed to say what was expected instead.
    public enum Problem: Sendable, Equatable {
        /// The document's top level is not an object; `found` describes what it is.
        case topLevelNotAnObject(found: String)
        /// The top-level `applications` key is absent.
        case missingApplications
        /// A value has the wrong YAML/JSON type.
        case wrongType(expected: String, found: String)
        /// A required field is absent.
        case missingField(expected: String)
        /// `name` is empty or blank.
        case emptyName
        /// `id` is not a DNS-1123 label.
        case invalidID(String)
        /// `id` repeats the id of an earlier application.
        case duplicateID(String, firstIndex: Int)
        /// A resource value is not a valid, non-negative quantity.
        case invalidQuantity(QuantityError)
        /// A request is larger than its limit (which may be the default).
        case requestExceedsLimit(request: Quantity, limitField: String, limit: Quantity, limitIsDefault: Bool)
        /// An enumerated field has a value outside its allowed set.
        case unknownValue(String, allowed: [String])
        /// `launch_type` is absent and `url` is empty, so the launch type cannot be inferred.
        case launchTypeUndetermined
        /// A `url` app has an empty `url`.
        case missingURL
        /// A `container` app has no `container_image`.
        case missingImage
        /// `container_image` is not a plausible image reference.
        case invalidImage(String)
        /// A field sortie does not know (warning; the field is ignored).
        case unknownField(String)
        /// The `applications` list is empty (warning).
        case emptyCatalog
    }

    /// The catalog file as given by the caller.
    public var file: String
    /// 1-based line of the offending node, when known.
    public var line: Int?
    /// Position in the `applications` list, for per-app problems.
    public var appIndex: Int?
    /// The app's `id` as written (even if invalid), when it is a string.
    public var appID: String?
    /// Dotted field path, e.g. `resource_limits.cpu_request`.
    public var field: String?
    public var problem: Problem

    public init(
        file: String, line: Int? = nil, appIndex: Int? = nil, appID: String? = nil,
        field: String? = nil, problem: Problem
    ) {
        self.file = file
        self.line = line
        self.appIndex = appIndex
        self.appID = appID
        self.field = field
        self.problem = problem
    }

    /// Whether this is a warning (the catalog still loads) rather than an error.
    public var isWarning: Bool {
        switch problem {
        case .unknownField, .emptyCatalog: true
        default: false
        }
    }

    /// E.g. `apps.json:12: application[1] "vscode": field "resource_limits.cpu_request": "2Gx" is not a
    /// Kubernetes quantity (expected e.g. 500m, 2, 1Gi)`, or for a warning
    /// `apps.json:14: application "vscode": unknown field "colour" (ignored)`.
    public var description: String {
        var parts = [line.map { "\(file):\($0)" } ?? file]
        if let appIndex {
            switch (isWarning, appID) {
            case (true, let id?): parts.append("application \"\(Self.shown(id))\"")
            case (false, let id?): parts.append("application[\(appIndex)] \"\(Self.shown(id))\"")
            case (_, nil): parts.append("application[\(appIndex)]")
            }
        }
        if let field, !isWarning { parts.append("field \"\(field)\"") }
        parts.append(problemText)
        return parts.joined(separator: ": ")
    }

    /// A value from the file as messages quote it: at most 80 characters, so a huge or hostile
    /// value cannot flood the terminal.
    static func shown(_ value: String) -> String {
        value.count <= 80 ? value : value.prefix(77) + "…"
    }

    private var problemText: String {
        switch problem {
        case .topLevelNotAnObject(let found):
            return "top level is \(found) (expected an object with an \"applications\" list)"
        case .missingApplications:
            return "field \"applications\" is missing (expected a list of applications)"
        case .wrongType(let expected, let found):
            return "expected \(expected), found \(found)"
        case .missingField(let expected):
            return "missing (expected \(expected))"
        case .emptyName:
            return "must not be empty (expected a human-readable name)"
        case .invalidID(let id):
            return "\"\(Self.shown(id))\" is not a DNS-1123 label (expected at most 63 lowercase letters, digits or '-', "
                + "starting and ending with a letter or digit, e.g. \"libreoffice\")"
        case .duplicateID(let id, let firstIndex):
            return "\"\(Self.shown(id))\" is already the id of application[\(firstIndex)] (expected unique ids)"
        case .invalidQuantity(let error):
            return error.description
        case .requestExceedsLimit(let request, let limitField, let limit, let limitIsDefault):
            return "\(request) is more than \(limitField) \(limit)\(limitIsDefault ? " (the default)" : "") "
                + "(expected a request no greater than its limit)"
        case .unknownValue(let value, let allowed):
            return "\"\(Self.shown(value))\" is not allowed (expected one of: \(allowed.joined(separator: ", ")))"
        case .launchTypeUndetermined:
            return "missing and \"url\" is empty (expected \"container\" with a container_image, or a non-empty url)"
        case .missingURL:
            return "empty for a url app (expected a link, e.g. https://example.com)"
        case .missingImage:
            return "missing for a container app (expected an image reference, e.g. ghcr.io/org/app:1.0)"
        case .invalidImage(let image):
            return "\"\(Self.shown(image))\" is not a plausible image reference (expected e.g. ghcr.io/org/app:1.0)"
        case .unknownField(let name):
            return "unknown field \"\(Self.shown(name))\" (ignored)"
        case .emptyCatalog:
            return "\"applications\" is empty (no app can be launched)"
        }
    }
}
