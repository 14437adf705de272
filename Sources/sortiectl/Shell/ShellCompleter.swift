import ArgumentParser
import Foundation

/// What Tab offers for the text before the cursor.
struct ShellCompletion: Equatable, Sendable {
    /// The (unquoted) part of the word under the cursor that candidates extend.
    var word: String
    /// The full words that may replace it, sorted.
    var candidates: [String]
    /// The quote the word is inside, if any.
    var openQuote: Character?

    /// What to insert at the cursor: the candidates' common extension of `word`, escaped for the
    /// shell's tokenizer, plus a closing quote and a blank when there is exactly one candidate
    /// (unless it is a directory, which the user will want to descend into).
    var insertion: String {
        guard let first = candidates.first else { return "" }
        var common = first
        for candidate in candidates.dropFirst() {
            common = String(common.commonPrefix(with: candidate))
        }
        guard common.hasPrefix(word) else { return "" }
        var text = Self.escape(String(common.dropFirst(word.count)), inside: openQuote)
        if candidates.count == 1 && !first.hasSuffix("/") {
            if let openQuote { text.append(openQuote) }
            text += " "
        }
        return text
    }

    private static func escape(_ text: String, inside quote: Character?) -> String {
        switch quote {
        case "'": return text.replacingOccurrences(of: "'", with: "'\\''")
        case "\"": return text.reduce(into: "") { out, c in if "\"\\$`".contains(c) { out.append("\\") }; out.append(c) }
        default: return text.reduce(into: "") { out, c in if " \t'\"\\#$`".contains(c) { out.append("\\") }; out.append(c) }
        }
    }
}

/// Completes shell lines: built-ins (`use`, `exit`, …), subcommands, flags, listed option values,
/// file names, and — through ArgumentParser's custom completions, the same closures the
/// bash/zsh/fish scripts call — app ids and live session ids.
struct ShellCompleter: Sendable {
    /// Words the shell understands itself, besides the commands.
    static let builtins = ["exit", "help", "quit", "use"]

    /// Runs an argument's custom completion: (command path, argument name as ArgumentParser
    /// spells it for `---completion`, words, index of the word being completed, its prefix).
    typealias CustomCompletion = @Sendable (_ path: [String], _ argument: String, _ words: [String], _ index: Int, _ prefix: String) -> [String]

    var tree: ShellCommandTree
    var settings: ShellSettings
    var environment: [String: String]
    var custom: CustomCompletion = ShellCompleter.argumentParserCompletion
    var fileSystem: @Sendable (_ directory: String) -> [String]? = { try? FileManager.default.contentsOfDirectory(atPath: $0) }

    func complete(_ textBeforeCursor: String) -> ShellCompletion {
        let partial = ShellTokenizer.partial(textBeforeCursor)
        let word = partial.current
        func result(_ candidates: [String]) -> ShellCompletion {
            ShellCompletion(word: word, candidates: Array(Set(candidates.filter { $0.hasPrefix(word) })).sorted(),
                            openQuote: partial.openQuote)
        }
        let words = partial.words
        guard let first = words.first else {
            return result(tree.root.children.map(\.commandName) + Self.builtins)
        }
        switch first {
        case "use":
            if words.count == 1 { return result(["context", "namespace"]) }
            if words.count == 2 && ["context", "ctx"].contains(words[1]) {
                return result(settings.contextNames(environment: environment))
            }
            return result([])
        case "help":
            return result(node(at: Array(words.dropFirst())).children.map(\.commandName))
        case "exit", "quit":
            return result([])
        default:
            break
        }

        // Walk the words as the parser would: subcommands first, then flags, option values and positionals.
        var node = tree.root
        var positionalIndex = 0
        var pendingOption: ShellCommandTree.Argument?
        var afterTerminator = false
        for current in words {
            if pendingOption != nil { pendingOption = nil; continue }
            if !afterTerminator && current == "--" { afterTerminator = true; continue }
            if !afterTerminator && current.hasPrefix("-") && current.count > 1 {
                if !current.contains("="), let argument = node.argument(named: current), argument.takesValue {
                    pendingOption = argument
                }
                continue
            }
            if positionalIndex == 0, let child = node.child(named: current) {
                node = child
                continue
            }
            positionalIndex += 1
        }

        if let option = pendingOption {
            let name = option.preferredName?.spelled ?? option.flagNames.first ?? "---"
            return result(values(for: option, named: name, in: node, words: words, word: word))
        }
        if !afterTerminator && word.hasPrefix("-") {
            let flags = (node.arguments ?? []).filter { $0.kind != .positional && $0.shouldDisplay != false }
            return result(flags.flatMap(\.flagNames) + ["--help"])
        }
        var candidates = positionalIndex == 0 ? node.children.map(\.commandName) : []
        let positionals = node.positionals
        let index = positionalIndex < positionals.count ? positionalIndex
            : (positionals.last?.isRepeating == true ? positionals.count - 1 : nil)
        if let index {
            candidates += values(for: positionals[index], named: "positional@\(index)", in: node, words: words, word: word)
        }
        return result(candidates)
    }

