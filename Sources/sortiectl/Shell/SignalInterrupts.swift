import Foundation
import SortieKit
import Synchronization

/// Ctrl-C for `sortiectl shell`: SIGINT cancels the running command, or discards the line being
/// typed, and never ends the shell.
///
/// The signal handler only writes a byte to a pipe (the self-pipe trick: nothing else is
/// async-signal-safe). One thread reads that pipe and hands each interrupt to whoever waits in
/// `nextInterrupt()` (the shell while a command runs); when nobody waits, the shell is at the
/// prompt, so the byte is passed on to `promptDescriptor`, which `EditLineEditor` polls next to
/// the terminal.
final class SignalInterrupts: ShellInterrupts {
    /// Signal dispositions are per process, so there is one.
    static let shared = SignalInterrupts()

    /// Readable when Ctrl-C was pressed at the prompt.
    let promptDescriptor: Int32
    private let promptWriteDescriptor: Int32
    private let waiters = Locked<Waiters>(Waiters())

    private struct Waiters {
        var next: UInt64 = 0
        var pending: [UInt64: CheckedContinuation<Void, Never>] = [:]
        var cancelled: Set<UInt64> = []
    }

    private init() {
        var signalPipe: [Int32] = [-1, -1]
        var promptPipe: [Int32] = [-1, -1]
        if pipe(&signalPipe) != 0 || pipe(&promptPipe) != 0 {
            // Without pipes Ctrl-C keeps its default meaning (it ends the shell); nothing else breaks.
            promptDescriptor = -1
            promptWriteDescriptor = -1
            return
        }
        for descriptor in signalPipe + promptPipe { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
        // The handler must never block, and the prompt side is drained without blocking.
        for descriptor in [signalPipe[1], promptPipe[0], promptPipe[1]] {
            _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
        }
        interruptSignalWriteDescriptor = signalPipe[1]
        promptDescriptor = promptPipe[0]
        promptWriteDescriptor = promptPipe[1]
        let readDescriptor = signalPipe[0]
        let thread = Thread { [self] in self.forward(from: readDescriptor) }
        thread.name = "sortiectl-sigint"
        thread.start()
    }

    /// Installs the SIGINT handler. Called before every prompt, because a command run in the
    /// shell (`serve`, `connect`) may have installed its own.
    func install() {
        guard promptDescriptor >= 0 else { return }
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in
            let saved = errno
            var byte: UInt8 = 3
            _ = write(interruptSignalWriteDescriptor, &byte, 1)
            errno = saved
        }
        sigemptyset(&action.sa_mask)
        // No SA_RESTART: a read blocked on the terminal returns EINTR, so the prompt notices at once.
        action.sa_flags = 0
        sigaction(SIGINT, &action, nil)
    }

    /// Forgets Ctrl-Cs that were pressed before the prompt appeared.
    func drainPrompt() {
        guard promptDescriptor >= 0 else { return }
        var buffer = [UInt8](repeating: 0, count: 64)
        while read(promptDescriptor, &buffer, buffer.count) > 0 {}
    }

    func nextInterrupt() async {
        let id = waiters.withLock { state -> UInt64 in
            state.next += 1
            return state.next
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = waiters.withLock { state -> Bool in
                    if state.cancelled.remove(id) != nil { return true }
                    state.pending[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let continuation = waiters.withLock { state -> CheckedContinuation<Void, Never>? in
                if let continuation = state.pending.removeValue(forKey: id) { return continuation }
                state.cancelled.insert(id)
                return nil
            }
            continuation?.resume()
        }
    }

    /// The reading thread: one byte per SIGINT.
    private func forward(from descriptor: Int32) {
        var byte: UInt8 = 0
        while true {
            let count = read(descriptor, &byte, 1)
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { return }
            let woken = waiters.withLock { state -> [CheckedContinuation<Void, Never>] in
                let woken = Array(state.pending.values)
                state.pending.removeAll()
                return woken
            }
            if woken.isEmpty {
                _ = write(promptWriteDescriptor, &byte, 1)
            } else {
                for continuation in woken { continuation.resume() }
            }
        }
    }
}

/// The write end of the SIGINT pipe, read by the signal handler (which can capture nothing).
/// Written once, before the handler is installed.
nonisolated(unsafe) private var interruptSignalWriteDescriptor: Int32 = -1
