import ArgumentParser
import Foundation
import SortieKit

struct SessionsCreateCommand: SortieCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Start a session of an app: create its pod, optionally wait until it is ready.",
        discussion: """
            With --wait, sortiectl watches the pod (no polling) and reports progress on stderr; if the
            pod fails (image pull failure, crash) or is not ready within --timeout (POD_READY_TIMEOUT,
            default 120 s) the pod is deleted and the exit code is 1 (failed) or 3 (timeout).

            Examples:
              sortiectl sessions create xterm --wait
              id=$(sortiectl sessions create firefox --user alice@example.com -q)
              sortiectl sessions create xterm --count 10 -o json
              sortiectl sessions create vscode --dry-run=client -o yaml
            """)

    @Argument(help: "The app id from the catalog.", completion: DynamicCompletion.sessionAppIDs) var app: String
    @OptionGroup var user: UserOption
    @Flag(name: .long, help: "Wait until the session is ready (or failed).") var wait = false
    @Option(name: .long, help: "How long --wait waits, e.g. 90s, 5m (default: POD_READY_TIMEOUT seconds).") var timeout: String?
    @Option(name: .long, help: "How many sessions to create.") var count: Int = 1
    @Option(name: .customLong("dry-run"), help: "client: print the pod without sending it; server: let the API server validate it without storing it.")
    var dryRun: DryRunMode?

    @OptionGroup(title: "Catalog Options") var catalog: CatalogOptions
    @OptionGroup(title: "Output Options") var output: OutputOptions
    @OptionGroup(title: "Cluster Options") var cluster: ClusterOptions
    var clusterOptions: ClusterOptions? { cluster }

    enum DryRunMode: String, ExpressibleByArgument, Sendable { case client, server }

    func validate() throws {
        guard (1...1000).contains(count) else { throw ValidationError("--count must be between 1 and 1000") }
        if let timeout { _ = try parseDuration(timeout, flag: "--timeout") }
        if dryRun != nil && wait { throw ValidationError("--dry-run and --wait cannot be used together") }
    }

    func run(_ context: CommandContext) async throws {
        let userID = user.resolve(context.environment)
        if dryRun == .client {
            let catalog = try context.catalog(catalog)
            let namespace = (try? context.clientConfiguration().namespace) ?? context.environment["SORTIE_NAMESPACE"] ?? "default"
            let settings = try context.sessionSettings(namespace: namespace)
            let app = try catalog.sessionCapableApp(id: app)
            var pod = try PodTemplateBuilder(settings: settings).pod(for: app, sessionID: UUID(), userID: userID, now: Date())
            pod.metadata.namespace = namespace
            try OutputWriter.write(pod, format: output.output == .json ? .json : .yaml, console: context.console)
            return
        }
        let engine = try context.engine(catalog)
        let appID = app
        let mode: DryRun = dryRun == .server ? .server : .none
        var sessions = try await createMany(engine: engine, appID: appID, userID: userID, dryRun: mode)
        if wait {
            let limit = try timeout.map { try parseDuration($0, flag: "--timeout") }
            let console = context.console
            let showProgress = console.isTerminal || (cluster.verbose > 0)
            sessions = try await withThrowingTaskGroup(of: (Int, Session).self) { group in
                for (index, session) in sessions.enumerated() {
                    group.addTask {
                        let ready = try await engine.waitUntilReady(session, timeout: limit) { stage in
                            if showProgress { console.diagnostic("session \(session.id): \(stage)") }
                        }
                        return (index, ready)
                    }
                }
                var ready = sessions
                for try await (index, session) in group { ready[index] = session }
                return ready
            }
        }
        try SessionRendering.render(sessions, format: output, console: context.console, single: count == 1)
    }

    /// Creates `count` sessions concurrently (bounded, and within the client's QPS/burst).
    private func createMany(engine: SessionEngine, appID: String, userID: String, dryRun: DryRun) async throws -> [Session] {
        let total = count
        // Check Sortie's limits once for the whole batch: concurrent creates can't each see room.
        if total > 1 { try await engine.checkQuota(userID: userID, adding: total) }
        let check = total == 1
        return try await withThrowingTaskGroup(of: (Int, Session).self) { group in
            var next = 0
            var results = [Session?](repeating: nil, count: total)
            let parallel = min(total, 32)
            while next < parallel {
                let index = next
                group.addTask { (index, try await engine.create(appID: appID, userID: userID, dryRun: dryRun, checkQuota: check)) }
                next += 1
            }
            while let (index, session) = try await group.next() {
                results[index] = session
                if next < total {
                    let index = next
                    group.addTask { (index, try await engine.create(appID: appID, userID: userID, dryRun: dryRun, checkQuota: check)) }
                    next += 1
                }
            }
            return results.compactMap { $0 }
        }
    }
}
