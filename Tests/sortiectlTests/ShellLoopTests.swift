import ArgumentParser
import Foundation
import Logging
import SortieKit
import SortieKitTesting
import Synchronization
import Testing
@testable import sortiectl

/// A `LineEditor` that types a script and records the prompts and history.
actor ScriptedEditor: LineEditor {
    private var script: [LineInput]
    private(set) var prompts: [String] = []
    private(set) var history: [String] = []

    init(_ script: [LineInput]) { self.script = script }
    init(lines: [String]) { self.script = lines.map { .line($0) } }

    func readLine(prompt: String) -> LineInput {
        prompts.append(prompt)
        return script.isEmpty ? .endOfInput : script.removeFirst()
    }

    func addHistory(_ line: String) { history.append(line) }
}

/// Ctrl-C after a delay (or never).
struct DelayedInterrupt: ShellInterrupts {
    var after: Duration = .seconds(86_400)
    func nextInterrupt() async { try? await Task.sleep(for: after) }
}

/// What the loop's commands received.
final class RunLog: Sendable {
    private let entries = Locked<[(command: String, cluster: ClusterOptions?, namespaceVariable: String?)]>([])
    func append(_ command: any ParsableCommand, _ context: CommandContext) {
        entries.withLock { $0.append((String(describing: type(of: command)), context.cluster, context.environment["SORTIE_NAMESPACE"])) }
    }
    var all: [(command: String, cluster: ClusterOptions?, namespaceVariable: String?)] { entries.withLock { $0 } }
}

@Suite("sortiectl shell: the loop, with scripted input")
struct ShellLoopTests {
    let catalog = Sandbox.repositoryRoot + "/examples/apps.json"

    func makeLoop(_ editor: ScriptedEditor, environment: [String: String] = [:], settings: ShellSettings = ShellSettings(),
                  interrupts: any ShellInterrupts = DelayedInterrupt(),
                  runner: (@Sendable (any ParsableCommand, CommandContext) async throws -> Void)? = nil) -> (ShellLoop, CapturedOutput) {
        let (console, captured) = Console.capture()
        var environment = environment
        environment["SORTIE_APPS"] = catalog
        environment["HOME"] = environment["HOME"] ?? NSTemporaryDirectory() + "no-home-\(UUID().uuidString)"
        let context = CommandContext(environment: environment, console: console, logger: Logger(label: "test"), cluster: nil)
        var loop = ShellLoop(editor: editor, interrupts: interrupts, settings: settings, baseContext: context)
        if let runner { loop.runner = runner }
        return (loop, captured)
    }

