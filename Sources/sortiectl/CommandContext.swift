import Foundation
import Logging
import SortieKit

/// What a command needs from the outside world, built once per invocation (the kubectl
/// "Complete" step): environment, output, logging, and — on demand — the Kubernetes client.
struct CommandContext: Sendable {
    var environment: [String: String]
    var console: Console
    var logger: Logger
    var cluster: ClusterOptions?

    static func live(cluster: ClusterOptions?) -> CommandContext {
        let environment = ProcessInfo.processInfo.environment
        let verbosity = cluster?.verbose ?? 0
        var logger = Logger(label: "sortiectl") { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = verbosity >= 2 ? .trace : (verbosity == 1 ? .debug : .warning)
            return handler
        }
        logger.logLevel = verbosity >= 2 ? .trace : (verbosity == 1 ? .debug : .warning)
        return CommandContext(environment: environment, console: .standard, logger: logger, cluster: cluster)
    }

    /// Resolves the kubeconfig (or in-cluster configuration) into a client configuration.
    func clientConfiguration() throws -> KubeClientConfiguration {
        let options = cluster
        let loader = KubeconfigLoader(environment: environment)
        var configuration = try loader.load(.init(kubeconfigPath: options?.kubeconfig, context: options?.context,
                                                  namespace: options?.namespace))
        if let text = options?.requestTimeout {
            let timeout = try parseDuration(text, flag: "--request-timeout")
            configuration.timeouts.request = timeout == .zero ? .seconds(86_400) : timeout
        }
        configuration.rateLimit = .init(qps: options?.qps ?? 50, burst: options?.burst ?? 300)
        configuration.userAgent = "sortiectl/\(SortieVersion.version)"
        return configuration
    }

    /// A client for the resolved configuration.
    func kubeClient() throws -> KubeClient {
        let configuration = try clientConfiguration()
        logger.debug("using \(configuration)")
        return KubeClient(configuration: configuration, environment: environment, logger: logger)
    }
}
