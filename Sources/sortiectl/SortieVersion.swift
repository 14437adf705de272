import SortieBuildInfo

/// The version sortiectl reports. The commit is baked in at build time as a C macro (see
/// Sources/CLibEdit/build_info.h): `swift build -Xcc -DSORTIE_GIT_COMMIT='"abc1234"'`.
enum SortieVersion {
    static let version = "0.1.0"
    static let gitCommit = String(cString: sortie_build_git_commit())
    static var description: String { "\(version) (\(gitCommit))" }
}
