import ArgumentParser
import Foundation
import SortieKit

/// `sortiectl pods`: the raw pod view of sessions, for troubleshooting.
struct PodsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pods",
        abstract: "Inspect session pods: list, describe, logs.",
        subcommands: [PodsListCommand.self, PodsLogsCommand.self],
        defaultSubcommand: PodsListCommand.self)
}

/// Labels every session pod carries.
enum SessionPodSelector {
    static let all = "app.kubernetes.io/managed-by=sortie,app.kubernetes.io/component=session"
}

struct PodsListCommand: SortieCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List session pods with their phase, readiness, restarts and node.",
        discussion: """
            Examples:
              sortiectl pods list
              sortiectl pods list -o wide
              sortiectl pods list -l sortie.io/app-id=xterm -o json
            """)

    @Option(name: [.customShort("l"), .customLong("selector")], help: "Label selector (default: every session pod).")
    var selector: String = SessionPodSelector.all

    @OptionGroup(title: "Output Options") var output: OutputOptions
    @OptionGroup(title: "Cluster Options") var cluster: ClusterOptions
    var clusterOptions: ClusterOptions? { cluster }

    func run(_ context: CommandContext) async throws {
        let client = try context.kubeClient()
        let pods = try await client.listAll(Pod.self, namespace: client.configuration.namespace,
                                            options: ListOptions(labelSelector: selector)).items
        try PodRendering.render(pods, format: output, console: context.console)
    }
}

struct PodsLogsCommand: SortieCommand {
    static let configuration = CommandConfiguration(
        commandName: "logs",
        abstract: "Print the logs of a session pod's container.",
        discussion: """
            Examples:
              sortiectl pods logs sortie-session-1f0c... -c vnc-sidecar
              sortiectl pods logs sortie-session-1f0c... -f --tail 20
            """)

    @Argument(help: "The pod name.") var pod: String
    @Option(name: [.short, .long], help: "The container: app or vnc-sidecar.") var container: String?
    @Flag(name: [.short, .long], help: "Keep streaming new lines.") var follow = false
    @Option(name: .long, help: "Only the last N lines.") var tail: Int?

    @OptionGroup(title: "Cluster Options") var cluster: ClusterOptions
    var clusterOptions: ClusterOptions? { cluster }

    func run(_ context: CommandContext) async throws {
        let client = try context.kubeClient()
        let stream = try await client.podLogs(namespace: client.configuration.namespace, name: pod,
                                              options: .init(container: container, follow: follow, tailLines: tail))
        for try await chunk in stream {
            context.console.write(String(decoding: chunk, as: UTF8.self))
        }
    }
}

/// Shared pod output: table, wide, json, yaml, name.
enum PodRendering {
    static func render(_ pods: [Pod], format: OutputOptions, console: Console) throws {
        if format.quiet || format.output == .name {
            for pod in pods { console.print(format.quiet ? (pod.metadata.name ?? "") : "pod/\(pod.metadata.name ?? "")") }
            return
        }
        switch format.output {
        case .json, .yaml:
            let list = KubeList(metadata: ListMeta(), items: pods)
            try OutputWriter.write(list, kind: "List", format: format.output, console: console)
        case .table, .wide, .name:
            let wide = format.output == .wide
            var headers = ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]
            if wide { headers += ["IP", "NODE", "APP", "SESSION"] }
            let rows = pods.map { pod -> [String] in
                // Like kubectl, native sidecars (restartable init containers) count as containers.
                let sidecars = Set((pod.spec?.initContainers ?? []).filter { $0.restartPolicy == "Always" }.map(\.name))
                let statuses = (pod.status?.containerStatuses ?? []) + (pod.status?.initContainerStatuses ?? []).filter { sidecars.contains($0.name) }
                let total = (pod.spec?.containers.count ?? 0) + sidecars.count
                let ready = statuses.filter { $0.ready == true }.count
                let restarts = statuses.reduce(0) { $0 + ($1.restartCount ?? 0) }
                var row = [pod.metadata.name ?? "", "\(ready)/\(total)", podDisplayStatus(pod), "\(restarts)",
                           shortAge(since: pod.metadata.creationTimestamp.flatMap(RFC3339.date(from:)))]
                if wide {
                    row += [pod.status?.podIP ?? "<none>", pod.spec?.nodeName ?? "<none>",
                            pod.metadata.labels?["sortie.io/app-id"] ?? "<none>", pod.metadata.labels?["sortie.io/session-id"] ?? "<none>"]
                }
                return row
            }
            if rows.isEmpty {
                console.diagnostic("No session pods found.")
                return
            }
            console.write(TableRenderer(headers: headers, rows: rows).render(includeHeaders: !format.noHeaders))
        }
    }

    /// kubectl's STATUS column: a waiting/terminated reason beats the phase; Terminating when deleted.
    static func podDisplayStatus(_ pod: Pod) -> String {
        if pod.metadata.deletionTimestamp != nil { return "Terminating" }
        for status in pod.status?.containerStatuses ?? [] {
            if let reason = status.state?.waiting?.reason, !reason.isEmpty { return reason }
            if let reason = status.state?.terminated?.reason, !reason.isEmpty { return reason }
        }
        return pod.status?.reason ?? pod.status?.phase ?? "Unknown"
    }
}
