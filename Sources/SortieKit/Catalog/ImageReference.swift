/// Plausibility check for container image references (`[registry[:port]/]path[:tag][@digest]`),
/// following the grammar of `github.com/distribution/reference`.
public enum ImageReference {
    /// Whether `text` looks like an image reference a container runtime would accept,
    /// e.g. `nginx`, `ghcr.io/org/app:1.0`, `localhost:5000/app@sha256:…`.
    public static func isPlausible(_ text: String) -> Bool {
        guard !text.isEmpty, text.utf8.count <= 512 else { return false }
        let grammar = #/(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*(?::[0-9]+)?/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?/#
        return text.wholeMatch(of: grammar) != nil
    }
}
