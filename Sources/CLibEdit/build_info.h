#ifndef SORTIE_BUILD_INFO_H
#define SORTIE_BUILD_INFO_H
// Build-time facts `sortiectl version` reports. A release build injects the commit as a C macro,
// which Swift imports as a String constant:
//   swift build -c release -Xcc -DSORTIE_GIT_COMMIT='"'"$(git rev-parse --short=12 HEAD)"'"'
// (scripts/generate-docs.sh does not need it). Development builds report "unknown".
#ifndef SORTIE_GIT_COMMIT
#define SORTIE_GIT_COMMIT "unknown"
#endif

/// The commit this binary was built from, or "unknown".
static inline const char *sortie_build_git_commit(void) { return SORTIE_GIT_COMMIT; }
#endif
