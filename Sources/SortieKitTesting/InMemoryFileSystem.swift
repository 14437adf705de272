import Foundation
import SortieKit
import Synchronization

/// A file system held in memory, for kubeconfig and catalog tests.
public final class InMemoryFileSystem: FileSystem {
    private let files: Locked<[String: (data: Data, modified: Date)]>

    public init(_ files: [String: String] = [:]) {
        self.files = Locked(files.mapValues { (Data($0.utf8), Date()) })
    }

    public func write(_ path: String, _ text: String, modified: Date = Date()) {
        files.withLock { $0[path] = (Data(text.utf8), modified) }
    }

    public func contents(atPath path: String) throws -> Data {
        guard let file = files.withLock({ $0[path] }) else { throw FileSystemError(path: path, reason: "does not exist") }
        return file.data
    }

    public func fileExists(atPath path: String) -> Bool { files.withLock { $0[path] != nil } }

    public func modificationDate(atPath path: String) throws -> Date? { files.withLock { $0[path]?.modified } }
}
