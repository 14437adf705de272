import ArgumentParser
import SortieKit

/// A sortiectl command: `run(_:)` does the work with a prepared context; the shared `run()`
/// builds the context and turns errors into one actionable line and a documented exit code.
protocol SortieCommand: AsyncParsableCommand {
    /// The cluster flags, for commands that talk to the cluster.
    var clusterOptions: ClusterOptions? { get }
    func run(_ context: CommandContext) async throws
}

extension SortieCommand {
    var clusterOptions: ClusterOptions? { nil }

    mutating func run() async throws {
        let context = CommandContext.live(cluster: clusterOptions)
        try await Self.execute(self, context: context)
    }

    /// Runs this command with a prepared context (tests and the shell use this).
    func execute(in context: CommandContext) async throws {
        try await Self.execute(self, context: context)
    }

    /// Runs a command and presents its failure (also used by tests and the shell).
    static func execute(_ command: Self, context: CommandContext) async throws {
        do {
            try await command.run(context)
        } catch let error as ValidationError {
            throw error
        } catch let error as ExitCode {
            throw error
        } catch let error as CleanExit {
            throw error
        } catch {
            let presented = ErrorPresenter.present(error)
            context.console.diagnostic("error: \(presented.message)")
            throw ExitCode(presented.exitCode.rawValue)
        }
    }
}
