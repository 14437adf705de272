import Foundation
import Testing
@testable import SortieKit

@Suite("Loading apps.json / apps.yaml")
struct CatalogLoaderTests {
    let loader = CatalogLoader()

    @Test("examples/apps.json loads with the seed's apps and the demo apps")
    func exampleCatalog() throws {
        let url = try FixturePath.exampleCatalog()
        let loaded = try loader.load(path: url.path)
        #expect(loaded.warnings.isEmpty)
        let catalog = loaded.catalog
        #expect(catalog.ids == ["firefox", "vscode", "libreoffice", "xterm", "xclock", "sortie-docs"])

        let vscode = try catalog.app(id: "vscode")
        #expect(vscode.visibility == .approved)
        #expect(vscode.containerImage == "codercom/code-server:latest")
        #expect(vscode.resourceLimits == nil)
        #expect(vscode.resources.cpuRequest.description == "500m")
        #expect(vscode.resources.cpuLimit.description == "2")
        #expect(vscode.resources.memoryRequest.description == "512Mi")
        #expect(vscode.resources.memoryLimit.description == "2Gi")

        let office = try catalog.app(id: "libreoffice")
        #expect(office.resources.memoryRequest.description == "1Gi")
        #expect(office.resources.memoryLimit.description == "4Gi")

        let xterm = try catalog.sessionCapableApp(id: "xterm")
        #expect(xterm.containerImage == "ghcr.io/rjsadow/sortie-xterm:latest")
        #expect(xterm.resources.memoryLimit < ResourceLimits.defaultMemoryLimit)

        let docs = try catalog.app(id: "sortie-docs")
        #expect(docs.launchType == .url)  // inferred: launch_type absent, url non-empty
        #expect(docs.visibility == .public)
    }

    @Test("YAML gives the same catalog as JSON")
    func yaml() throws {
        let yaml = """
        applications:
          - id: xterm
            name: XTerm
            launch_type: container
            container_image: ghcr.io/rjsadow/sortie-xterm:latest
            resource_limits:
              cpu_request: 50m
              cpu_limit: 1
          - id: docs
            name: Docs
            url: https://example.com
        """
        let json = """
        {"applications": [
          {"id": "xterm", "name": "XTerm", "launch_type": "container",
           "container_image": "ghcr.io/rjsadow/sortie-xterm:latest",
           "resource_limits": {"cpu_request": "50m", "cpu_limit": "1"}},
          {"id": "docs", "name": "Docs", "url": "https://example.com"}
        ]}
        """
        let fromYAML = try loader.parse(yaml, path: "apps.yaml")
        let fromJSON = try loader.parse(json, path: "apps.json")
        #expect(fromYAML == fromJSON)
        #expect(fromYAML.catalog.apps.count == 2)
        #expect(try fromYAML.catalog.app(id: "xterm").resources.cpuLimit.description == "1")
    }

