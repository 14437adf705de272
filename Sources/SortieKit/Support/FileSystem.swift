import Foundation

/// The file system as SortieKit sees it, so tests can substitute an in-memory one.
public protocol FileSystem: Sendable {
    func contents(atPath path: String) throws -> Data
    func fileExists(atPath path: String) -> Bool
    func modificationDate(atPath path: String) throws -> Date?
}

/// The real file system.
public struct LocalFileSystem: FileSystem {
    public init() {}

    public func contents(atPath path: String) throws -> Data {
        try Self.readRegularFile(path)
    }

    /// The bytes of a regular file; anything else fails with a reason a person can act on
    /// (a FIFO is refused before it could block the reader).
    /// - Throws: `FileSystemError`: does not exist, is a directory, is not a regular file,
    ///   permission denied, cannot be read.
    public static func readRegularFile(_ path: String) throws -> Data {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw FileSystemError(path: path, reason: errno == EACCES ? "permission denied" : FileSystemError.doesNotExist)
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw FileSystemError(path: path, reason: "is a directory, not a file")
        default: throw FileSystemError(path: path, reason: "is not a regular file")
        }
        guard access(path, R_OK) == 0 else { throw FileSystemError(path: path, reason: "permission denied") }
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw FileSystemError(path: path, reason: "cannot be read")
        }
    }

    public func fileExists(atPath path: String) -> Bool {
        FileManager.default.fileExists(atPath: path)
    }

    public func modificationDate(atPath path: String) throws -> Date? {
        try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date
    }
}

public struct FileSystemError: Error, Sendable, CustomStringConvertible {
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }
    public var path: String
    public var reason: String
    public var description: String { "\(path) \(reason)" }
    /// The reason given for a missing file.
    public static let doesNotExist = "does not exist"
}
