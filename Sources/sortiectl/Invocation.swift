import Foundation

/// How this process was invoked: as `sortiectl`, or as the kubectl plugin `kubectl-sortie`
/// (kubectl runs `kubectl-sortie` from PATH for `kubectl sortie …`, with argv[0] naming it; a
/// symlink or copy of the binary under that name is all the installation there is).
enum Invocation {
    /// The executable name kubectl looks for.
    static let pluginExecutableName = "kubectl-sortie"

    /// The command name usage and help show: `kubectl sortie` for the plugin, else `sortiectl`.
    static let commandName = commandName(argv0: CommandLine.arguments.first ?? "sortiectl")

    static func commandName(argv0: String) -> String {
        URL(fileURLWithPath: argv0).lastPathComponent == pluginExecutableName ? "kubectl sortie" : "sortiectl"
    }

    /// Commands that always talk to the API server, so libcurl can be loaded while their arguments
    /// are parsed (``LibcurlPreload``). Others never load it (`version --client`, `apps`, help).
    static let clusterCommands: Set<String> = ["sessions", "pods", "quota", "connect"]

    /// Whether these arguments (without the executable) run a command that reaches a cluster.
    static func reachesCluster(_ arguments: [String]) -> Bool {
        guard let command = arguments.first, clusterCommands.contains(command) else { return false }
        return !arguments.contains { ["-h", "--help", "help", "--version"].contains($0) || $0.hasPrefix("--generate-completion") }
    }

    /// Whether a person is at a terminal (stdin and stdout): then `sortiectl` alone opens the shell.
    static var isInteractive: Bool { isatty(STDIN_FILENO) != 0 && isatty(STDOUT_FILENO) != 0 }
}
