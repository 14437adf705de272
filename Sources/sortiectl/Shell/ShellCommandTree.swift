import ArgumentParser
import Foundation

/// The command tree as the shell's completion needs it: subcommands, flag and option names,
/// positionals and their completion kinds.
///
/// It is read from ArgumentParser's own description of the commands (what
/// `sortiectl --experimental-dump-help` prints, obtained in-process), so the shell completes
/// exactly what the parser accepts and the completion scripts offer, with no second copy.
struct ShellCommandTree: Sendable {
    /// One command.
    struct Node: Sendable, Decodable {
        var commandName: String
        var abstract: String?
        var subcommands: [Node]?
        var arguments: [Argument]?

        /// The command's path below the root (`["sessions", "get"]`), filled in after decoding.
        var path: [String] = []

        private enum CodingKeys: String, CodingKey { case commandName, abstract, subcommands, arguments }

        func child(named name: String) -> Node? { subcommands?.first { $0.commandName == name } }
        var children: [Node] { subcommands ?? [] }
        var positionals: [Argument] { (arguments ?? []).filter { $0.kind == .positional } }
        func argument(named flag: String) -> Argument? {
            (arguments ?? []).first { $0.kind != .positional && $0.flagNames.contains(flag) }
        }
    }

    /// One flag, option or positional.
    struct Argument: Sendable, Decodable {
        enum Kind: String, Sendable, Decodable { case positional, option, flag }
        struct Name: Sendable, Decodable {
            enum Kind: String, Sendable, Decodable { case long, short, longWithSingleDash }
            var kind: Kind
            var name: String
            var spelled: String { kind == .long ? "--" + name : "-" + name }
        }

        var kind: Kind
        var shouldDisplay: Bool?
        var isRepeating: Bool?
        var names: [Name]?
        var preferredName: Name?
        var valueName: String?
        var allValues: [String]?
        /// The shape of ArgumentParser's `CompletionKindV0`, e.g. `{"custom": {}}`, `{"file": {"extensions": []}}`.
        var completionKind: [String: CompletionDetail]?

        struct CompletionDetail: Sendable, Decodable {
            var values: [String]?
            var extensions: [String]?
        }

        var flagNames: [String] { (names ?? []).map(\.spelled) }
        var isCustom: Bool { completionKind.map { $0.keys.contains { $0.hasPrefix("custom") } } ?? false }
        var isFile: Bool { completionKind?["file"] != nil }
        var isDirectory: Bool { completionKind?["directory"] != nil }
        var fileExtensions: [String] { completionKind?["file"]?.extensions ?? [] }
        var listedValues: [String] { completionKind?["list"]?.values ?? allValues ?? [] }
        var takesValue: Bool { kind == .option }
    }

    private struct ToolInfo: Decodable {
        var serializationVersion: Int
        var command: Node
    }

    var root: Node

    init(root: Node) { self.root = root }

    /// The tree of `Sortie`, from ArgumentParser's dump-help output.
    static func sortie() -> ShellCommandTree {
        var json = ""
        do {
            _ = try Sortie.parseAsRoot(["--experimental-dump-help"])
        } catch {
            json = Sortie.fullMessage(for: error)
        }
        return (try? decode(Data(json.utf8))) ?? ShellCommandTree(root: Node(commandName: "sortiectl"))
    }

    static func decode(_ data: Data) throws -> ShellCommandTree {
        var root = try JSONDecoder().decode(ToolInfo.self, from: data).command
        assignPaths(&root, path: [])
        return ShellCommandTree(root: root)
    }

    private static func assignPaths(_ node: inout Node, path: [String]) {
        node.path = path
        guard var children = node.subcommands else { return }
        for index in children.indices { assignPaths(&children[index], path: path + [children[index].commandName]) }
        node.subcommands = children
    }
}

extension ShellCommandTree.Node {
    init(commandName: String) {
        self.commandName = commandName
    }
}
