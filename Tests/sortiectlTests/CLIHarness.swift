import ArgumentParser
import Foundation
import Logging
import SortieKit
import SortieKitTesting
@testable import sortiectl

/// What one command run printed and how it ended.
struct CLIResult {
    var exitCode: Int32
    var stdout: String
    var stderr: String
}

/// Runs sortiectl in-process, as the shell does: parse the words, run with a captured console.
func runCLI(_ arguments: [String], environment: [String: String]) async -> CLIResult {
    let (console, captured) = Console.capture()
    do {
        let command = try Sortie.parseAsRoot(arguments)
        guard let sortie = command as? any SortieCommand else {
            return CLIResult(exitCode: 0, stdout: Sortie.helpMessage(for: type(of: command)), stderr: "")
        }
        let context = CommandContext(environment: environment, console: console, logger: Logger(label: "test"),
                                     cluster: sortie.clusterOptions)
        try await sortie.execute(in: context)
        return CLIResult(exitCode: 0, stdout: captured.stdout, stderr: captured.stderr)
    } catch {
        let code = Sortie.exitCode(for: error).rawValue
        var stderr = captured.stderr
        if !(error is ExitCode) { stderr += Sortie.fullMessage(for: error) }
        return CLIResult(exitCode: code, stdout: captured.stdout, stderr: stderr)
    }
}

/// The environment for commands against a sandbox, with the example catalog.
func sandboxEnvironment(_ sandbox: Sandbox, _ extra: [String: String] = [:]) -> [String: String] {
    // (CLIProcess adds the sanitizer settings of scripts/sanitizers.sh to every child.)
    ["KUBECONFIG": sandbox.kubeconfigPath, "SORTIE_APPS": Sandbox.repositoryRoot + "/examples/apps.json",
     "HOME": NSTemporaryDirectory(), "USER": "tester"].merging(extra) { _, new in new }
}
