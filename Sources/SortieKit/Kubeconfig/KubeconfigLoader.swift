import Foundation
import Yams

/// Finds, reads and merges kubeconfig files with kubectl's rules (client-go `clientcmd/loader.go`)
/// and resolves one context into a `KubeClientConfiguration`.
///
/// Precedence: `--kubeconfig` (must exist) → the `KUBECONFIG` list (missing files skipped; for
/// each cluster/user/context name the first file defining it wins, and so does the first
/// `current-context`) → `~/.kube/config` → in-cluster service-account configuration.
/// The namespace is `-n` → `SORTIE_NAMESPACE` → the context's namespace → `default`.
public struct KubeconfigLoader: Sendable {
    /// What the command line adds on top of the files.
    public struct Overrides: Sendable {
        public var kubeconfigPath: String?
        public var context: String?
        public var namespace: String?
        public init(kubeconfigPath: String? = nil, context: String? = nil, namespace: String? = nil) {
            self.kubeconfigPath = kubeconfigPath
            self.context = context
            self.namespace = namespace
        }
    }

    public var fileSystem: any FileSystem
    public var environment: [String: String]
    /// The service-account mount used in-cluster (tests point it elsewhere).
    public var serviceAccountDirectory: String

    public init(fileSystem: any FileSystem = LocalFileSystem(), environment: [String: String],
                serviceAccountDirectory: String = "/var/run/secrets/kubernetes.io/serviceaccount") {
        self.fileSystem = fileSystem
        self.environment = environment
        self.serviceAccountDirectory = serviceAccountDirectory
    }

    /// Resolves the configuration to use.
    /// - Throws: `KubeconfigError` naming the file, entry and field at fault.
    public func load(_ overrides: Overrides = .init()) throws -> KubeClientConfiguration {
        let paths = try candidatePaths(overrides)
        if paths.isEmpty {
            if let host = environment["KUBERNETES_SERVICE_HOST"], let port = environment["KUBERNETES_SERVICE_PORT"], !host.isEmpty {
                return try InClusterConfiguration(fileSystem: fileSystem, serviceAccountDirectory: serviceAccountDirectory)
                    .load(host: host, port: port, namespaceOverride: overrides.namespace ?? environment["SORTIE_NAMESPACE"].nonEmpty)
            }
            throw KubeconfigError.noConfiguration(searched: searchedDescription(overrides))
        }
        let merged = try merge(paths)
        return try resolve(merged, overrides: overrides)
    }

    /// The files to read, in precedence order (only existing ones, except an explicit path).
    func candidatePaths(_ overrides: Overrides) throws -> [String] {
        if let explicit = overrides.kubeconfigPath {
            guard fileSystem.fileExists(atPath: explicit) else {
                throw KubeconfigError.fileNotReadable(path: explicit, reason: "does not exist (given with --kubeconfig)")
            }
            return [explicit]
        }
        if let list = environment["KUBECONFIG"], !list.isEmpty {
            var seen = Set<String>()
            return list.split(separator: ":").map(String.init).filter { !$0.isEmpty && seen.insert($0).inserted && fileSystem.fileExists(atPath: $0) }
        }
        if let home = environment["HOME"] {
            let path = home + "/.kube/config"
            if fileSystem.fileExists(atPath: path) { return [path] }
        }
        return []
    }

    private func searchedDescription(_ overrides: Overrides) -> [String] {
        if let list = environment["KUBECONFIG"], !list.isEmpty { return ["KUBECONFIG=\(list)"] }
        return [(environment["HOME"] ?? "~") + "/.kube/config"]
    }

