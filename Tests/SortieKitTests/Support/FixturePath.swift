import Foundation

/// Finds test fixtures by walking up from the calling test file, so tests work both in this
/// package and after the files move into the main package (`Tests/SortieKitTests/...`).
enum FixturePath {
    struct NotFound: Error, CustomStringConvertible {
        var relativePath: String
        var start: String
        var description: String { "no \(relativePath) in any folder above \(start)" }
    }

    /// The first `<ancestor>/<relativePath>` that exists, starting at the folder of `filePath`.
    static func find(_ relativePath: String, from filePath: String = #filePath) throws -> URL {
        var folder = URL(fileURLWithPath: filePath).deletingLastPathComponent()
        while folder.path != "/" {
            let candidate = folder.appendingPathComponent(relativePath)
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
            folder.deleteLastPathComponent()
        }
        throw NotFound(relativePath: relativePath, start: filePath)
    }

    /// A recorded Kubernetes 1.36 API response from `Tests/Fixtures/kube-1.36/`.
    static func kube(_ name: String, from filePath: String = #filePath) throws -> URL {
        try find("Tests/Fixtures/kube-1.36/\(name)", from: filePath)
    }

    /// The example catalog, `examples/apps.json`.
    static func exampleCatalog(from filePath: String = #filePath) throws -> URL {
        try find("examples/apps.json", from: filePath)
    }
}
