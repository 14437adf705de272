/// What one prompt produced.
enum LineInput: Equatable, Sendable {
    /// A line the user entered (without the newline).
    case line(String)
    /// Ctrl-C at the prompt: the line was discarded.
    case interrupted
    /// Ctrl-D on an empty line, or the end of non-terminal input.
    case endOfInput
}

/// Reads lines for `sortiectl shell`. `EditLineEditor` is the libedit implementation; tests
/// script the input with one of their own.
protocol LineEditor: Sendable {
    /// Shows `prompt` and reads one line.
    func readLine(prompt: String) async -> LineInput
    /// Records an entered line in the history (and its file, if the editor keeps one).
    func addHistory(_ line: String) async
}

/// Where a Ctrl-C while a command runs comes from. `SignalInterrupts` is SIGINT; tests fire their own.
protocol ShellInterrupts: Sendable {
    /// Returns at the next Ctrl-C, or when the calling task is cancelled.
    func nextInterrupt() async
}
