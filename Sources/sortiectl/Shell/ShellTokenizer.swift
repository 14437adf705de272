/// Splits a shell line into words the way a POSIX shell would for a simple command: blanks
/// separate words; `'…'` is literal; `"…"` is literal except that a backslash escapes `"`, `\`,
/// `$` and `` ` ``; outside quotes a backslash escapes any character; `#` at the start of a word
/// begins a comment. There is no expansion, globbing, piping or redirection: the words go to
/// `Sortie.parseAsRoot` as they are.
struct ShellTokenizer {
    /// The words of a line still being typed, for completion.
    struct Partial: Equatable {
        /// The complete words before the one under the cursor.
        var words: [String]
        /// The (unquoted) word under the cursor; empty after a blank.
        var current: String
        /// The quote the current word is inside, if any, so a completion can close it.
        var openQuote: Character?
    }

    /// Splits a complete line into words.
    /// - Throws: `ShellTokenizerError` for an unterminated quote or a trailing backslash.
    static func words(_ line: String) throws(ShellTokenizerError) -> [String] {
        let result = scan(line)
        if let quote = result.openQuote { throw .unterminatedQuote(quote) }
        if result.danglingEscape { throw .trailingBackslash }
        var words = result.words
        if let current = result.current { words.append(current) }
        return words
    }

    /// Splits the text before the cursor, tolerating an open quote or a trailing backslash.
    static func partial(_ text: String) -> Partial {
        let result = scan(text)
        return Partial(words: result.words, current: result.current ?? "", openQuote: result.openQuote)
    }

    /// Quotes a word so that `words(_:)` reads it back unchanged (used when inserting completions).
    static func quote(_ word: String) -> String {
        let special: Set<Character> = [" ", "\t", "'", "\"", "\\", "#", "$", "`", "\n"]
        if !word.isEmpty && !word.contains(where: special.contains) { return word }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    private struct Scan {
        var words: [String] = []
        /// The word being built; nil between words.
        var current: String?
        var openQuote: Character?
        var danglingEscape = false
    }

    private static func scan(_ line: String) -> Scan {
        var scan = Scan()
        var escaped = false
        for character in line {
            if escaped {
                escaped = false
                if scan.openQuote == "\"" && !["\"", "\\", "$", "`"].contains(character) {
                    scan.current!.append("\\")
                }
                // A backslash-newline outside quotes joins lines, as in sh.
                if scan.openQuote == nil && character == "\n" { continue }
                scan.current!.append(character)
                continue
            }
            switch scan.openQuote {
            case "'":
                if character == "'" { scan.openQuote = nil } else { scan.current!.append(character) }
            case "\"":
                if character == "\"" {
                    scan.openQuote = nil
                } else if character == "\\" {
                    escaped = true
                } else {
                    scan.current!.append(character)
                }
            default:
                if character == " " || character == "\t" || character == "\n" {
                    if let word = scan.current { scan.words.append(word) }
                    scan.current = nil
                } else if character == "#" && scan.current == nil {
                    return scan
                } else {
                    if scan.current == nil { scan.current = "" }
                    switch character {
                    case "'", "\"": scan.openQuote = character
                    case "\\": escaped = true
                    default: scan.current!.append(character)
                    }
                }
            }
        }
        scan.danglingEscape = escaped
        return scan
    }
}

/// A line the shell cannot split into words.
enum ShellTokenizerError: Error, Equatable, CustomStringConvertible {
    case unterminatedQuote(Character)
    case trailingBackslash

    var description: String {
        switch self {
        case .unterminatedQuote(let quote): "unterminated \(quote) quote"
        case .trailingBackslash: "the line ends with a backslash"
        }
    }
}
