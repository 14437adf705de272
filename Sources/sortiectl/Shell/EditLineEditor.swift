import CLibEdit
import Foundation
import SortieKit
import Synchronization

/// The `LineEditor` of `sortiectl shell`: libedit (editline(3)) with emacs key bindings, a
/// history file, Tab completion through a `ShellCompleter`, and Ctrl-C discarding the line.
///
/// libedit blocks while the user types and calls back into Swift (prompt, completion, reading a
/// character) on the thread that called `el_gets`. So one dedicated thread owns the `EditLine`
/// and `History` handles for their whole life and serves requests one at a time; nothing else
/// touches them, and the cooperative thread pool is never blocked on the terminal.
final class EditLineEditor: LineEditor {
    /// What the editor needs to start.
    struct Configuration: Sendable {
        /// The history file (loaded at start, saved after every line); nil keeps history in memory.
        var historyFile: String?
        /// How many lines of history to keep.
        var historySize: Int32 = 1000
        var completer: ShellCompleter?
        /// Readable when Ctrl-C is pressed at the prompt (`SignalInterrupts.promptDescriptor`).
        var interruptDescriptor: Int32 = -1
    }

    private enum Request: Sendable {
        case read(prompt: String, reply: CheckedContinuation<LineInput, Never>)
        case addHistory(String, done: CheckedContinuation<Void, Never>)
        case close(done: CheckedContinuation<Void, Never>)
    }

    /// Requests to the editor's thread, in order.
    private final class Channel: Sendable {
        private let requests = Locked<[Request]>([])
        private let wake = DispatchSemaphore(value: 0)

        func submit(_ request: Request) {
            requests.withLock { $0.append(request) }
            wake.signal()
        }

        func next() -> Request {
            while true {
                wake.wait()
                if let request = requests.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) { return request }
            }
        }
    }

    private let channel = Channel()

    init(_ configuration: Configuration) {
        let channel = self.channel
        let thread = Thread {
            let session = EditLineSession(configuration)
            while true {
                switch channel.next() {
                case .read(let prompt, let reply):
                    reply.resume(returning: session.read(prompt: prompt))
                case .addHistory(let line, let done):
                    session.addHistory(line)
                    done.resume()
                case .close(let done):
                    session.close()
                    done.resume()
                    return
                }
            }
        }
        thread.name = "sortiectl-editline"
        thread.start()
    }

    func readLine(prompt: String) async -> LineInput {
        await withCheckedContinuation { continuation in submit(.read(prompt: prompt, reply: continuation)) }
    }

    func addHistory(_ line: String) async {
        await withCheckedContinuation { continuation in submit(.addHistory(line, done: continuation)) }
    }

    /// Saves the history and gives the terminal back. The editor cannot be used afterwards.
    func close() async {
        await withCheckedContinuation { continuation in submit(.close(done: continuation)) }
    }

    private func submit(_ request: Request) {
        channel.submit(request)
    }
}

/// Where `sortiectl shell` keeps its history: `$XDG_STATE_HOME/sortiectl/history` when
/// XDG_STATE_HOME is set (an absolute path, per the XDG Base Directory spec), else
/// `~/.sortiectl_history`.
enum ShellHistory {
    static func path(environment: [String: String]) -> String? {
        if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") {
            return state + "/sortiectl/history"
        }
        guard let home = environment["HOME"], !home.isEmpty else { return nil }
        return home + "/.sortiectl_history"
    }
}

/// The libedit handles, owned by the editor's thread (hence not `Sendable`).
private final class EditLineSession {
    private let editLine: OpaquePointer
    private let history: OpaquePointer
    private let configuration: EditLineEditor.Configuration
    private var prompt: UnsafeMutablePointer<CChar>? = strdup("")
    private var interrupted = false
    private let isTerminal = isatty(STDIN_FILENO) != 0

