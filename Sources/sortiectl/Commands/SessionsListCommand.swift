import ArgumentParser
import Foundation
import SortieKit

struct SessionsListCommand: SortieCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List sessions, optionally filtered by user, app and status.",
        discussion: """
            -o json prints {"sessions": [...]} with the fields of the sessions API (id, user_id, app_id,
            app_name, pod_name, status, websocket_url, created_at, updated_at, and reason/message when set).

            Examples:
              sortiectl sessions list
              sortiectl sessions list --user alice@example.com --status running -o json
              sortiectl sessions list -q --app xterm | xargs sortiectl sessions kill
              sortiectl sessions list --watch
            """)

    @Option(name: .long, help: "Only this user's sessions.") var user: String?
    @Option(name: .long, help: "Only sessions of this app.", completion: DynamicCompletion.appIDs) var app: String?
    @Option(name: .long, help: "Only sessions in this status: creating, running, failed, terminating, stopped, expired.")
    var status: SessionStatus?
    @Flag(name: [.short, .long], help: "After listing, keep printing sessions as they change.") var watch = false

    @OptionGroup(title: "Catalog Options") var catalog: CatalogOptions
    @OptionGroup(title: "Output Options") var output: OutputOptions
    @OptionGroup(title: "Cluster Options") var cluster: ClusterOptions
    var clusterOptions: ClusterOptions? { cluster }

    func run(_ context: CommandContext) async throws {
        let engine = try context.listingEngine()
        let filter = SessionFilter(userID: user, appID: app, status: status)
        let sessions = try await engine.sessions(matching: filter)
        try SessionRendering.render(sessions, format: output, console: context.console)
        guard watch else { return }
        var quiet = output
        quiet.noHeaders = true
        let selector = try filter.labelSelectorForWatch()
        for try await event in engine.client.listWatch(Pod.self, namespace: engine.settings.namespace, options: ListOptions(labelSelector: selector)) {
            let pods: [Pod]
            switch event {
            case .synced: continue
            case .added(let pod), .modified(let pod), .deleted(let pod): pods = [pod]
            }
            let changed = pods.compactMap { Session(pod: $0, now: Date(), timeoutMinutes: engine.settings.sessionTimeoutMinutes) }
                .filter { status == nil || $0.status == status }
            if !changed.isEmpty { try SessionRendering.render(changed, format: quiet, console: context.console) }
        }
    }
}

extension SessionStatus: ExpressibleByArgument {}

extension CommandContext {
    /// An engine for the commands that find, list, watch or end sessions (and connect to them):
    /// they never consult the catalog, so it is not loaded (they accept `--apps` as every session
    /// command does, and a missing or broken catalog does not stop them). Loading it took ~7 ms
    /// before the first request.
    func listingEngine() throws -> SessionEngine {
        let client = try kubeClient()
        return SessionEngine(client: client, catalog: AppCatalog(apps: []),
                             settings: try sessionSettings(namespace: client.configuration.namespace), logger: logger)
    }
}
