import Foundation
import SortieFuzzTargets
import Testing

/// Every input in Tests/FuzzCorpus/<target>/ — seeds and the crashes fuzzing found, kept as
/// regression inputs — runs through its fuzz target in the ordinary test suite. A crash, trap
/// or hang here fails the run; scripts/fuzz.sh explores beyond them with libFuzzer.
@Suite("fuzz corpus replay")
struct FuzzCorpusTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("FuzzCorpus")

    static func inputs(_ target: FuzzTarget) throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: corpus.appendingPathComponent(target.rawValue), includingPropertiesForKeys: nil)
            .filter { !$0.lastPathComponent.hasPrefix(".") }
    }

    @Test(arguments: FuzzTarget.allCases)
    func replay(_ target: FuzzTarget) throws {
        let files = try Self.inputs(target)
        #expect(files.count >= 3, "Tests/FuzzCorpus/\(target.rawValue) needs seed inputs")
        for file in files {
            target.run(Array(try Data(contentsOf: file)))
        }
    }
}
