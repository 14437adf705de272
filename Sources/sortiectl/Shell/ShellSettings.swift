import Foundation
import SortieKit
import Synchronization
import Yams

/// The cluster the shell's commands talk to: the `shell` command's own `--kubeconfig`,
/// `--context` and `-n`, changed with `use context` and `use namespace`. A command's own flags win.
/// Shared by the loop and the completion (which runs on the editor's thread), hence the lock.
final class ShellSettings: Sendable {
    struct Values: Equatable, Sendable {
        var kubeconfig: String?
        var context: String?
        var namespace: String?
        /// The `shell` command's own `--request-timeout`, `--qps`, `--burst` and `-v`: every
        /// command in the shell uses them unless its line gives its own.
        var requestTimeout: String?
        var qps = ClusterOptions.defaultQPS
        var burst = ClusterOptions.defaultBurst
        var verbose = 0
    }

    private let state: Locked<Values>

    init(_ values: Values = Values()) {
        state = Locked(values)
    }

    var values: Values {
        get { state.withLock { $0 } }
        set { state.withLock { $0 = newValue } }
    }

    /// The same settings as command-line words, for completion callbacks.
    var words: [String] {
        let values = self.values
        var words: [String] = []
        if let kubeconfig = values.kubeconfig { words += ["--kubeconfig", kubeconfig] }
        if let context = values.context { words += ["--context", context] }
        if let namespace = values.namespace { words += ["--namespace", namespace] }
        return words
    }

    /// `sortie(context/namespace)> `, from the kubeconfig as the commands would resolve it.
    func prompt(environment: [String: String]) -> String {
        let (context, namespace) = describe(environment: environment)
        return "sortie(\(context)/\(namespace))> "
    }

    /// The context and namespace commands would use; `?` for a context that cannot be resolved.
    func describe(environment: [String: String]) -> (context: String, namespace: String) {
        let values = self.values
        let loader = KubeconfigLoader(environment: environment)
        guard let configuration = try? loader.load(.init(kubeconfigPath: values.kubeconfig, context: values.context,
                                                         namespace: values.namespace)) else {
            return (values.context ?? "?", values.namespace ?? environment["SORTIE_NAMESPACE"] ?? "default")
        }
        return (Self.contextName(origin: configuration.origin) ?? values.context ?? "?", configuration.namespace)
    }

    /// The context names of the kubeconfig files in effect, for `use context <Tab>`.
    func contextNames(environment: [String: String]) -> [String] {
        let paths: [String]
        if let explicit = values.kubeconfig {
            paths = [explicit]
        } else if let list = environment["KUBECONFIG"], !list.isEmpty {
            paths = list.split(separator: ":").map(String.init)
        } else {
            paths = [(environment["HOME"] ?? NSHomeDirectory()) + "/.kube/config"]
        }
        var names: [String] = []
        for path in paths {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8),
                  let kubeconfig = try? YAMLDecoder().decode(Kubeconfig.self, from: text) else { continue }
            for context in kubeconfig.contexts ?? [] where !names.contains(context.name) { names.append(context.name) }
        }
        return names
    }

    /// `KubeconfigLoader` records "context 'NAME' in FILE" as the configuration's origin.
    static func contextName(origin: String?) -> String? {
        guard let origin, origin.hasPrefix("context '"),
              let end = origin.dropFirst("context '".count).firstIndex(of: "'") else {
            return origin?.hasPrefix("in-cluster") == true ? "in-cluster" : nil
        }
        return String(origin[origin.index(origin.startIndex, offsetBy: "context '".count)..<end])
    }
}
