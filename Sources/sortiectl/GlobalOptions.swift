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
    var qps: Double = ClusterOptions.defaultQPS

    @Option(name: .long, help: "Client-side burst of API requests allowed above --qps.")
    var burst: Int = ClusterOptions.defaultBurst

    @Flag(name: .short, help: "Log more to stderr (-v requests, -vv details).")
    var verbose: Int

    static let defaultQPS: Double = 50
    static let defaultBurst = 300

    func validate() throws {
        if let requestTimeout { _ = try parseDuration(requestTimeout, flag: "--request-timeout") }
        guard qps.isFinite, qps > 0, qps <= 100_000 else { throw ValidationError("--qps must be more than 0 and at most 100000") }
        guard (1...100_000).contains(burst) else { throw ValidationError("--burst must be between 1 and 100000") }
    }
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
    var seconds = Double(text)
    for (suffix, factor) in units where seconds == nil && text.hasSuffix(suffix) {
        seconds = Double(text.dropLast(suffix.count)).map { $0 * factor }
    }
    guard let seconds, seconds.isFinite, seconds >= 0 else {
        throw ValidationError("\(flag) \"\(text.prefix(64))\" is not a duration (e.g. 30s, 2m, 1h)")
    }
    guard seconds <= maximumDurationSeconds else {
        throw ValidationError("\(flag) \"\(text.prefix(64))\" is longer than a year")
    }
    return .seconds(seconds)
}

/// The longest duration any flag accepts: a year.
let maximumDurationSeconds = Double(SessionSettings.maximumSeconds)
