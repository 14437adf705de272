import Testing
@testable import sortiectl

@Suite("sortiectl shell: tokenizer")
struct ShellTokenizerTests {
    @Test(arguments: [
        ("sessions list", ["sessions", "list"]),
        ("  sessions\t list  ", ["sessions", "list"]),
        ("sessions create xterm --user 'alice smith'", ["sessions", "create", "xterm", "--user", "alice smith"]),
        (#"apps show "my app""#, ["apps", "show", "my app"]),
        (#"a\ b c"#, ["a b", "c"]),
        (#"say "a \"quoted\" \$word \n""#, ["say", #"a "quoted" $word \n"#]),
        (#"'it'\''s'"#, ["it's"]),
        (#"--user=a"b c"d"#, ["--user=ab cd"]),
        ("''", [""]),
        ("apps list # the catalog", ["apps", "list"]),
        ("a#b", ["a#b"]),
        ("", []),
    ])
    func splitsLikeAShell(line: String, words: [String]) throws {
        #expect(try ShellTokenizer.words(line) == words)
    }

    @Test(arguments: [
        ("apps show 'x", ShellTokenizerError.unterminatedQuote("'")),
        (#"apps show "x"#, ShellTokenizerError.unterminatedQuote("\"")),
        (#"apps show x\"#, ShellTokenizerError.trailingBackslash),
    ])
    func rejectsUnfinishedLines(line: String, error: ShellTokenizerError) {
        #expect(throws: error) { try ShellTokenizer.words(line) }
    }

    @Test func errorsReadWell() {
        #expect(ShellTokenizerError.unterminatedQuote("'").description == "unterminated ' quote")
    }

    @Test func partialLinesKeepTheWordUnderTheCursor() {
        #expect(ShellTokenizer.partial("sessions cr") == .init(words: ["sessions"], current: "cr", openQuote: nil))
        #expect(ShellTokenizer.partial("sessions ") == .init(words: ["sessions"], current: "", openQuote: nil))
        #expect(ShellTokenizer.partial("apps show 'my a") == .init(words: ["apps", "show"], current: "my a", openQuote: "'"))
        #expect(ShellTokenizer.partial("") == .init(words: [], current: "", openQuote: nil))
    }

    @Test(arguments: ["plain", "two words", "it's", #"back\slash"#, "", "#hash", "$HOME"])
    func quotingRoundTrips(word: String) throws {
        #expect(try ShellTokenizer.words(ShellTokenizer.quote(word)) == [word])
    }

    @Test func completionInsertionsAreEscaped() {
        #expect(ShellCompletion(word: "cr", candidates: ["create"]).insertion == "eate ")
        #expect(ShellCompletion(word: "", candidates: ["get", "gone"]).insertion == "g")
        #expect(ShellCompletion(word: "l", candidates: ["list", "logs"]).insertion == "")
        #expect(ShellCompletion(word: "my", candidates: ["my app"]).insertion == #"\ app "#)
        #expect(ShellCompletion(word: "my", candidates: ["my app"], openQuote: "'").insertion == " app' ")
        #expect(ShellCompletion(word: "ex", candidates: ["examples/"]).insertion == "amples/")
    }
}
