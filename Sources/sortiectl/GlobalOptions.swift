import ArgumentParser
import Foundation
import SortieKit

/// Flags every cluster command shares, grouped as kubectl groups them.
struct ClusterOptions: ParsableArguments {
    @Option(name: .long, help: "Path to the kubeconfig file (default: KUBECONFIG, then ~/.kube/config, then in-cluster).",
            completion: .file())
    var kubeconfig: String?

    @Option(name: .long, help: "The kubeconfig context to use.")
    var context: String?

    @Option(name: [.short, .long], help: "The namespace of session pods (default: SORTIE_NAMESPACE, then the context's).")
    var namespace: String?

    @Option(name: .customLong("request-timeout"), help: "How long one API request may take, e.g. 30s, 2m (0 = no limit).")
    var requestTimeout: String?

    @Option(name: .long, help: "Client-side limit on API requests per second.")
    var qps: Double = 50

    @Option(name: .long, help: "Client-side burst of API requests allowed above --qps.")
    var burst: Int = 300

    @Flag(name: .short, help: "Log more to stderr (-v requests, -vv details).")
    var verbose: Int
}

/// Output flags, kubectl style.
struct OutputOptions: ParsableArguments {
    @Option(name: [.short, .long], help: "Output format: table, wide, json, yaml or name.")
    var output: OutputFormat = .table

    @Flag(name: .customLong("no-headers"), help: "Omit the table header.")
    var noHeaders = false

    @Flag(name: .short, help: "Print only ids (one per line).")
    var quiet = false
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
    case table, wide, json, yaml, name
}

/// Parses kubectl-style durations: `30s`, `2m`, `1h`, `500ms`, or plain seconds.
func parseDuration(_ text: String, flag: String) throws -> Duration {
    let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
    for (suffix, factor) in units where text.hasSuffix(suffix) {
        if let value = Double(text.dropLast(suffix.count)), value >= 0 { return .seconds(value * factor) }
    }
    if let value = Double(text), value >= 0 { return .seconds(value) }
    throw ValidationError("\(flag) \"\(text)\" is not a duration (e.g. 30s, 2m, 1h)")
}