    @Test func runsCommandsPrintsErrorsAndKeepsGoing() async {
        let editor = ScriptedEditor(lines: [
            "apps list -q", "apps show nope", "bogus --flag", "apps show 'unterminated", "   ", "sessions kill",
            "apps show xterm -o json", "exit", "apps list",
        ])
        let (loop, output) = makeLoop(editor)
        await loop.run()
        #expect(output.stdout.contains("xterm\nxclock\n") || output.stdout.contains("xterm\n"))
        #expect(output.stdout.contains(#""container_image""#), "the command after the failures ran")
        #expect(output.stderr.contains("nope"), "\(output.stderr)")
        #expect(output.stderr.contains("Unknown option '--flag'"))
        #expect(output.stderr.contains("unterminated ' quote"))
        #expect(output.stderr.contains("give at least one session id, or --all"))
        #expect(output.stderr.contains("Usage: sortiectl sessions kill"), "usage errors show the usage")
        // `exit` ended the loop: the last line was never read.
        #expect(await editor.prompts.count == 8)
        #expect(await editor.history == ["apps list -q", "apps show nope", "bogus --flag", "apps show 'unterminated",
                                          "sessions kill", "apps show xterm -o json", "exit"])
    }

    @Test func endOfInputAndInterruptedLines() async {
        let editor = ScriptedEditor([.interrupted, .line("quit"), .line("apps list")])
        let (loop, output) = makeLoop(editor)
        await loop.run()
        #expect(await editor.prompts.count == 2)
        #expect(output.stdout.isEmpty)
        let empty = ScriptedEditor([.endOfInput, .line("apps list")])
        await makeLoop(empty).0.run()
        #expect(await empty.prompts.count == 1)
    }

    @Test func helpListsCommandsAndShellBuiltins() async {
        let editor = ScriptedEditor(lines: ["help", "help sessions create", "sessions get --help", "help nothing", "shell"])
        let (loop, output) = makeLoop(editor)
        await loop.run()
        #expect(output.stdout.contains("SUBCOMMANDS:"))
        #expect(output.stdout.contains("use namespace NAME"))
        #expect(output.stdout.contains("USAGE: sortiectl sessions create [<options>] <app>"))
        #expect(output.stdout.contains("USAGE: sortiectl sessions get <id>"), "--help goes to stdout, not stderr")
        #expect(output.stderr.contains("unknown command \"nothing\""))
        #expect(output.stderr.contains("already in the shell"))
    }

    @Test func useSwitchesContextAndNamespaceForTheFollowingCommands() async throws {
        let kubeconfig = try Self.twoContextKubeconfig()
        let editor = ScriptedEditor(lines: [
            "sessions list", "use namespace team-b", "sessions list", "sessions list -n explicit", "use context prod",
            "sessions list", "use context missing", "use", "use nonsense",
        ])
        let log = RunLog()
        let (loop, output) = makeLoop(editor, environment: ["KUBECONFIG": kubeconfig], runner: { command, context in log.append(command, context) })
        await loop.run()

        #expect(await editor.prompts == [
            "sortie(dev/team-a)> ", "sortie(dev/team-a)> ", "sortie(dev/team-b)> ", "sortie(dev/team-b)> ",
            "sortie(dev/team-b)> ", "sortie(prod/default)> ", "sortie(prod/default)> ", "sortie(prod/default)> ",
            "sortie(prod/default)> ", "sortie(prod/default)> ",
        ])
        let runs = log.all
        try #require(runs.count == 4)
        #expect(runs.allSatisfy { $0.command == "SessionsListCommand" })
        #expect(runs[0].cluster?.namespace == nil && runs[0].cluster?.context == nil)
        #expect(runs[1].cluster?.namespace == "team-b" && runs[1].namespaceVariable == "team-b")
        #expect(runs[2].cluster?.namespace == "explicit", "the line's own flag wins")
        #expect(runs[3].cluster?.context == "prod" && runs[3].cluster?.namespace == nil)
        #expect(output.stderr.contains("context 'missing'") || output.stderr.contains("missing"), "\(output.stderr)")
        #expect(output.stdout.contains("context: prod\nnamespace: default"))
        #expect(output.stderr.contains("usage: use [context NAME | namespace NAME]"))
    }

    @Test(.timeLimit(.minutes(5)))
    func ctrlCCancelsTheRunningCommandNotTheShell() async {
        let editor = ScriptedEditor(lines: ["sessions list -w", "apps list -q"])
        let started = ContinuousClock.now
        let (loop, output) = makeLoop(editor, interrupts: DelayedInterrupt(after: .milliseconds(200))) { command, context in
            if command is SessionsListCommand {
                try await Task.sleep(for: .seconds(60))
            } else {
                try await ShellLoop.runCommand(command, context: context)
            }
        }
        await loop.run()
        #expect(ContinuousClock.now - started < .seconds(30))
        #expect(output.stderr.contains("cancelled"))
        #expect(output.stdout.contains("xterm"), "the shell went on to the next line")
    }

    @Test func historyLivesWhereXDGSays() {
        #expect(ShellHistory.path(environment: ["XDG_STATE_HOME": "/state", "HOME": "/home/a"]) == "/state/sortiectl/history")
        #expect(ShellHistory.path(environment: ["XDG_STATE_HOME": "relative", "HOME": "/home/a"]) == "/home/a/.sortiectl_history")
        #expect(ShellHistory.path(environment: ["HOME": "/home/a"]) == "/home/a/.sortiectl_history")
        #expect(ShellHistory.path(environment: [:]) == nil)
    }

    @Test func kubectlPluginNameShowsInUsage() {
        #expect(Invocation.commandName(argv0: "/usr/local/bin/kubectl-sortie") == "kubectl sortie")
        #expect(Invocation.commandName(argv0: "kubectl-sortie") == "kubectl sortie")
        #expect(Invocation.commandName(argv0: ".build/debug/sortiectl") == "sortiectl")
        #expect(ShellSettings.contextName(origin: "context 'dev' in /tmp/k") == "dev")
        #expect(ShellSettings.contextName(origin: "in-cluster service account (/var/run)") == "in-cluster")
    }

    @Test("libcurl is preloaded for commands that reach a cluster, and only for them")
    func preloadOnlyForClusterCommands() {
        for arguments in [["sessions", "list"], ["pods"], ["quota", "show", "-n", "x"], ["connect", "abc", "--port", "0"]] {
            #expect(Invocation.reachesCluster(arguments), "\(arguments)")
        }
        for arguments in [[], ["version", "--client"], ["apps"], ["apps", "list"], ["sessions", "--help"], ["help", "sessions"],
                          ["sessions", "list", "-h"], ["shell"], ["--generate-completion-script", "bash"], ["serve"]] {
            #expect(!Invocation.reachesCluster(arguments), "\(arguments)")
        }
    }

    /// A kubeconfig with contexts `dev` (namespace team-a, current) and `prod`; no server is contacted.
    static func twoContextKubeconfig() throws -> String {
        let path = NSTemporaryDirectory() + "shell-kubeconfig-\(UUID().uuidString).yaml"
        try """
            apiVersion: v1
            kind: Config
            clusters:
            - name: c
              cluster: {server: "https://127.0.0.1:1", insecure-skip-tls-verify: true}
            users:
            - name: u
              user: {token: t}
            contexts:
            - name: dev
              context: {cluster: c, user: u, namespace: team-a}
            - name: prod
              context: {cluster: c, user: u}
            current-context: dev
            """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}

