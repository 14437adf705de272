import ArgumentParser
import SortieKit

struct QuotaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quota",
        abstract: "Show or set the namespace quota and Sortie's session limits.",
        subcommands: [QuotaShowCommand.self, QuotaSetCommand.self],
        defaultSubcommand: QuotaShowCommand.self)
}

struct QuotaShowCommand: SortieCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Namespace ResourceQuotas (used/hard), Sortie limits, sessions per user, and how many more default sessions fit.",
        discussion: "Examples:\n  sortiectl quota\n  sortiectl quota show -o json")
    @OptionGroup(title: "Catalog Options") var catalog: CatalogOptions
    @OptionGroup(title: "Output Options") var output: OutputOptions
    @OptionGroup(title: "Cluster Options") var cluster: ClusterOptions
    var clusterOptions: ClusterOptions? { cluster }

    func run(_ context: CommandContext) async throws {
        let report = try await context.listingEngine().quotaReport()
        if output.output == .json || output.output == .yaml {
            try OutputWriter.write(report, format: output.output, console: context.console)
            return
        }
        let console = context.console
        console.print("Namespace: \(report.namespace)")
        if report.quotas.isEmpty { console.print("ResourceQuotas: none") }
        for quota in report.quotas {
            console.print("ResourceQuota \(quota.name):")
            console.write(TableRenderer(headers: ["RESOURCE", "USED", "HARD"], rows: quota.resources.map { ["  " + $0.name, $0.used, $0.hard] }).render())
        }
        func limit(_ value: Int) -> String { value == 0 ? "unlimited" : String(value) }
        console.print("Sortie limits: \(limit(report.limits.maxSessionsPerUser)) sessions per user, \(limit(report.limits.maxSessionsTotal)) in total")
        console.print("Active sessions: \(report.activeSessions)")
        for (user, count) in report.sessionsByUser.sorted(by: { $0.key < $1.key }) { console.print("  \(user): \(count)") }
        if let fits = report.additionalDefaultSessions {
            console.print("Room for \(fits) more default-sized sessions (limited by \(report.limitedBy ?? "-"))")
        } else {
            console.print("Room for more default-sized sessions: unlimited")
        }
    }
}

struct QuotaSetCommand: SortieCommand {
    static let configuration = CommandConfiguration(
        commandName: "set",
        abstract: "Create or update the namespace ResourceQuota (sortie-quota).",
        discussion: "Example:\n  sortiectl quota set --pods 50 --cpu 30 --memory 60Gi --limits-cpu 110 --limits-memory 120Gi")
    @Option(name: .long, help: "Maximum number of pods.") var pods: Int?
    @Option(name: .long, help: "Total CPU requests (requests.cpu), e.g. 20 or 20000m.") var cpu: String?
    @Option(name: .long, help: "Total memory requests (requests.memory), e.g. 40Gi.") var memory: String?
    @Option(name: .customLong("limits-cpu"), help: "Total CPU limits (limits.cpu).") var limitsCPU: String?
    @Option(name: .customLong("limits-memory"), help: "Total memory limits (limits.memory).") var limitsMemory: String?
    @Option(name: .long, help: "The ResourceQuota's name.") var name = "sortie-quota"
    @OptionGroup(title: "Catalog Options") var catalog: CatalogOptions
    @OptionGroup(title: "Cluster Options") var cluster: ClusterOptions
    var clusterOptions: ClusterOptions? { cluster }

    func validate() throws {
        if pods == nil && cpu == nil && memory == nil && limitsCPU == nil && limitsMemory == nil {
            throw ValidationError("give at least one of --pods, --cpu, --memory, --limits-cpu, --limits-memory")
        }
        if let pods, pods < 0 { throw ValidationError("--pods must not be negative") }
        for (flag, value) in [("--cpu", cpu), ("--memory", memory), ("--limits-cpu", limitsCPU), ("--limits-memory", limitsMemory)] {
            if let value, (try? Quantity(parsing: value)) == nil {
                throw ValidationError("\(flag) \"\(value)\" is not a Kubernetes quantity (e.g. 500m, 2, 1Gi)")
            }
        }
    }

    func run(_ context: CommandContext) async throws {
        var hard: [String: String] = [:]
        if let pods { hard["pods"] = String(pods) }
        if let cpu { hard["requests.cpu"] = cpu }
        if let memory { hard["requests.memory"] = memory }
        if let limitsCPU { hard["limits.cpu"] = limitsCPU }
        if let limitsMemory { hard["limits.memory"] = limitsMemory }
        let quota = try await context.listingEngine().setQuota(name: name, hard: hard)
        context.console.print("resourcequota/\(quota.metadata.name ?? name) set: " + (quota.spec?.hard ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", "))
    }
}
