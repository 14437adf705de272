#ifndef SORTIE_BUILD_INFO_H
#define SORTIE_BUILD_INFO_H
// Build-time facts `sortiectl version` reports. A release build injects the commit as a C macro
// (no generated source file, nothing to forget to regenerate):
//   swift build -c release -Xcc -DSORTIE_GIT_COMMIT="\"$(git rev-parse --short=12 HEAD)\""
// SwiftPM passes -Xcc flags to the Clang importer too, so the Swift side (SortieVersion.swift)
// sees the value through sortie_build_git_commit(). Development builds report "unknown".
#ifndef SORTIE_GIT_COMMIT
#define SORTIE_GIT_COMMIT "unknown"
#endif

/// The commit this binary was built from, or "unknown".
static inline const char *sortie_build_git_commit(void) { return SORTIE_GIT_COMMIT; }
#endif