@Suite("sortiectl shell: completion")
struct ShellCompleterTests {
    let catalog = Sandbox.repositoryRoot + "/examples/apps.json"

    /// Records custom-completion calls instead of running them.
    final class CustomCalls: Sendable {
        let calls = Locked<[(path: [String], argument: String, words: [String], index: Int, prefix: String)]>([])
    }

    func completer(_ calls: CustomCalls? = nil, settings: ShellSettings = ShellSettings(), environment: [String: String] = [:]) -> ShellCompleter {
        var completer = ShellCompleter(tree: .sortie(), settings: settings, environment: environment)
        if let calls {
            completer.custom = { path, argument, words, index, prefix in
                calls.calls.withLock { $0.append((path, argument, words, index, prefix)) }
                return ["3f2a9c1e-0000", "3f2b0000-0000", "91bc0000-0000"]
            }
        }
        return completer
    }

    @Test func completesCommandsAndBuiltins() {
        let completion = completer().complete("")
        for name in ["apps", "sessions", "shell", "version", "use", "exit"] { #expect(completion.candidates.contains(name)) }
        #expect(completer().complete("sess").insertion == "ions ")
        #expect(completer().complete("sessions ").candidates == ["create", "get", "kill", "list", "reap"])
        #expect(completer().complete("sessions cr").insertion == "eate ")
        #expect(completer().complete("use ").candidates == ["context", "namespace"])
        #expect(completer().complete("help sessions k").candidates == ["kill"])
    }

    @Test func completesFlagsAndListedValues() {
        #expect(completer().complete("sessions list --st").candidates == ["--status"])
        #expect(completer().complete("sessions list -o ").candidates == ["json", "name", "table", "wide", "yaml"])
        #expect(completer().complete("sessions list --kubeconfig /x -o j").insertion == "son ")
        #expect(completer().complete("sessions create xterm --dry").candidates == ["--dry-run"])
        #expect(completer().complete("apps list -").candidates.contains("--apps"))
    }

    @Test func sessionIDsComeFromTheCustomCompletionWithTheShellsSettings() throws {
        let calls = CustomCalls()
        let settings = ShellSettings(.init(context: "dev", namespace: "team-a"))
        let completion = completer(calls, settings: settings).complete("sessions get 3f2")
        #expect(completion.candidates == ["3f2a9c1e-0000", "3f2b0000-0000"])
        #expect(completion.insertion == "")
        let call = try #require(calls.calls.withLock { $0.first })
        #expect(call.path == ["sessions", "get"])
        #expect(call.argument == "positional@0")
        #expect(call.words == ["sortiectl", "--context", "dev", "--namespace", "team-a", "sessions", "get", "3f2"])
        #expect(call.index == 7 && call.prefix == "3f2")

        _ = completer(calls).complete("sessions kill 3f2a 9")
        _ = completer(calls).complete("sessions list --app x")
        _ = completer(calls).complete("connect ")
        let later = calls.calls.withLock { $0.dropFirst().map { "\($0.path.joined(separator: " ")) \($0.argument)" } }
        #expect(later == ["sessions kill positional@0", "sessions list --app", "connect positional@0"])
    }

    @Test func appIDsComeFromTheCatalogThroughArgumentParser() {
        // The real path: ArgumentParser's hidden completion mode, in-process, reading --apps from the line.
        let shown = completer().complete("apps show --apps \(catalog) x")
        #expect(shown.candidates == ["xclock", "xterm"])
        let creatable = completer().complete("sessions create --apps \(catalog) ")
        #expect(creatable.candidates.contains("xterm"))
        #expect(!creatable.candidates.contains("sortie-docs"), "url apps cannot start sessions")
    }

    @Test func completesFilesForFileOptions() throws {
        let directory = NSTemporaryDirectory() + "shell-files-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory + "/sub", withIntermediateDirectories: true)
        try "{}".write(toFile: directory + "/apps.json", atomically: true, encoding: .utf8)
        try "x".write(toFile: directory + "/notes.txt", atomically: true, encoding: .utf8)
        #expect(completer().complete("apps list --apps \(directory)/").candidates == ["\(directory)/apps.json", "\(directory)/sub/"])
    }

    @Test(.timeLimit(.minutes(5)))
    func liveSessionIDsFromTheSandbox() async throws {
        let sandbox = try Sandbox.start(readyDelay: 0.1)
        defer { sandbox.stop() }
        let env = sandboxEnvironment(sandbox)
        let created = await runCLI(["sessions", "create", "xterm", "-q"], environment: env)
        let id = created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(created.exitCode == 0 && !id.isEmpty, "\(created.stderr)")
        SessionIDCache.shared.invalidate()
        let words = ["sortiectl", "--kubeconfig", sandbox.kubeconfigPath, "sessions", "get", ""]
        // Generous patience: other suites load the machine while this runs.
        #expect(await Self.offPool { DynamicCompletion.sessionIDs(prefix: "", words: words, environment: env, patience: .seconds(30)) } == [id])
        #expect(await Self.offPool { DynamicCompletion.sessionIDs(prefix: String(id.prefix(4)), words: words, environment: env, patience: .seconds(30)) } == [id])
        #expect(await Self.offPool { DynamicCompletion.sessionIDs(prefix: "zz", words: words, environment: env, patience: .seconds(30)) }.isEmpty)
        // Nothing listens there: no candidates, within the patience, and no output.
        let unreachable = ["sortiectl", "--kubeconfig", try ShellLoopTests.twoContextKubeconfig(), "sessions", "get", ""]
        let started = ContinuousClock.now
        #expect(await Self.offPool { DynamicCompletion.sessionIDs(prefix: "", words: unreachable, environment: env) }.isEmpty)
        #expect(ContinuousClock.now - started < .seconds(20), "the completion lookup must give up, not hang")
    }

    /// Runs a blocking completion call on a thread of its own, as the shell's editor thread does,
    /// so it does not block the cooperative pool the other suites run on.
    static func offPool(_ body: @escaping @Sendable () -> [String]) async -> [String] {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: body()) }.start()
        }
    }
}
