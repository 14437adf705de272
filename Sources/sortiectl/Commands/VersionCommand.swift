import ArgumentParser
import Foundation
import SortieKit

/// `sortiectl version`: the client version, and the API server's when reachable.
struct VersionCommand: SortieCommand {
    static let configuration = CommandConfiguration(
        commandName: "version",
        abstract: "Print the sortiectl version and the Kubernetes API server version.",
        discussion: """
            Examples:
              sortiectl version --client
              sortiectl version -o json
            """)

    @Flag(name: .long, help: "Print only the client version; do not contact the cluster.")
    var client = false

    @Option(name: [.short, .long], help: "Output format: text or json.")
    var output: String = "text"

    @OptionGroup(title: "Cluster Options") var cluster: ClusterOptions

    var clusterOptions: ClusterOptions? { cluster }

    func validate() throws {
        guard ["text", "json"].contains(output) else { throw ValidationError("--output must be text or json, not \"\(output)\"") }
    }

    func run(_ context: CommandContext) async throws {
        var serverVersion: String?
        var serverError: (message: String, exitCode: ExitStatus)?
        if !client {
            do {
                serverVersion = try await context.kubeClient().serverVersion().gitVersion
            } catch {
                serverError = ErrorPresenter.present(error)
            }
        }
        if output == "json" {
            var object: [String: Any] = ["clientVersion": ["version": SortieVersion.version, "gitCommit": SortieVersion.gitCommit]]
            if let serverVersion { object["serverVersion"] = ["gitVersion": serverVersion] }
            let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
            context.console.print(String(decoding: data, as: UTF8.self))
        } else {
            context.console.print("Client Version: \(SortieVersion.version) (commit \(SortieVersion.gitCommit))")
            if let serverVersion { context.console.print("Server Version: \(serverVersion)") }
        }
        if let serverError {
            context.console.diagnostic("error: \(serverError.message)")
            throw ExitCode(serverError.exitCode.rawValue)
        }
    }
}
