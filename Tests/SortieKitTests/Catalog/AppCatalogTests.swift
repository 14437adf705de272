import Testing
@testable import SortieKit

@Suite("Catalog lookup and source resolution")
struct AppCatalogTests {
    let catalog = AppCatalog(apps: [
        AppDefinition(id: "xterm", name: "XTerm", launchType: .container, containerImage: "xterm:1"),
        AppDefinition(id: "docs", name: "Docs", url: "https://docs.example.com", launchType: .url),
    ])

    @Test("lookup by id")
    func lookup() throws {
        #expect(try catalog.app(id: "docs").name == "Docs")
        #expect(try catalog.sessionCapableApp(id: "xterm").containerImage == "xterm:1")
    }

    @Test("unknown ids list what is available")
    func unknown() {
        #expect(throws: CatalogError.unknownApp("firefox", available: ["xterm", "docs"])) {
            try catalog.app(id: "firefox")
        }
        #expect(CatalogError.unknownApp("firefox", available: ["xterm", "docs"]).description
            == #"no app with id "firefox" (available: xterm, docs)"#)
        #expect(throws: CatalogError.unknownApp("a", available: ["xterm", "docs"])) { try catalog.sessionCapableApp(id: "a") }
        #expect(CatalogError.unknownApp("a", available: []).description == #"no app with id "a" (the catalog is empty)"#)
    }

    @Test("url apps cannot start sessions")
    func urlApp() {
        let error = #expect(throws: CatalogError.notSessionCapable(id: "docs", url: "https://docs.example.com")) {
            try catalog.sessionCapableApp(id: "docs")
        }
        #expect(error?.description
            == "app docs is a url app (opens https://docs.example.com); only container apps can start sessions")
    }

    @Test("source: explicit path, then SORTIE_APPS, then ./apps.json", arguments: [
        ("/etc/a.json" as String?, ["SORTIE_APPS": "/env.json"], CatalogSource(path: "/etc/a.json", origin: .explicit)),
        (nil, ["SORTIE_APPS": "/env.json"], CatalogSource(path: "/env.json", origin: .environment(variable: "SORTIE_APPS"))),
        ("", ["SORTIE_APPS": "/env.json"], CatalogSource(path: "/env.json", origin: .environment(variable: "SORTIE_APPS"))),
        (nil, ["SORTIE_APPS": ""], CatalogSource(path: "apps.json", origin: .defaultLocation)),
        (nil, [:], CatalogSource(path: "apps.json", origin: .defaultLocation)),
    ])
    func source(explicit: String?, environment: [String: String], expected: CatalogSource) {
        #expect(CatalogSource.resolve(explicitPath: explicit, environment: environment) == expected)
    }

    @Test("DNS-1123 labels", arguments: [
        ("firefox", true), ("a", true), ("0", true), ("sortie-docs", true), ("a1-b2", true),
        (String(repeating: "a", count: 63), true), (String(repeating: "a", count: 64), false),
        ("", false), ("-a", false), ("a-", false), ("A", false), ("a_b", false), ("a.b", false), ("é", false),
    ])
    func dnsLabels(id: String, valid: Bool) {
        #expect(NameRules.isDNS1123Label(id) == valid)
    }

    @Test("image references", arguments: [
        ("nginx", true), ("nginx:1.25", true), ("ghcr.io/rjsadow/sortie-xterm:latest", true),
        ("localhost:5000/app", true), ("registry.example.com:443/a/b/c:v1.2-rc_3", true),
        ("jlesage/libreoffice:latest", true), ("a__b/c--d:x", true),
        ("app@sha256:" + String(repeating: "a", count: 64), true),
        ("Registry.Example.com/app", true), ("UPPER/case", true),
        ("", false), ("a b", false), ("app/UPPER", false), ("Nginx", false), ("app:", false), (":tag", false),
        ("app:-tag", false), ("/app", false), ("app/", false), ("app@sha256:abc", false),
        ("app:" + String(repeating: "t", count: 129), false), ("https://ghcr.io/app", false),
    ])
    func images(reference: String, plausible: Bool) {
        #expect(ImageReference.isPlausible(reference) == plausible)
    }
}
