import ArgumentParser
import Foundation
import SortieKit

/// `sortiectl apps`: the app catalog.
struct AppsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apps",
        abstract: "List, show, validate and render the apps of the catalog (apps.json).",
        subcommands: [AppsListCommand.self, AppsShowCommand.self, AppsValidateCommand.self, AppsRenderCommand.self],
        defaultSubcommand: AppsListCommand.self)
}

struct AppsListCommand: SortieCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List the apps of the catalog.",
        discussion: """
            Examples:
              sortiectl apps list
              sortiectl apps list --apps examples/apps.json -o json
            """)
    @OptionGroup(title: "Catalog Options") var catalog: CatalogOptions
    @OptionGroup(title: "Output Options") var output: OutputOptions

    func run(_ context: CommandContext) async throws {
        let apps = try context.catalog(catalog).apps
        if output.quiet || output.output == .name {
            for app in apps { context.console.print(app.id) }
            return
        }
        switch output.output {
        case .json, .yaml:
            try OutputWriter.write(AppList(applications: apps), format: output.output, console: context.console)
        default:
            var headers = ["ID", "NAME", "TYPE", "CATEGORY", "VISIBILITY"]
            if output.output == .wide { headers += ["IMAGE", "CPU", "MEMORY"] }
            let rows = apps.map { app -> [String] in
                var row = [app.id, app.name, app.launchType.rawValue, app.category.isEmpty ? "-" : app.category, app.visibility.rawValue]
                if output.output == .wide {
                    let r = app.resources
                    row += [app.containerImage ?? app.url, "\(r.cpuRequest)/\(r.cpuLimit)", "\(r.memoryRequest)/\(r.memoryLimit)"]
                }
                return row
            }
            context.console.write(TableRenderer(headers: headers, rows: rows).render(includeHeaders: !output.noHeaders))
        }
    }
}

/// The catalog's own shape, for `-o json`.
struct AppList: Encodable {
    var applications: [AppDefinition]
}

struct AppsShowCommand: SortieCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one app of the catalog.",
                                                    discussion: "Example:\n  sortiectl apps show xterm -o yaml")
    @Argument(help: "The app id.", completion: DynamicCompletion.appIDs) var id: String
    @OptionGroup(title: "Catalog Options") var catalog: CatalogOptions
    @Option(name: [.short, .long], help: "Output format: json or yaml.") var output: OutputFormat = .yaml

    func run(_ context: CommandContext) async throws {
        let app = try context.catalog(catalog).app(id: id)
        try OutputWriter.write(app, format: output == .json ? .json : .yaml, console: context.console)
    }
}

struct AppsValidateCommand: SortieCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate", abstract: "Check a catalog file and report every problem with its line.",
        discussion: """
            Exits 0 when the catalog is valid (warnings are printed to stderr), 7 when it is not.
            Examples:
              sortiectl apps validate apps.json
              sortiectl apps validate deploy/apps.yaml
            """)
    @Argument(help: "The catalog file (default: --apps, SORTIE_APPS, then ./apps.json).", completion: .file(extensions: ["json", "yaml", "yml"])) var file: String?
    @OptionGroup(title: "Catalog Options") var catalog: CatalogOptions

    func run(_ context: CommandContext) async throws {
        var options = catalog
        if let file { options.apps = file }
        let apps = try context.catalog(options).apps
        context.console.print("\(CatalogSource.resolve(explicitPath: options.apps, environment: context.environment).path): \(apps.count) apps, valid")
    }
}

struct AppsRenderCommand: SortieCommand {
    static let configuration = CommandConfiguration(
        commandName: "render", abstract: "Print the pod manifest a session of this app would get.",
        discussion: """
            Examples:
              sortiectl apps render xterm
              sortiectl apps render firefox -o json --user alice@example.com
            """)
    @Argument(help: "The app id.", completion: DynamicCompletion.appIDs) var id: String
    @OptionGroup(title: "Catalog Options") var catalog: CatalogOptions
    @OptionGroup var user: UserOption
    @Option(name: [.short, .long], help: "Output format: yaml or json.") var output: OutputFormat = .yaml
    @Option(name: [.short, .long], help: "The namespace to render for.") var namespace: String?

    func run(_ context: CommandContext) async throws {
        let app = try context.catalog(catalog).sessionCapableApp(id: id)
        let settings = try context.sessionSettings(namespace: namespace ?? context.environment["SORTIE_NAMESPACE"] ?? "default")
        var pod = try PodTemplateBuilder(settings: settings).pod(for: app, sessionID: UUID(), userID: user.resolve(context.environment), now: Date())
        pod.metadata.namespace = settings.namespace
        try OutputWriter.write(pod, format: output == .json ? .json : .yaml, console: context.console)
    }
}
