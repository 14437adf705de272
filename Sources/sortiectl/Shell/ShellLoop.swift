import ArgumentParser
import Foundation
import SortieKit

/// The read–eval–print loop of `sortiectl shell`.
///
/// Each line is split by `ShellTokenizer`, parsed with `Sortie.parseAsRoot` — the same command
/// tree, flags, validation and help as on the command line — and run with the shell's
/// `CommandContext`, the shell's `use context` / `use namespace` filling in flags the line does
/// not give. A failing command prints its error and the loop goes on; Ctrl-C cancels the running
/// command; `exit`, `quit` or Ctrl-D end the loop.
struct ShellLoop {
    var editor: any LineEditor
    var interrupts: any ShellInterrupts
    var settings: ShellSettings
    /// Environment, console and logger for every command; the cluster options are set per command.
    var baseContext: CommandContext
    /// Runs one parsed command (tests substitute their own).
    var runner: @Sendable (_ command: any ParsableCommand, _ context: CommandContext) async throws -> Void = ShellLoop.runCommand
    /// Called before each prompt (the real shell re-arms its SIGINT handler here).
    var beforePrompt: @Sendable () -> Void = {}

    private var console: Console { baseContext.console }

    /// What the shell understands besides the commands, for `help`.
    static let builtinHelp = """
        Shell commands:
          use context NAME     Use this kubeconfig context for the following commands.
          use namespace NAME   Use this namespace for the following commands.
          use                  Show the context and namespace in use.
          help [COMMAND...]    Show the commands, or one command's help.
          exit, quit           Leave the shell (or press Ctrl-D).
        Tab completes commands, flags, app ids and session ids; Ctrl-C cancels a running command.
        """

    /// Reads and runs lines until `exit`, `quit` or the end of input.
    func run() async {
        if console.isTerminal {
            console.diagnostic("sortiectl shell \(SortieVersion.version): Tab completes, 'help' lists commands, 'exit' or Ctrl-D leaves.")
        }
        while true {
            beforePrompt()
            let input = await editor.readLine(prompt: settings.prompt(environment: baseContext.environment))
            guard case .line(let line) = input else {
                if input == .endOfInput { return }
                continue
            }
            if line.allSatisfy(\.isWhitespace) { continue }
            await editor.addHistory(line)
            if await handle(line) == .exit { return }
        }
    }

    enum Outcome: Equatable { case proceed, exit }

    /// Runs one line.
    func handle(_ line: String) async -> Outcome {
        let words: [String]
        do {
            words = try ShellTokenizer.words(line)
        } catch {
            console.diagnostic("error: \(error)")
            return .proceed
        }
        guard let first = words.first else { return .proceed }
        switch first {
        case "exit", "quit":
            return .exit
        case "use":
            use(Array(words.dropFirst()))
            return .proceed
        case "help":
            help(Array(words.dropFirst()))
            return .proceed
        default:
            await execute(words)
            return .proceed
        }
    }

    /// Parses and runs one command line, cancelling it on Ctrl-C.
    func execute(_ words: [String]) async {
        let command: any ParsableCommand
        do {
            command = try Sortie.parseAsRoot(words)
        } catch {
            report(error)
            return
        }
        if command is ShellCommand || command is Sortie {
            console.diagnostic("error: already in the shell")
            return
        }
        let context = commandContext(for: command)
        let runner = self.runner
        let task = Task { try await runner(command, context) }
        let (interrupts, console) = (self.interrupts, self.console)
        let watcher = Task {
            await interrupts.nextInterrupt()
            guard !Task.isCancelled else { return }
            // End the line the terminal echoed "^C" on.
            if console.isTerminal { console.diagnostic("") }
            task.cancel()
        }
        let result = await task.result
        watcher.cancel()
        // Whatever the command did, the next Tab should see fresh session ids.
        SessionIDCache.shared.invalidate()
        if case .failure(let error) = result {
            // A cancelled SortieCommand has already said "error: cancelled" (and thrown ExitCode).
            if task.isCancelled && !(error is ExitCode) {
                console.diagnostic("cancelled")
            } else {
                report(error)
            }
        }
    }

