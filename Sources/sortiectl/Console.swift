import Foundation
import SortieKit
import Synchronization

/// Where a command writes: results to stdout, diagnostics and progress to stderr.
/// Tests use `Console.capture()` to read what a command printed.
final class Console: Sendable {
    private let out: @Sendable (String) -> Void
    private let err: @Sendable (String) -> Void
    let isTerminal: Bool

    init(out: @escaping @Sendable (String) -> Void, err: @escaping @Sendable (String) -> Void, isTerminal: Bool) {
        self.out = out
        self.err = err
        self.isTerminal = isTerminal
    }

    static let standard = Console(
        out: { text in FileHandle.standardOutput.write(Data(text.utf8)) },
        err: { text in FileHandle.standardError.write(Data(text.utf8)) },
        isTerminal: isatty(STDOUT_FILENO) != 0)

    /// A console that records into buffers.
    static func capture() -> (Console, CapturedOutput) {
        let captured = CapturedOutput()
        let console = Console(out: { captured.appendOut($0) }, err: { captured.appendErr($0) }, isTerminal: false)
        return (console, captured)
    }

    /// Writes a result line to stdout.
    func print(_ text: String) { out(text + "\n") }
    /// Writes raw text to stdout.
    func write(_ text: String) { out(text) }
    /// Writes a diagnostic line to stderr.
    func diagnostic(_ text: String) { err(text + "\n") }
}

final class CapturedOutput: Sendable {
    private let state = Locked<(out: String, err: String)>(("", ""))
    func appendOut(_ text: String) { state.withLock { $0.out += text } }
    func appendErr(_ text: String) { state.withLock { $0.err += text } }
    var stdout: String { state.withLock { $0.out } }
    var stderr: String { state.withLock { $0.err } }
}
