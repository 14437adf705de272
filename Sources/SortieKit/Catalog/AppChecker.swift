import Yams

/// Validates one entry of `applications`, recording errors and warnings with their lines.
struct AppChecker {
    let file: String
    let index: Int
    let node: Node
    private(set) var errors: [CatalogIssue] = []
    private(set) var warnings: [CatalogIssue] = []
    private var fields: [String: (key: Node, value: Node)] = [:]
    private(set) var appID: String?
    private var checked = false
    private var result: AppDefinition?

    init(file: String, index: Int, node: Node) {
        self.file = file
        self.index = index
        self.node = node
    }

    /// The app, or nil if it has errors. Validation runs once; later calls return the same answer.
    mutating func check() -> AppDefinition? {
        if !checked {
            checked = true
            result = run()
        }
        return result
    }

    mutating func error(_ line: Int?, _ field: String?, _ problem: CatalogIssue.Problem) {
        errors.append(CatalogIssue(file: file, line: line, appIndex: index, appID: appID, field: field, problem: problem))
        result = nil
    }

    private mutating func warn(_ line: Int?, _ field: String?, _ problem: CatalogIssue.Problem) {
        warnings.append(CatalogIssue(file: file, line: line, appIndex: index, appID: appID, field: field, problem: problem))
    }

    func fieldMark(_ name: String) -> Int? { fields[name]?.value.mark?.line ?? node.mark?.line }

    private mutating func run() -> AppDefinition? {
        guard case .mapping(let mapping) = node else {
            error(node.mark?.line, nil, .wrongType(expected: "an object", found: CatalogValidator.kindName(node)))
            return nil
        }
        var unknown: [(String, Node)] = []
        for (key, value) in mapping {
            let name = key.string ?? "\(key)"
            if CatalogValidator.appFields.contains(name) {
                fields[name] = (key, value)
            } else {
                unknown.append((name, key))
            }
        }
        // Read the id first so every message about this app can name it.
        if let value = fields["id"]?.value, case .scalar(let scalar) = value, CatalogValidator.tagName(value) == .str {
            appID = scalar.string
        }
        for (name, key) in unknown { warn(key.mark?.line, nil, .unknownField(name)) }

        let errorCountBefore = errors.count
        let id = requiredString("id", expected: "a DNS-1123 label, e.g. \"firefox\"")
        if let id, !NameRules.isDNS1123Label(id) { error(fieldMark("id"), "id", .invalidID(id)) }
        let name = requiredString("name", expected: "a human-readable name")
        if let name, name.allSatisfy(\.isWhitespace) { error(fieldMark("name"), "name", .emptyName) }
        let description = optionalString("description") ?? ""
        let url = optionalString("url") ?? ""
        let icon = optionalString("icon") ?? ""
        let category = optionalString("category") ?? ""
        let visibility = enumValue("visibility", AppDefinition.Visibility.self) ?? .public
        let image = optionalString("container_image")

        var launchType = enumValue("launch_type", AppDefinition.LaunchType.self)
        if launchType == nil, fields["launch_type"] == nil || isNull("launch_type") {
            if !url.isEmpty {
                launchType = .url
            } else {
                error(node.mark?.line, "launch_type", .launchTypeUndetermined)
            }
        }
        switch launchType {
        case .url?:
            if url.isEmpty { error(fieldMark("url"), "url", .missingURL) }
        case .container?:
            if let image, !image.isEmpty {
                if !ImageReference.isPlausible(image) {
                    error(fieldMark("container_image"), "container_image", .invalidImage(image))
                }
            } else if fields["container_image"] == nil || image != nil || isNull("container_image") {
                error(fieldMark("container_image"), "container_image", .missingImage)
            }
        case nil:
            break
        }
        let limits = resourceLimits()

        guard errors.count == errorCountBefore, let id, let name, let launchType else { return nil }
        return AppDefinition(
            id: id, name: name, description: description, url: url, icon: icon, category: category,
            visibility: visibility, launchType: launchType, containerImage: image, resourceLimits: limits)
    }

    // MARK: - Field readers

    private func isNull(_ field: String) -> Bool {
        if let value = fields[field]?.value, case .scalar = value { return CatalogValidator.tagName(value) == .null }
        return false
    }

    private mutating func string(_ field: String, _ value: Node, path: String) -> String? {
        if case .scalar(let scalar) = value, CatalogValidator.tagName(value) == .str { return scalar.string }
        error(value.mark?.line, path, .wrongType(expected: "a string", found: CatalogValidator.kindName(value)))
        return nil
    }

    private mutating func requiredString(_ field: String, expected: String) -> String? {
        guard let entry = fields[field], !isNull(field) else {
            error(node.mark?.line, field, .missingField(expected: expected))
            return nil
        }
        return string(field, entry.value, path: field)
    }

    private mutating func optionalString(_ field: String) -> String? {
        guard let entry = fields[field], !isNull(field) else { return nil }
        return string(field, entry.value, path: field)
    }

    private mutating func enumValue<E: RawRepresentable & CaseIterable>(_ field: String, _: E.Type) -> E?
    where E.RawValue == String {
        guard let raw = optionalString(field) else { return nil }
        guard let value = E(rawValue: raw) else {
            error(fieldMark(field), field, .unknownValue(raw, allowed: E.allCases.map(\.rawValue)))
            return nil
        }
        return value
    }

    private mutating func resourceLimits() -> ResourceLimits? {
        guard let entry = fields["resource_limits"], !isNull("resource_limits") else { return nil }
        guard case .mapping(let mapping) = entry.value else {
            error(entry.value.mark?.line, "resource_limits",
                  .wrongType(expected: "an object", found: CatalogValidator.kindName(entry.value)))
            return nil
        }
        var quantities: [String: (Quantity, Int?)] = [:]
        for (key, value) in mapping {
            let name = key.string ?? "\(key)"
            let path = "resource_limits.\(name)"
            guard CatalogValidator.resourceFields.contains(name) else {
                warn(key.mark?.line, nil, .unknownField(path))
                continue
            }
            guard case .scalar(let scalar) = value, [.str, .int, .float].contains(CatalogValidator.tagName(value)) else {
                if case .scalar = value, CatalogValidator.tagName(value) == .null { continue }
                error(value.mark?.line, path, .wrongType(expected: "a quantity string such as \"500m\"",
                                                         found: CatalogValidator.kindName(value)))
                continue
            }
            do throws(QuantityError) {
                quantities[name] = (try Quantity(parsing: scalar.string), value.mark?.line)
            } catch {
                self.error(value.mark?.line, path, .invalidQuantity(error))
            }
        }
        let limits = ResourceLimits(
            cpuRequest: quantities["cpu_request"]?.0, cpuLimit: quantities["cpu_limit"]?.0,
            memoryRequest: quantities["memory_request"]?.0, memoryLimit: quantities["memory_limit"]?.0)
        let resolved = limits.resolved
        for (request, limit, requestValue, limitValue) in [
            ("cpu_request", "cpu_limit", resolved.cpuRequest, resolved.cpuLimit),
            ("memory_request", "memory_limit", resolved.memoryRequest, resolved.memoryLimit),
        ] where requestValue > limitValue {
            let line = quantities[request]?.1 ?? quantities[limit]?.1 ?? entry.value.mark?.line
            error(line, "resource_limits.\(request)", .requestExceedsLimit(
                request: requestValue, limitField: limit, limit: limitValue,
                limitIsDefault: quantities[limit] == nil))
        }
        return limits
    }
}