    /// The context a command runs with: the command's cluster flags, with the shell's settings
    /// where the line gives none.
    func commandContext(for command: any ParsableCommand) -> CommandContext {
        var context = baseContext
        let values = settings.values
        if var cluster = (command as? any SortieCommand)?.clusterOptions {
            cluster.kubeconfig = cluster.kubeconfig ?? values.kubeconfig
            cluster.requestTimeout = cluster.requestTimeout ?? values.requestTimeout
            if cluster.qps == ClusterOptions.defaultQPS { cluster.qps = values.qps }
            if cluster.burst == ClusterOptions.defaultBurst { cluster.burst = values.burst }
            cluster.verbose = max(cluster.verbose, values.verbose)
            // A context named on the line brings its own namespace, unless -n is given too.
            if cluster.context == nil {
                cluster.context = values.context
                cluster.namespace = cluster.namespace ?? values.namespace
            }
            context.cluster = cluster
            if cluster.verbose > 0 { context.logger = CommandContext.live(cluster: cluster).logger }
        }
        // Commands that take a namespace without the cluster flags (`apps render`) read SORTIE_NAMESPACE.
        if let namespace = values.namespace { context.environment["SORTIE_NAMESPACE"] = namespace }
        return context
    }

    /// `use`, `use context NAME`, `use namespace NAME`.
    func use(_ arguments: [String]) {
        switch (arguments.first, arguments.count) {
        case (nil, _):
            let (context, namespace) = settings.describe(environment: baseContext.environment)
            console.print("context: \(context)\nnamespace: \(namespace)")
        case ("namespace", 2), ("ns", 2):
            settings.values.namespace = arguments[1]
            console.diagnostic("Using namespace \"\(arguments[1])\".")
        case ("context", 2), ("ctx", 2):
            var values = settings.values
            values.context = arguments[1]
            // A context brings its own namespace (as `kubectl config use-context` does).
            values.namespace = nil
            let loader = KubeconfigLoader(environment: baseContext.environment)
            do {
                _ = try loader.load(.init(kubeconfigPath: values.kubeconfig, context: values.context))
            } catch {
                console.diagnostic("error: \(ErrorPresenter.present(error).message)")
                return
            }
            settings.values = values
            console.diagnostic("Using context \"\(arguments[1])\".")
        default:
            console.diagnostic("error: usage: use [context NAME | namespace NAME]")
        }
    }

    /// `help` lists the commands and the shell's own; `help COMMAND...` is `COMMAND --help`.
    func help(_ path: [String]) {
        var type: any ParsableCommand.Type = Sortie.self
        for name in path {
            guard let next = type.configuration.subcommands.first(where: { $0.configuration.commandName == name }) else {
                console.diagnostic("error: unknown command \"\(path.joined(separator: " "))\"; try 'help'")
                return
            }
            type = next
        }
        console.print(Sortie.helpMessage(for: type))
        if path.isEmpty { console.print(Self.builtinHelp) }
    }

    /// Prints a parse or command error the way the command line would, without exiting.
    func report(_ error: any Error) {
        // Commands have already printed their own error line when they throw an ExitCode.
        if error is ExitCode { return }
        let message = Sortie.fullMessage(for: error)
        guard !message.isEmpty else { return }
        if Sortie.exitCode(for: error) == .success {
            console.print(message)
        } else {
            console.diagnostic(message)
        }
    }

    /// Runs any parsed command: ours with the context, ArgumentParser's own (help) as they are.
    @Sendable static func runCommand(_ command: any ParsableCommand, context: CommandContext) async throws {
        if let command = command as? any SortieCommand {
            try await command.execute(in: context)
        } else if var command = command as? any AsyncParsableCommand {
            try await command.run()
        } else {
            var command = command
            try command.run()
        }
    }
}
