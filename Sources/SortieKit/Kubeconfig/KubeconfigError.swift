import Foundation

/// Why a kubeconfig (or the in-cluster environment) could not be turned into a client
/// configuration. Each case names the file, the entry and the field at fault.
public enum KubeconfigError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A file named explicitly (`--kubeconfig`) does not exist or cannot be read.
    case fileNotReadable(path: String, reason: String)
    /// A file is not valid YAML or not a kubeconfig.
    case malformed(path: String, message: String)
    /// No kubeconfig anywhere and not running in a cluster.
    case noConfiguration(searched: [String])
    /// No context chosen: none given and no `current-context`.
    case noCurrentContext(files: [String])
    case contextNotFound(name: String, available: [String], files: [String])
    case clusterNotFound(name: String, context: String, files: [String])
    case userNotFound(name: String, context: String, files: [String])
    /// A field has a value that cannot work.
    case invalidField(file: String, entry: String, field: String, problem: String)
    /// In-cluster configuration is incomplete.
    case inCluster(String)

    public var description: String {
        switch self {
        case .fileNotReadable(let path, let reason):
            "kubeconfig \(path): \(reason)"
        case .malformed(let path, let message):
            "kubeconfig \(path) is not a valid kubeconfig: \(message)"
        case .noConfiguration(let searched):
            "no Kubernetes configuration found (looked for \(searched.joined(separator: ", ")), and not running inside a cluster) — pass --kubeconfig, set KUBECONFIG, or create ~/.kube/config"
        case .noCurrentContext(let files):
            "no context selected: \(Self.list(files)) set no current-context — pass --context NAME"
        case .contextNotFound(let name, let available, let files):
            "context '\(name)' not found in \(Self.list(files)) (available: \(available.isEmpty ? "none" : available.joined(separator: ", ")))"
        case .clusterNotFound(let name, let context, let files):
            "context '\(context)' refers to cluster '\(name)', which is not defined in \(Self.list(files))"
        case .userNotFound(let name, let context, let files):
            "context '\(context)' refers to user '\(name)', which is not defined in \(Self.list(files))"
        case .invalidField(let file, let entry, let field, let problem):
            "kubeconfig \(file): \(entry): field \(field): \(problem)"
        case .inCluster(let message):
            "in-cluster configuration: \(message)"
        }
    }

    private static func list(_ files: [String]) -> String {
        files.isEmpty ? "the kubeconfig" : files.joined(separator: ", ")
    }
}
