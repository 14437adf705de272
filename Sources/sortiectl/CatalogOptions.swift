import ArgumentParser
import SortieKit

/// Where the app catalog comes from.
struct CatalogOptions: ParsableArguments {
    @Option(name: .long, help: "The app catalog (apps.json or YAML; default: SORTIE_APPS, then ./apps.json).",
            completion: .file(extensions: ["json", "yaml", "yml"]))
    var apps: String?
}

/// Who a session belongs to on the command line.
struct UserOption: ParsableArguments {
    @Option(name: .long, help: "The user id sessions belong to (default: SORTIE_USER, then $USER).")
    var user: String?

    func resolve(_ environment: [String: String]) -> String {
        user ?? environment["SORTIE_USER"].flatMap { $0.isEmpty ? nil : $0 } ?? environment["USER"].flatMap { $0.isEmpty ? nil : $0 } ?? "anonymous"
    }
}

extension CommandContext {
    /// Loads the catalog, printing its warnings (unknown fields) to stderr.
    func catalog(_ options: CatalogOptions) throws -> AppCatalog {
        let source = CatalogSource.resolve(explicitPath: options.apps, environment: environment)
        let loaded = try CatalogLoader().load(source)
        for warning in loaded.warnings { console.diagnostic("warning: \(warning)") }
        return loaded.catalog
    }

    /// The seed's settings from the environment, with the namespace from the cluster configuration.
    func sessionSettings(namespace: String) throws -> SessionSettings {
        var settings = try SessionSettings(environment: environment)
        settings.namespace = namespace
        return settings
    }

    /// The session engine for the resolved cluster and catalog.
    func engine(_ catalogOptions: CatalogOptions) throws -> SessionEngine {
        let client = try kubeClient()
        return SessionEngine(client: client, catalog: try catalog(catalogOptions),
                             settings: try sessionSettings(namespace: client.configuration.namespace), logger: logger)
    }
}
