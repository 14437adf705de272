import ArgumentParser
import Foundation
import SortieKit

/// `sortiectl shell`: the same commands in an interactive console (libedit).
struct ShellCommand: SortieCommand {
    static let configuration = CommandConfiguration(
        commandName: "shell",
        abstract: "Run sortiectl commands in an interactive shell with history and Tab completion.",
        discussion: """
            Every sortiectl command works in the shell, without the leading "sortiectl". Tab completes
            commands, flags, app ids (from the catalog) and live session ids (from the cluster). The
            prompt shows the kubeconfig context and namespace, which "use context NAME" and "use
            namespace NAME" change for the following commands (their own --context and -n still win).
            Ctrl-C cancels the running command, Ctrl-D or "exit" leaves. History is kept in
            $XDG_STATE_HOME/sortiectl/history, or ~/.sortiectl_history without XDG_STATE_HOME.
            Running sortiectl with no arguments on a terminal opens the shell.

            Examples:
              sortiectl shell
              sortiectl shell --context staging -n sortie
              printf 'apps list\\nsessions list\\n' | sortiectl shell --no-history
            """)

    @Flag(name: .customLong("no-history"), help: "Neither read nor write the history file.")
    var noHistory = false

    @OptionGroup(title: "Cluster Options") var cluster: ClusterOptions
    var clusterOptions: ClusterOptions? { cluster }

    func run(_ context: CommandContext) async throws {
        let settings = ShellSettings(.init(kubeconfig: cluster.kubeconfig, context: cluster.context, namespace: cluster.namespace,
                                           requestTimeout: cluster.requestTimeout, qps: cluster.qps, burst: cluster.burst,
                                           verbose: cluster.verbose))
        let interrupts = SignalInterrupts.shared
        let completer = ShellCompleter(tree: .sortie(), settings: settings, environment: context.environment)
        let editor = EditLineEditor(.init(
            historyFile: noHistory ? nil : ShellHistory.path(environment: context.environment),
            completer: completer,
            interruptDescriptor: interrupts.promptDescriptor))
        var base = context
        base.cluster = nil
        let loop = ShellLoop(editor: editor, interrupts: interrupts, settings: settings, baseContext: base,
                             beforePrompt: { interrupts.install(); interrupts.drainPrompt() })
        await loop.run()
        await editor.close()
    }
}