    /// Reads one file.
    func read(_ path: String) throws -> Kubeconfig {
        let data: Data
        do {
            data = try fileSystem.contents(atPath: path)
        } catch {
            throw KubeconfigError.fileNotReadable(path: path, reason: "cannot be read: \(error)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw KubeconfigError.malformed(path: path, message: "the file is not UTF-8 text")
        }
        if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return Kubeconfig() }
        do {
            return try YAMLDecoder().decode(Kubeconfig.self, from: text)
        } catch let error as DecodingError {
            throw KubeconfigError.malformed(path: path, message: Self.describe(error))
        } catch {
            throw KubeconfigError.malformed(path: path, message: "\(error)")
        }
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ codingPath: [any CodingKey]) -> String {
            codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().trimmingPrefix(".").description
        }
        switch error {
        case .typeMismatch(let type, let context):
            return "field \(path(context.codingPath)): expected \(type)"
        case .valueNotFound(_, let context):
            return "field \(path(context.codingPath)): missing value"
        case .keyNotFound(let key, let context):
            let parent = path(context.codingPath)
            return "field \(parent.isEmpty ? "" : parent + ".")\(key.stringValue) is required"
        case .dataCorrupted(let context):
            let underlying = context.underlyingError.map { "\($0)" } ?? context.debugDescription
            return context.codingPath.isEmpty ? underlying : "field \(path(context.codingPath)): \(underlying)"
        @unknown default:
            return "\(error)"
        }
    }

    /// Merges files: the first file to define a name wins; relative paths stay tied to their file.
    func merge(_ paths: [String]) throws -> MergedKubeconfig {
        var merged = MergedKubeconfig(files: paths)
        for path in paths {
            let config = try read(path)
            let directory = (path as NSString).deletingLastPathComponent
            for entry in config.clusters ?? [] where merged.clusters[entry.name] == nil {
                merged.clusters[entry.name] = .init(value: entry.cluster, file: path, directory: directory)
            }
            for entry in config.users ?? [] where merged.users[entry.name] == nil {
                merged.users[entry.name] = .init(value: entry.user, file: path, directory: directory)
            }
            for entry in config.contexts ?? [] where merged.contexts[entry.name] == nil {
                merged.contexts[entry.name] = .init(value: entry.context, file: path, directory: directory)
            }
            if merged.currentContext == nil, let current = config.currentContext, !current.isEmpty {
                merged.currentContext = current
            }
        }
        return merged
    }

    func resolve(_ merged: MergedKubeconfig, overrides: Overrides) throws -> KubeClientConfiguration {
        guard let contextName = overrides.context ?? merged.currentContext else {
            throw KubeconfigError.noCurrentContext(files: merged.files)
        }
        guard let context = merged.contexts[contextName] else {
            throw KubeconfigError.contextNotFound(name: contextName, available: merged.contexts.keys.sorted(), files: merged.files)
        }
        guard let clusterName = context.value.cluster, !clusterName.isEmpty else {
            throw KubeconfigError.invalidField(file: context.file, entry: "context \"\(contextName)\"", field: "cluster", problem: "is empty")
        }
        guard let cluster = merged.clusters[clusterName] else {
            throw KubeconfigError.clusterNotFound(name: clusterName, context: contextName, files: merged.files)
        }
        var user: MergedKubeconfig.Entry<Kubeconfig.User>?
        if let userName = context.value.user, !userName.isEmpty {
            guard let found = merged.users[userName] else {
                throw KubeconfigError.userNotFound(name: userName, context: contextName, files: merged.files)
            }
            user = found
        }
        let clusterResolver = EntryResolver(fileSystem: fileSystem, file: cluster.file, directory: cluster.directory,
                                            entry: "cluster \"\(clusterName)\"")
        var configuration = try clusterResolver.clientConfiguration(for: cluster.value)
        if let user {
            let userResolver = EntryResolver(fileSystem: fileSystem, file: user.file, directory: user.directory,
                                             entry: "user \"\(context.value.user ?? "")\"")
            try userResolver.apply(user: user.value, to: &configuration)
        }
        configuration.namespace = overrides.namespace ?? environment["SORTIE_NAMESPACE"].nonEmpty
            ?? context.value.namespace.nonEmpty ?? "default"
        configuration.origin = "context '\(contextName)' in \(context.file)"
        return configuration
    }
}

/// Kubeconfig entries after merging, each remembering the file that defined it.
struct MergedKubeconfig {
    struct Entry<Value> {
        var value: Value
        var file: String
        var directory: String
    }
    var files: [String]
    var clusters: [String: Entry<Kubeconfig.Cluster>] = [:]
    var users: [String: Entry<Kubeconfig.User>] = [:]
    var contexts: [String: Entry<Kubeconfig.Context>] = [:]
    var currentContext: String?
}

extension Optional where Wrapped == String {
    /// `nil` for nil or empty strings.
    var nonEmpty: String? {
        switch self {
        case .some(let value) where !value.isEmpty: value
        default: nil
        }
    }
}