    init(_ configuration: EditLineEditor.Configuration) {
        self.configuration = configuration
        editLine = el_init("sortiectl", fdopen(STDIN_FILENO, "r"), fdopen(STDOUT_FILENO, "w"), fdopen(STDERR_FILENO, "w"))
        history = history_init()
        sortie_history_setsize(history, configuration.historySize)
        sortie_history_setunique(history, 1)
        if let file = configuration.historyFile {
            try? FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent,
                                                     withIntermediateDirectories: true)
            sortie_history_load(history, file)
        }
        sortie_el_set_history(editLine, history)
        sortie_el_set_editor(editLine, "emacs")
        sortie_el_set_clientdata(editLine, Unmanaged.passUnretained(self).toOpaque())
        sortie_el_set_prompt(editLine) { editLine in EditLineSession.of(editLine)?.prompt }
        sortie_el_set_getcfn(editLine) { editLine, character in
            EditLineSession.of(editLine)?.readCharacter(into: character) ?? -1
        }
        sortie_el_addfn(editLine, "sortie-complete", "Complete the word before the cursor") { editLine, _ in
            EditLineSession.of(editLine)?.complete() ?? UInt8(CC_ERROR)
        }
        sortie_el_bind(editLine, "^I", "sortie-complete")
        // ~/.editrc (or $EDITRC) may change bindings, as in every libedit program.
        el_source(editLine, nil)
    }

    private static func of(_ editLine: OpaquePointer?) -> EditLineSession? {
        guard let editLine, let data = sortie_el_get_clientdata(editLine) else { return nil }
        return Unmanaged<EditLineSession>.fromOpaque(data).takeUnretainedValue()
    }

    func read(prompt text: String) -> LineInput {
        free(prompt)
        prompt = strdup(text)
        interrupted = false
        var count: Int32 = 0
        let line = el_gets(editLine, &count)
        if interrupted {
            if isTerminal { Self.write("^C\n") }
            return .interrupted
        }
        guard let line, count > 0 else {
            if isTerminal { Self.write("\n") }
            return .endOfInput
        }
        var text = String(cString: line)
        while text.hasSuffix("\n") || text.hasSuffix("\r") { text.removeLast() }
        return .line(text)
    }

    func addHistory(_ line: String) {
        sortie_history_enter(history, line)
        if let file = configuration.historyFile { sortie_history_save(history, file) }
    }

    func close() {
        el_end(editLine)
        history_end(history)
        free(prompt)
        prompt = nil
    }

    /// EL_GETCFN: one character from the terminal, or -1 when Ctrl-C was pressed (which makes
    /// `el_gets` return at once), or 0 at the end of input. UTF-8 is decoded here.
    private func readCharacter(into character: UnsafeMutablePointer<wchar_t>?) -> Int32 {
        var descriptors = [pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)]
        if configuration.interruptDescriptor >= 0 {
            descriptors.append(pollfd(fd: configuration.interruptDescriptor, events: Int16(POLLIN), revents: 0))
        }
        while true {
            let ready = poll(&descriptors, nfds_t(descriptors.count), -1)
            if ready < 0 {
                if errno == EINTR { continue }
                return -1
            }
            if descriptors.count > 1 && descriptors[1].revents & Int16(POLLIN) != 0 {
                var buffer = [UInt8](repeating: 0, count: 16)
                _ = Glibc.read(configuration.interruptDescriptor, &buffer, buffer.count)
                interrupted = true
                return -1
            }
            if descriptors[0].revents != 0 { break }
        }
        guard let lead = readByte() else { return 0 }
        let length = lead < 0x80 ? 1 : lead >> 5 == 0b110 ? 2 : lead >> 4 == 0b1110 ? 3 : lead >> 3 == 0b11110 ? 4 : 1
        var bytes = [lead]
        while bytes.count < length, let next = readByte() { bytes.append(next) }
        let scalar = String(decoding: bytes, as: UTF8.self).unicodeScalars.first ?? "\u{FFFD}"
        character?.pointee = wchar_t(bitPattern: scalar.value)
        return 1
    }

    private func readByte() -> UInt8? {
        var byte: UInt8 = 0
        while true {
            let count = Glibc.read(STDIN_FILENO, &byte, 1)
            if count == 1 { return byte }
            if count < 0 && errno == EINTR { continue }
            return nil
        }
    }

    /// Tab: inserts what all candidates share; when that adds nothing, lists them under the line.
    private func complete() -> UInt8 {
        guard let completer = configuration.completer, let info = el_line(editLine)?.pointee else { return UInt8(CC_ERROR) }
        let length = info.cursor - info.buffer
        let before = info.buffer.withMemoryRebound(to: UInt8.self, capacity: length) {
            String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
        }
        let completion = completer.complete(before)
        if completion.candidates.isEmpty { return UInt8(CC_REFRESH_BEEP) }
        let insertion = completion.insertion
        if !insertion.isEmpty {
            el_insertstr(editLine, insertion)
            return UInt8(CC_REFRESH)
        }
        Self.write("\n" + Self.columns(completion.candidates))
        return UInt8(CC_REDISPLAY)
    }

    /// Candidates in columns, as shells list them.
    private static func columns(_ candidates: [String]) -> String {
        var size = winsize()
        let width = ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0 && size.ws_col > 0 ? Int(size.ws_col) : 80
        let cell = (candidates.map(\.count).max() ?? 0) + 2
        let perRow = max(1, width / cell)
        var text = ""
        for (index, candidate) in candidates.enumerated() {
            let last = index % perRow == perRow - 1 || index == candidates.count - 1
            text += last ? candidate + "\n" : candidate.padding(toLength: cell, withPad: " ", startingAt: 0)
        }
        return text
    }

    private static func write(_ text: String) {
        var bytes = Array(text.utf8)
        _ = Glibc.write(STDOUT_FILENO, &bytes, bytes.count)
    }
}
