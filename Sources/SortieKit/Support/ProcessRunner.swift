import Foundation

/// Runs a child process to completion off the Swift concurrency pool and collects its output.
enum ProcessRunner {
    struct Result: Sendable {
        var status: Int32
        var stdout: Data
        var stderr: Data
        /// The child ran past the timeout and was killed.
        var timedOut = false
    }

    /// - Parameter timeout: the child is sent SIGTERM after this long, SIGKILL a second later.
    static func run(executable: String, arguments: [String], environment: [String: String],
                    timeout: Duration = .seconds(30)) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: executable)
                process.arguments = arguments
                process.environment = environment
                let out = Pipe(), err = Pipe()
                process.standardOutput = out
                process.standardError = err
                process.standardInput = FileHandle.nullDevice
                do {
                    try process.run()
                } catch {
                    continuation.resume(throwing: KubeClientError.credentials("cannot start \(executable): \(error.localizedDescription)"))
                    return
                }
                let expired = LockedFlag()
                let pid = process.processIdentifier
                let killer = DispatchWorkItem {
                    expired.set()
                    kill(pid, SIGTERM)
                    DispatchQueue.global().asyncAfter(deadline: .now() + 1) { kill(pid, SIGKILL) }
                }
                DispatchQueue.global().asyncAfter(deadline: .now() + timeout.seconds, execute: killer)
                // Drain stderr concurrently so a chatty child can't block on a full pipe.
                let errData = LockedData()
                let group = DispatchGroup()
                group.enter()
                DispatchQueue.global().async {
                    errData.set(err.fileHandleForReading.readDataToEndOfFile())
                    group.leave()
                }
                let outData = out.fileHandleForReading.readDataToEndOfFile()
                group.wait()
                process.waitUntilExit()
                killer.cancel()
                continuation.resume(returning: Result(status: process.terminationStatus, stdout: outData, stderr: errData.get(),
                                                      timedOut: expired.isSet))
            }
        }
    }
}

private final class LockedFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}

private final class LockedData: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    func set(_ value: Data) { lock.withLock { data = value } }
    func get() -> Data { lock.withLock { data } }
}
