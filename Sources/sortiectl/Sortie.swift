import ArgumentParser
import Foundation
import SortieKit

/// The `sortiectl` root command: lists the subcommands; shared flags live in `GlobalOptions`.
@main
struct Sortie: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: Invocation.commandName,
        abstract: "Launch containerized GUI applications as Kubernetes pods and stream them over VNC.",
        discussion: """
            Sessions are pods: the cluster is the source of truth, so sortiectl keeps no local state.
            Configuration follows kubectl: --kubeconfig, else KUBECONFIG, else ~/.kube/config, else the
            in-cluster service account. SORTIE_NAMESPACE overrides the context's namespace; -n overrides both.

            Exit codes: 0 success; 1 other failure (e.g. a session failed to start); 2 not found (session,
            app, pod); 3 timeout; 4 API error; 5 quota exceeded (Sortie's limits or the namespace
            ResourceQuota); 6 cluster unreachable or TLS failure; 7 configuration error (kubeconfig,
            catalog, environment); 64 usage error (bad flags or arguments).
            """,
        version: SortieVersion.description,
        subcommands: [AppsCommand.self, SessionsCommand.self, ConnectCommand.self, PodsCommand.self, QuotaCommand.self, ServeCommand.self, ShellCommand.self, VersionCommand.self]
    )

    /// Refuses arguments that are not UTF-8 before parsing: Swift would turn their bytes into
    /// U+FFFD, and two different user ids or names would silently become the same one.
    static func main() async {
        let arguments = (1..<Int(CommandLine.argc)).map { index in
            CommandLine.unsafeArgv[index].map { Array(UnsafeBufferPointer(start: UnsafeRawPointer($0).assumingMemoryBound(to: UInt8.self),
                                                                      count: strlen($0))) } ?? []
        }
        if let bad = arguments.firstIndex(where: { String(validating: $0, as: UTF8.self) == nil }) {
            FileHandle.standardError.write(Data("Error: argument \(bad + 1) is not valid UTF-8 text\n".utf8))
            Foundation.exit(ExitCode.validationFailure.rawValue)
        }
        if Invocation.reachesCluster(CommandLine.arguments.dropFirst().map { $0 }) { LibcurlPreload.start() }
        await main(nil)
        // A command that fails exits inside main(_:) with its code. Returning from here would hand
        // the exit to the async main's dispatch drain, which starts a thread only to call exit.
        Foundation.exit(0)
    }

    /// `sortiectl` alone opens the shell for a person at a terminal, and prints help otherwise.
    mutating func run() async throws {
        guard Invocation.isInteractive else { throw CleanExit.helpRequest(self) }
        var shell = try ShellCommand.parse([])
        try await shell.run()
    }
}
