import Foundation
import SortieKit
import Synchronization

/// A kube-apiserver static-token file (`--token-auth-file`): CSV lines `token,user,uid,"group1,group2"`.
///
/// The file is re-read when its modification time or size changes (checked at most once a second),
/// so tokens can be added or revoked without a restart. A file that cannot be read keeps the last
/// good table; a file that never could be read authenticates no one.
public final class StaticTokenFile: Sendable {
    /// One line of the file.
    public struct Entry: Sendable, Equatable {
        public var token: String
        public var user: String
        public var uid: String
        public var groups: [String]
    }

    public let path: String
    private struct State {
        var entries: [String: Entry] = [:]
        var stamp: (Date?, Int)?
        var checkedAt: ContinuousClock.Instant?
    }
    private let state = Locked(State())

    /// - Throws: `FileSystemError` when the file cannot be read at start (a typo should stop the server).
    public init(path: String) throws {
        self.path = path
        // The same check as every reload, but a file unusable at start stops the server.
        _ = try LocalFileSystem.readRegularFile(path)
        guard reloadIfChanged(force: true) else { throw FileSystemError(path: path, reason: "cannot be read") }
    }

    /// The entry for a bearer token, if any (constant-time comparison per entry).
    public func entry(forToken token: String) -> Entry? {
        _ = reloadIfChanged(force: false)
        let entries = state.withLock { $0.entries }
        var found: Entry?
        for (candidate, entry) in entries where StaticTokenFile.constantTimeEquals(candidate, token) { found = entry }
        return found
    }

    /// Re-reads the file when its stamp changed; returns whether it did.
    @discardableResult
    func reloadIfChanged(force: Bool) -> Bool {
        let now = ContinuousClock.now
        let due = state.withLock { state -> Bool in
            if !force, let checked = state.checkedAt, now - checked < .seconds(1) { return false }
            state.checkedAt = now
            return true
        }
        guard due else { return false }
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        let stamp = (attributes?[.modificationDate] as? Date, (attributes?[.size] as? NSNumber)?.intValue ?? -1)
        let unchanged = state.withLock { state in state.stamp.map { $0.0 == stamp.0 && $0.1 == stamp.1 } ?? false }
        if unchanged && !force { return false }
        // Only a regular file is read (a FIFO would block, a directory has no tokens).
        guard let data = try? LocalFileSystem.readRegularFile(path) else { return false }
        let entries = StaticTokenFile.parse(String(decoding: data, as: UTF8.self))
        state.withLock { state in
            state.entries = Dictionary(entries.map { ($0.token, $0) }, uniquingKeysWith: { first, _ in first })
            state.stamp = stamp
        }
        return true
    }

    /// Parses the CSV text; lines with fewer than three fields, and `#` comments, are skipped.
    public static func parse(_ text: String) -> [Entry] {
        text.split(whereSeparator: \.isNewline).compactMap { line in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty, !trimmed.hasPrefix("#") else { return nil }
            let fields = csvFields(trimmed)
            guard fields.count >= 3, !fields[0].isEmpty, !fields[1].isEmpty else { return nil }
            let groups = fields.count > 3 ? fields[3].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } : []
            return Entry(token: fields[0], user: fields[1], uid: fields[2], groups: groups)
        }
    }

    /// Splits one CSV line, honouring double quotes (`""` is a literal quote).
    static func csvFields(_ line: String) -> [String] {
        var fields: [String] = []
        var current = ""
        var quoted = false
        var iterator = Array(line).makeIterator()
        var pending: Character? = nil
        while let char = pending ?? iterator.next() {
            pending = nil
            if quoted {
                if char == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" { current.append("\"") } else { quoted = false; pending = next }
                    } else {
                        quoted = false
                    }
                } else {
                    current.append(char)
                }
            } else if char == "\"" {
                quoted = true
            } else if char == "," {
                fields.append(current.trimmingCharacters(in: .whitespaces))
                current = ""
            } else {
                current.append(char)
            }
        }
        fields.append(current.trimmingCharacters(in: .whitespaces))
        return fields
    }

    static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for i in 0..<x.count { difference |= x[i] ^ y[i] }
        return difference == 0
    }
}
