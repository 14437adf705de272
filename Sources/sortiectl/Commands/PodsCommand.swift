import ArgumentParser
import Foundation
import SortieKit

/// `sortiectl pods`: the raw pod view of sessions, for troubleshooting.
struct PodsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pods",
        abstract: "Inspect session pods: list, describe, logs.",
        subcommands: [PodsListCommand.self, PodsDescribeCommand.self, PodsLogsCommand.self],
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
              sortiectl pods logs 1f0c -c vnc-sidecar
              sortiectl pods logs sortie-session-1f0c... -f --tail 20
            """)

    @Argument(help: "The session id (or unique prefix) or pod name.", completion: DynamicCompletion.sessionIDs) var pod: String
    @Option(name: [.short, .long], help: "The container: app or vnc-sidecar.") var container: String?
    @Flag(name: [.short, .long], help: "Keep streaming new lines.") var follow = false
    @Option(name: .long, help: "Only the last N lines.") var tail: Int?

    @OptionGroup(title: "Cluster Options") var cluster: ClusterOptions
    var clusterOptions: ClusterOptions? { cluster }

    func run(_ context: CommandContext) async throws {
        let client = try context.kubeClient()
        let name = try await PodLookup.podName(for: pod, context: context)
        let stream = try await client.podLogs(namespace: client.configuration.namespace, name: name,
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

/// Finds a pod by session id, unique prefix, or pod name.
enum PodLookup {
    static func podName(for idOrName: String, context: CommandContext) async throws -> String {
        do {
            return try await context.listingEngine().resolve(idOrName).pod.metadata.name ?? idOrName
        } catch SessionError.notFound {
            return idOrName  // not a session: take it as a pod name, and let the API answer
        }
    }
}

struct PodsDescribeCommand: SortieCommand {
    static let configuration = CommandConfiguration(
        commandName: "describe",
        abstract: "Show a session pod in detail: phase, node, IP, containers and their states, conditions, recent events.",
        discussion: """
            Examples:
              sortiectl pods describe 1f0c
              sortiectl pods describe sortie-session-1f0c2d3e-...
            """)

    @Argument(help: "The session id (or unique prefix) or pod name.", completion: DynamicCompletion.sessionIDs) var pod: String
    @OptionGroup(title: "Cluster Options") var cluster: ClusterOptions
    var clusterOptions: ClusterOptions? { cluster }

    func run(_ context: CommandContext) async throws {
        let client = try context.kubeClient()
        let namespace = client.configuration.namespace
        let name = try await PodLookup.podName(for: pod, context: context)
        let object = try await client.get(Pod.self, namespace: namespace, name: name)
        let events = (try? await client.podEvents(namespace: namespace, name: name)) ?? []
        context.console.write(PodDescription.render(object, events: events))
    }
}

/// `kubectl describe`-style text for a pod.
enum PodDescription {
    static func render(_ pod: Pod, events: [KubeEvent], now: Date = Date()) -> String {
        var lines: [String] = []
        func field(_ name: String, _ value: String?) { lines.append((name + ":").padding(toLength: 16, withPad: " ", startingAt: 0) + (value ?? "<none>")) }
        field("Name", pod.metadata.name)
        field("Namespace", pod.metadata.namespace)
        field("Session", pod.metadata.labels?[SessionLabels.sessionID])
        field("App", pod.metadata.labels?[SessionLabels.appID])
        field("User", pod.metadata.annotations?[SessionLabels.Annotations.userID])
        field("Node", pod.spec?.nodeName)
        field("Start Time", pod.status?.startTime)
        field("Status", PodRendering.podDisplayStatus(pod))
        field("IP", pod.status?.podIP)
        if let message = pod.status?.message { field("Message", message) }
        lines.append("Containers:")
        let specs = (pod.spec?.initContainers ?? []) + (pod.spec?.containers ?? [])
        let statuses = (pod.status?.initContainerStatuses ?? []) + (pod.status?.containerStatuses ?? [])
        for container in specs {
            let status = statuses.first { $0.name == container.name }
            lines.append("  \(container.name):")
            lines.append("    Image:          \(container.image ?? "<none>")")
            let state: String
            if let running = status?.state?.running {
                state = "Running (since \(running.startedAt ?? "?"))"
            } else if let waiting = status?.state?.waiting {
                state = "Waiting (\(waiting.reason ?? "?"))" + (waiting.message.map { ": \($0)" } ?? "")
            } else if let terminated = status?.state?.terminated {
                state = "Terminated (\(terminated.reason ?? "?"), exit code \(terminated.exitCode ?? -1))"
            } else {
                state = "<unknown>"
            }
            lines.append("    State:          \(state)")
            lines.append("    Ready:          \(status?.ready == true)")
            lines.append("    Restart Count:  \(status?.restartCount ?? 0)")
        }
        lines.append("Conditions:")
        for condition in pod.status?.conditions ?? [] {
            lines.append("  \(condition.type.padding(toLength: 28, withPad: " ", startingAt: 0))\(condition.status)\(condition.reason.map { " (\($0))" } ?? "")")
        }
        lines.append("Events:")
        if events.isEmpty { lines.append("  <none>") }
        for event in events.suffix(20) {
            let when = shortAge(since: (event.lastTimestamp ?? event.eventTime).flatMap(RFC3339.date(from:)), now: now)
            lines.append("  \((event.type ?? "").padding(toLength: 8, withPad: " ", startingAt: 0)) \((event.reason ?? "").padding(toLength: 18, withPad: " ", startingAt: 0)) \(when.padding(toLength: 6, withPad: " ", startingAt: 0)) \(event.message ?? "")")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
