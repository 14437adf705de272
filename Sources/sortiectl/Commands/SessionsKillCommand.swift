import ArgumentParser
import SortieKit

struct SessionsKillCommand: SortieCommand {
    static let configuration = CommandConfiguration(
        commandName: "kill",
        abstract: "End sessions: delete their pods.",
        discussion: """
            Examples:
              sortiectl sessions kill 3f2a 91bc
              sortiectl sessions kill --all --user alice@example.com
              sortiectl sessions kill 3f2a --now --ignore-not-found
            """)

    @Argument(help: "Session ids (or unique prefixes).", completion: DynamicCompletion.sessionIDs) var ids: [String] = []
    @Flag(name: .long, help: "End every session (of --user, --app if given).") var all = false
    @Option(name: .long, help: "With --all: only this user's sessions.") var user: String?
    @Option(name: .long, help: "With --all: only this app's sessions.", completion: DynamicCompletion.appIDs) var app: String?
    @Option(name: .customLong("grace-period"), help: "Seconds the pod gets to shut down (default: the pod's own, 10).") var gracePeriod: Int?
    @Flag(name: .long, help: "End at once (--grace-period 0).") var now = false
    @Flag(name: .customLong("ignore-not-found"), help: "A session that is already gone is not an error.") var ignoreNotFound = false

    @OptionGroup(title: "Catalog Options") var catalog: CatalogOptions
    @OptionGroup(title: "Output Options") var output: OutputOptions
    @OptionGroup(title: "Cluster Options") var cluster: ClusterOptions
    var clusterOptions: ClusterOptions? { cluster }

    func validate() throws {
        if all && !ids.isEmpty { throw ValidationError("give session ids or --all, not both") }
        if !all && ids.isEmpty { throw ValidationError("give at least one session id, or --all") }
        if !all && (user != nil || app != nil) { throw ValidationError("--user and --app only go with --all") }
        if now && gracePeriod != nil && gracePeriod != 0 { throw ValidationError("--now and --grace-period cannot be specified together") }
        if let gracePeriod, gracePeriod < 0 { throw ValidationError("--grace-period must not be negative") }
    }

    func run(_ context: CommandContext) async throws {
        let engine = try context.listingEngine()
        let grace = now ? 0 : gracePeriod
        let results = all
            ? try await engine.killAll(matching: SessionFilter(userID: user, appID: app), gracePeriodSeconds: grace)
            : try await engine.kill(ids, gracePeriodSeconds: grace, ignoreNotFound: ignoreNotFound)
        for result in results {
            if output.quiet { context.console.print(result.id); continue }
            context.console.print(result.deleted ? "session \(result.id) ended" : "session \(result.id) not found (ignored)")
        }
        if all && results.isEmpty { context.console.diagnostic("No sessions matched.") }
    }
}

struct SessionsReapCommand: SortieCommand {
    static let configuration = CommandConfiguration(
        commandName: "reap",
        abstract: "Delete sessions older than SESSION_TIMEOUT minutes, failed, finished and idle ones.",
        discussion: """
            `sortiectl serve` does this every SESSION_CLEANUP_INTERVAL minutes; this runs it once.
            Idle: running without VNC traffic through `serve` for SESSION_IDLE_TIMEOUT minutes
            (default 60, 0 = never), counted from the pod's sortie.io/last-activity annotation,
            else from its creation.
            Examples:
              sortiectl sessions reap --dry-run
              SESSION_TIMEOUT=30 sortiectl sessions reap
            """)

    @Flag(name: .customLong("dry-run"), help: "Only show what would be deleted.") var dryRun = false
    @OptionGroup(title: "Catalog Options") var catalog: CatalogOptions
    @OptionGroup(title: "Output Options") var output: OutputOptions
    @OptionGroup(title: "Cluster Options") var cluster: ClusterOptions
    var clusterOptions: ClusterOptions? { cluster }

    func run(_ context: CommandContext) async throws {
        let engine = try context.listingEngine()
        let reaped = try await engine.reap(dryRun: dryRun)
        if output.output == .json || output.output == .yaml {
            try OutputWriter.write(SessionList(sessions: reaped), format: output.output, console: context.console)
            return
        }
        for session in reaped {
            context.console.print(output.quiet ? session.id : "\(dryRun ? "would reap" : "reaped") session \(session.id) (\(engine.isIdle(session) ? "idle" : session.status.rawValue)\(session.reason.map { ": \($0)" } ?? ""))")
        }
        if reaped.isEmpty && !output.quiet { context.console.diagnostic("Nothing to reap.") }
    }
}
