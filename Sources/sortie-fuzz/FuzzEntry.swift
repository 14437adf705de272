import Foundation
import SortieFuzzTargets

// Built by scripts/fuzz.sh with `--sanitize=fuzzer -Xswiftc -DSORTIE_LIBFUZZER`: libFuzzer
// supplies `main` and calls the entry point below; SORTIE_FUZZ_TARGET picks the parser.
// Built normally, it replays inputs: `sortie-fuzz TARGET FILE...` (a crash file, a corpus).

#if SORTIE_LIBFUZZER
nonisolated(unsafe) private var selected: FuzzTarget?

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    if selected == nil {
        let name = ProcessInfo.processInfo.environment["SORTIE_FUZZ_TARGET"] ?? ""
        guard let target = FuzzTarget(rawValue: name) else {
            FileHandle.standardError.write(Data("SORTIE_FUZZ_TARGET must be one of: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))\n".utf8))
            exit(64)
        }
        selected = target
    }
    let input = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    selected?.run(input)
    return 0
}
#else
@main
enum ReplayInputs {
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        guard let name = arguments.first, let target = FuzzTarget(rawValue: name) else {
            print("usage: sortie-fuzz TARGET FILE...  (TARGET: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")))")
            exit(64)
        }
        for path in arguments.dropFirst() {
            guard let data = FileManager.default.contents(atPath: path) else {
                print("cannot read \(path)")
                exit(66)
            }
            target.run(Array(data))
            print("ok \(path)")
        }
    }
}
#endif