    @Test("the brief's example error, with its line, index, id and field")
    func quantityErrorMessage() throws {
        let json = """
        {
          "applications": [
            {
              "id": "firefox",
              "name": "Firefox",
              "launch_type": "container",
              "container_image": "ghcr.io/org/firefox:1"
            },
            {
              "id": "vscode", "name": "VS Code", "launch_type": "container", "container_image": "codercom/code-server:latest",
              "resource_limits": {
                "cpu_request": "2Gx"
              }
            }
          ]
        }
        """
        let error = #expect(throws: CatalogError.self) { try loader.parse(json, path: "apps.json") }
        #expect(error?.description == """
            apps.json:12: application[1] "vscode": field "resource_limits.cpu_request": "2Gx" is not a \
            Kubernetes quantity (expected e.g. 500m, 2, 1Gi)
            """)
    }

    @Test("unknown fields are warnings with their lines, and the catalog still loads")
    func unknownFieldWarning() throws {
        let json = """
        {
          "version": 2,
          "applications": [
            {
              "id": "vscode",
              "name": "VS Code",
              "description": "",
              "url": "",
              "icon": "",
              "category": "Development",
              "visibility": "approved",
              "launch_type": "container",
              "container_image": "codercom/code-server:latest",
              "colour": "blue",
              "resource_limits": {"gpu": "1"}
            }
          ]
        }
        """
        let loaded = try loader.parse(json, path: "apps.json")
        #expect(loaded.catalog.ids == ["vscode"])
        #expect(loaded.warnings.map(\.description) == [
            #"apps.json:2: unknown field "version" (ignored)"#,
            #"apps.json:14: application "vscode": unknown field "colour" (ignored)"#,
            #"apps.json:15: application "vscode": unknown field "resource_limits.gpu" (ignored)"#,
        ])
        #expect(loaded.warnings.allSatisfy { $0.isWarning })
    }

    @Test("every error in the file is reported, not just the first")
    func collectsAllErrors() throws {
        let json = """
        {"applications": [
          {"id": "Bad_ID", "name": "", "launch_type": "vm"},
          {"id": "ok", "name": "OK", "launch_type": "container"},
          {"id": "ok", "name": "Dup", "url": "https://x"},
          {"name": 5, "visibility": "secret", "url": "https://y"},
          "not an object",
          {"id": "mem", "name": "Mem", "launch_type": "container", "container_image": "app/UPPER",
           "resource_limits": {"memory_request": "4Gi", "cpu_limit": "-1", "cpu_request": ["1"]}}
        ]}
        """
        let error = #expect(throws: CatalogError.self) { try loader.parse(json, path: "apps.json") }
        let issues = error?.issues ?? []
        #expect(issues.allSatisfy { issue in !issue.isWarning })
        let summary = issues.map { "\($0.line ?? 0) \($0.appIndex ?? -1) \($0.field ?? "-") \($0.problem)" }
        #expect(summary == [
            #"2 0 id invalidID("Bad_ID")"#,
            #"2 0 name emptyName"#,
            #"2 0 launch_type unknownValue("vm", allowed: ["url", "container"])"#,
            #"3 1 container_image missingImage"#,
            #"4 2 id duplicateID("ok", firstIndex: 1)"#,
            #"5 3 id missingField(expected: "a DNS-1123 label, e.g. \"firefox\"")"#,
            #"5 3 name wrongType(expected: "a string", found: "a number")"#,
            #"5 3 visibility unknownValue("secret", allowed: ["public", "approved", "private"])"#,
            #"6 4 - wrongType(expected: "an object", found: "a string")"#,
            #"7 5 container_image invalidImage("app/UPPER")"#,
            #"8 5 resource_limits.cpu_limit invalidQuantity("-1" is negative (expected a quantity of at least 0, e.g. 500m, 2, 1Gi))"#,
            #"8 5 resource_limits.cpu_request wrongType(expected: "a quantity string such as \"500m\"", found: "a list")"#,
            #"8 5 resource_limits.memory_request requestExceedsLimit(request: 4Gi, limitField: "memory_limit", limit: 2Gi, limitIsDefault: true)"#,
        ])
        #expect(error?.description.split(separator: "\n").count == issues.count)
    }

    @Test("messages name what was expected", arguments: [
        (#"{"applications": [{"id": "x", "name": "X", "launch_type": "vm"}]}"#,
         #"apps.json:1: application[0] "x": field "launch_type": "vm" is not allowed (expected one of: url, container)"#),
        (#"{"applications": [{"id": "x", "name": "X", "url": "https://a", "visibility": "team"}]}"#,
         #"apps.json:1: application[0] "x": field "visibility": "team" is not allowed (expected one of: public, approved, private)"#),
        (#"{"applications": [{"id": "x", "name": "X"}]}"#,
         #"apps.json:1: application[0] "x": field "launch_type": missing and "url" is empty (expected "container" with a container_image, or a non-empty url)"#),
        (#"{"applications": [{"id": "x", "name": "X", "launch_type": "url"}]}"#,
         #"apps.json:1: application[0] "x": field "url": empty for a url app (expected a link, e.g. https://example.com)"#),
        (#"{"applications": [{"id": "x", "name": "X", "launch_type": "container", "container_image": ""}]}"#,
         #"apps.json:1: application[0] "x": field "container_image": missing for a container app (expected an image reference, e.g. ghcr.io/org/app:1.0)"#),
        (#"{"applications": [{"id": "x", "name": "X", "launch_type": "container", "container_image": "a b"}]}"#,
         #"apps.json:1: application[0] "x": field "container_image": "a b" is not a plausible image reference (expected e.g. ghcr.io/org/app:1.0)"#),
        (#"{"applications": [{"id": "x", "name": "X", "url": "u", "resource_limits": {"cpu_request": "3"}}]}"#,
         #"apps.json:1: application[0] "x": field "resource_limits.cpu_request": 3 is more than cpu_limit 2 (the default) (expected a request no greater than its limit)"#),
        (#"{"applications": [{"id": "x", "name": "X", "url": "u", "resource_limits": {"memory_request": "1Gi", "memory_limit": "1G"}}]}"#,
         #"apps.json:1: application[0] "x": field "resource_limits.memory_request": 1Gi is more than memory_limit 1G (expected a request no greater than its limit)"#),
        (#"{"applications": [{"id": "x", "name": "X", "url": "u", "resource_limits": {"cpu_limit": "-2"}}]}"#,
         #"apps.json:1: application[0] "x": field "resource_limits.cpu_limit": "-2" is negative (expected a quantity of at least 0, e.g. 500m, 2, 1Gi)"#),
        (#"{"applications": [{"name": "X", "url": "u"}]}"#,
         #"apps.json:1: application[0]: field "id": missing (expected a DNS-1123 label, e.g. "firefox")"#),
        (#"{"applications": {"id": "x"}}"#,
         #"apps.json:1: field "applications": expected a list, found an object"#),
        (#"{"apps": []}"#,
         #"apps.json:1: field "applications" is missing (expected a list of applications)"#),
        (#"[{"id": "x"}]"#,
         #"apps.json:1: top level is a list (expected an object with an "applications" list)"#),
        (#""hello""#,
         #"apps.json:1: top level is a string (expected an object with an "applications" list)"#),
        ("   ",
         #"apps.json: top level is empty (expected an object with an "applications" list)"#),
    ])
    func errorMessages(json: String, expected: String) {
        let error = #expect(throws: CatalogError.self) { try loader.parse(json, path: "apps.json") }
        #expect(error?.description == expected)
    }

    @Test("a request equal to its limit is fine; numbers are accepted as quantities")
    func requestEqualsLimit() throws {
        let json = #"{"applications": [{"id": "x", "name": "X", "url": "u", "resource_limits": {"cpu_request": 1, "cpu_limit": "1000m"}}]}"#
        let app = try loader.parse(json, path: "apps.json").catalog.app(id: "x")
        #expect(app.resources.cpuRequest == app.resources.cpuLimit)
    }

    @Test("malformed JSON is reported with line and column", arguments: [
        ("{\n  \"applications\": [\n    {\"id\": x}\n  ]\n}", 3, 12),
        ("{\"applications\": [", 1, 19),
    ])
    func malformedJSON(json: String, line: Int, column: Int) {
        let error = #expect(throws: CatalogError.self) { try loader.parse(json, path: "apps.json") }
        guard case .malformed(let path, let gotLine, let gotColumn, let reason)? = error else {
            Issue.record("expected .malformed, got \(String(describing: error))")
            return
        }
        #expect(path == "apps.json")
        #expect(gotLine == line)
        #expect(gotColumn == column)
        #expect(reason.hasPrefix("invalid JSON"))
        #expect(error?.description.hasPrefix("apps.json:\(line):\(column): invalid JSON") == true)
    }

    @Test("malformed YAML is reported with its line")
    func malformedYAML() {
        let yaml = "applications:\n  - id: a\n    name: [unclosed\n"
        let error = #expect(throws: CatalogError.self) { try loader.parse(yaml, path: "apps.yaml") }
        guard case .malformed(_, let line?, _, let reason)? = error else {
            Issue.record("expected .malformed with a line, got \(String(describing: error))")
            return
        }
        #expect(line >= 3)
        #expect(reason.hasPrefix("invalid YAML"))
    }

    @Test("duplicate keys are malformed, not silently merged")
    func duplicateKeys() {
        let json = "{\"applications\": [],\n \"applications\": []}"
        let error = #expect(throws: CatalogError.self) { try loader.parse(json, path: "apps.json") }
        guard case .malformed(_, _, _, let reason)? = error else {
            Issue.record("expected .malformed, got \(String(describing: error))")
            return
        }
        #expect(reason.contains("\"applications\""))
    }

    @Test("tab-indented JSON is valid and keeps its line numbers")
    func tabs() throws {
        let json = "{\n\t\"applications\": [\n\t\t{\"id\": \"a\", \"name\": \"A\", \"url\": \"u\", \"extra\": 1}\n\t]\n}"
        let loaded = try loader.parse(json, path: "apps.json")
        #expect(loaded.warnings.first?.line == 3)
    }

    @Test("JSON escapes survive the trip through the YAML composer")
    func jsonEscapes() throws {
        let json = #"{"applications": [{"id": "d", "name": "Caf\u00e9 \"Docs\"", "url": "https:\/\/example.com\/a"}]}"#
        let app = try loader.parse(json, path: "apps.json").catalog.app(id: "d")
        #expect(app.name == "Café \"Docs\"")
        #expect(app.url == "https://example.com/a")
    }

    @Test("an empty list loads with a warning")
    func emptyList() throws {
        let loaded = try loader.parse(#"{"applications": []}"#, path: "apps.json")
        #expect(loaded.catalog.apps.isEmpty)
        #expect(loaded.warnings.map(\.problem) == [.emptyCatalog])
    }

    @Test("files: JSON by extension or sniffing, YAML by extension, missing files named")
    func files() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("catalog-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let yamlFile = dir.appendingPathComponent("apps.yml")
        try "applications:\n  - {id: a, name: A, url: 'https://a'}\n".write(to: yamlFile, atomically: true, encoding: .utf8)
        #expect(try loader.load(path: yamlFile.path).catalog.ids == ["a"])
        let sniffed = dir.appendingPathComponent("catalog")
        try #"  {"applications": [{"id": "b", "name": "B", "url": "u"}]}"#.write(to: sniffed, atomically: true, encoding: .utf8)
        #expect(try loader.load(path: sniffed.path).catalog.ids == ["b"])

        let missing = CatalogSource(path: dir.appendingPathComponent("nope.json").path,
                                    origin: .environment(variable: "SORTIE_APPS"))
        #expect(throws: CatalogError.fileNotFound(missing)) { try loader.load(missing) }
        #expect(CatalogError.fileNotFound(missing).description.hasSuffix("not found (from $SORTIE_APPS)"))
    }

    @Test("format detection", arguments: [
        ("apps.yaml", "{}", CatalogFormat.yaml), ("x.YML", "{}", .yaml), ("apps.json", "a: 1", .json),
        ("apps", " \n{\"a\": 1}", .json), ("apps", "[]", .json), ("apps", "applications: []", .yaml),
    ])
    func formatDetection(path: String, text: String, expected: CatalogFormat) {
        #expect(CatalogFormat.detect(path: path, text: text) == expected)
    }
}