    /// The command the words name (for `help WORDS`).
    private func node(at words: [String]) -> ShellCommandTree.Node {
        var node = tree.root
        for word in words {
            guard let child = node.child(named: word) else { break }
            node = child
        }
        return node
    }

    /// Values for one argument; `name` is how `---completion` names it (`positional@0`, `--app`).
    private func values(for argument: ShellCommandTree.Argument, named name: String, in node: ShellCommandTree.Node,
                        words: [String], word: String) -> [String] {
        if argument.isCustom {
            // The shell's `use` settings go first, so flags typed on the line win.
            let all = ["sortiectl"] + settings.words + words + [word]
            return custom(node.path, name, all, all.count - 1, word)
        }
        if !argument.listedValues.isEmpty { return argument.listedValues }
        if argument.isFile || argument.isDirectory { return files(matching: word, directoriesOnly: argument.isDirectory, extensions: argument.fileExtensions) }
        return []
    }

    /// File names for a partial path: directories end in "/", files must have one of `extensions`.
    private func files(matching word: String, directoriesOnly: Bool, extensions: [String]) -> [String] {
        let slash = word.lastIndex(of: "/")
        let directoryPart = slash.map { String(word[...$0]) } ?? ""
        var directory = directoryPart.isEmpty ? "." : directoryPart
        if directory.hasPrefix("~/") { directory = (environment["HOME"] ?? NSHomeDirectory()) + directory.dropFirst(1) }
        guard let entries = fileSystem(directory) else { return [] }
        let namePrefix = slash.map { String(word[word.index(after: $0)...]) } ?? word
        return entries.filter { $0.hasPrefix(namePrefix) && (namePrefix.hasPrefix(".") || !$0.hasPrefix(".")) }.compactMap { entry in
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: directory + "/" + entry, isDirectory: &isDirectory)
            if isDirectory.boolValue { return directoryPart + entry + "/" }
            if directoriesOnly { return nil }
            if !extensions.isEmpty && !extensions.contains(where: { entry.hasSuffix("." + $0) }) { return nil }
            return directoryPart + entry
        }
    }

    /// Runs the custom completion in-process through ArgumentParser's hidden completion mode,
    /// exactly as `sortiectl ---completion PATH -- ARGUMENT INDEX CURSOR WORDS…` would.
    static let argumentParserCompletion: CustomCompletion = { path, argument, words, index, prefix in
        do {
            _ = try Sortie.parseAsRoot(["---completion"] + path + ["--", argument, String(index), String(prefix.count)] + words)
            return []
        } catch {
            guard Sortie.exitCode(for: error) == .success else { return [] }
            return Sortie.fullMessage(for: error).split(separator: "\n").map(String.init)
        }
    }
}
