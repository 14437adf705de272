import ArgumentParser
import Dispatch
import Foundation
import Logging
import SortieKit
import Synchronization

/// Completions that depend on the catalog and the cluster: app ids and live session ids.
///
/// Arguments opt in with `completion: DynamicCompletion.sessionIDs` (and friends). ArgumentParser
/// then makes the generated bash/zsh/fish scripts call back into sortiectl's hidden completion
/// mode (`sortiectl ---completion sessions get -- positional@0 …`), which runs these closures;
/// `sortiectl shell` runs the same closures in-process. They honour `--apps`, `--kubeconfig`,
/// `--context` and `-n/--namespace` among the words already typed, never print anything, and give
/// up (offering nothing) rather than make the user wait: one API request of at most two seconds.
enum DynamicCompletion {
    /// Every app id of the catalog.
    static let appIDs = CompletionKind.custom { words, _, prefix in
        appIDs(prefix: prefix, words: words, sessionCapableOnly: false)
    }

    /// App ids that can start a session (`launch_type: container`).
    static let sessionAppIDs = CompletionKind.custom { words, _, prefix in
        appIDs(prefix: prefix, words: words, sessionCapableOnly: true)
    }

    /// The ids of the sessions in the cluster (cached for a few seconds).
    static let sessionIDs = CompletionKind.custom { words, _, prefix in
        sessionIDs(prefix: prefix, words: words)
    }

    /// How long listed session ids are reused (the shell asks on every Tab).
    static let sessionCacheLifetime: Duration = .seconds(10)

    static func appIDs(prefix: String, words: [String], sessionCapableOnly: Bool,
                       environment: [String: String] = ProcessInfo.processInfo.environment) -> [String] {
        let flags = TypedFlags(words)
        let source = CatalogSource.resolve(explicitPath: flags["--apps"], environment: environment)
        guard let catalog = try? CatalogLoader().load(source).catalog else { return [] }
        return catalog.apps
            .filter { !sessionCapableOnly || $0.launchType == .container }
            .map(\.id)
            .filter { $0.hasPrefix(prefix) }
    }

    /// - Parameter patience: how long to wait for the cluster in all (the request itself gets two seconds).
    static func sessionIDs(prefix: String, words: [String],
                           environment: [String: String] = ProcessInfo.processInfo.environment,
                           patience: Duration = .seconds(3)) -> [String] {
        let flags = TypedFlags(words)
        let key = [flags["--kubeconfig"] ?? environment["KUBECONFIG"] ?? "", flags["--context"] ?? "",
                   flags["--namespace"] ?? environment["SORTIE_NAMESPACE"] ?? ""].joined(separator: "\u{0}")
        let ids = SessionIDCache.shared.ids(for: key, maximumAge: sessionCacheLifetime) {
            listSessionIDs(flags: flags, environment: environment, patience: patience)
        }
        return (ids ?? []).filter { $0.hasPrefix(prefix.lowercased()) }
    }

    /// One bounded list request. Completion callbacks are synchronous, so this waits on a
    /// semaphore for a detached task; `patience` also bounds a starved thread pool.
    private static func listSessionIDs(flags: TypedFlags, environment: [String: String], patience: Duration) -> [String]? {
        var arguments: [String] = []
        for name in ["--kubeconfig", "--context", "--namespace"] {
            if let value = flags[name] { arguments += [name, value] }
        }
        guard let cluster = try? ClusterOptions.parse(arguments) else { return nil }
        let silent = Console(out: { _ in }, err: { _ in }, isTerminal: false)
        let context = CommandContext(environment: environment, console: silent,
                                     logger: Logger(label: "sortiectl.completion") { _ in SwiftLogNoOpLogHandler() },
                                     cluster: cluster)
        let result = Locked<[String]?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            defer { done.signal() }
            guard var configuration = try? context.clientConfiguration() else { return }
            configuration.timeouts = .init(connect: .seconds(2), request: .seconds(2))
            configuration.retry = .none
            let client = KubeClient(configuration: configuration, environment: environment, logger: context.logger)
            guard let settings = try? context.sessionSettings(namespace: configuration.namespace) else { return }
            let engine = SessionEngine(client: client, catalog: AppCatalog(apps: []), settings: settings, logger: context.logger)
            let ids = try? await engine.sessions(matching: SessionFilter()).map(\.id)
            result.withLock { $0 = ids }
        }
        let (seconds, attoseconds) = patience.components
        let deadline = DispatchTime.now() + .nanoseconds(Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000))
        guard done.wait(timeout: deadline) == .success else { return nil }
        return result.withLock { $0 }
    }
}

/// The values of the few flags completion cares about, from raw words (`--name value` or
/// `--name=value`; the last one wins, as when parsing). `-n` is `--namespace`.
struct TypedFlags {
    private var values: [String: String] = [:]

    init(_ words: [String]) {
        let names = ["--apps", "--kubeconfig", "--context", "--namespace"]
        var index = 0
        while index < words.count {
            let word = Self.unquote(words[index])
            let name = word == "-n" ? "--namespace" : word
            if names.contains(name), index + 1 < words.count {
                values[name] = Self.unquote(words[index + 1])
                index += 2
                continue
            }
            if let equals = word.firstIndex(of: "="), names.contains(String(word[..<equals])) {
                values[String(word[..<equals])] = String(word[word.index(after: equals)...])
            }
            index += 1
        }
    }

    subscript(name: String) -> String? { values[name].flatMap { $0.isEmpty ? nil : $0 } }

    /// Completion scripts pass words verbatim (quotes included).
    private static func unquote(_ word: String) -> String {
        (try? ShellTokenizer.words(word))?.first ?? word
    }
}

/// Session ids per cluster/namespace, for a few seconds, so repeated Tabs don't each hit the API.
final class SessionIDCache: Sendable {
    static let shared = SessionIDCache()
    private let entries = Locked<[String: (ids: [String], at: ContinuousClock.Instant)]>([:])

    /// The cached ids for `key` if younger than `maximumAge`, else what `load` returns (cached if not nil).
    func ids(for key: String, maximumAge: Duration, load: () -> [String]?) -> [String]? {
        let now = ContinuousClock.now
        if let entry = entries.withLock({ $0[key] }), now - entry.at < maximumAge { return entry.ids }
        guard let ids = load() else { return nil }
        entries.withLock { $0[key] = (ids, now) }
        return ids
    }

    /// Forgets everything (after the shell creates or kills sessions).
    func invalidate() { entries.withLock { $0.removeAll() } }
}
