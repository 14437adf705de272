/// The version sortiectl reports; `git` is filled in by the release build (scripts/build-release.sh).
enum SortieVersion {
    static let version = "0.1.0"
    static let gitCommit = "unknown"
    static var description: String { "\(version) (\(gitCommit))" }
}
