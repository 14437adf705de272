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
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw FileSystemError(path: path, reason: FileManager.default.fileExists(atPath: path) ? "cannot be read (permissions?)" : "does not exist")
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
}
