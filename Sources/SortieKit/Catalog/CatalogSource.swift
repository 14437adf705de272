/// Where the catalog file comes from, and why that path was chosen.
public struct CatalogSource: Sendable, Equatable {
    /// How the path was chosen, so error messages can say how to change it.
    public enum Origin: Sendable, Equatable {
        /// Given explicitly (e.g. on the command line).
        case explicit
        /// Taken from the named environment variable.
        case environment(variable: String)
        /// The default, `./apps.json`.
        case defaultLocation

        var explanation: String {
            switch self {
            case .explicit: "given explicitly"
            case .environment(let variable): "from $\(variable)"
            case .defaultLocation: "the default; set $\(CatalogSource.environmentVariable) or pass a path"
            }
        }
    }

    /// The environment variable naming the catalog file.
    public static let environmentVariable = "SORTIE_APPS"
    /// The path used when nothing else is given.
    public static let defaultPath = "apps.json"

    public var path: String
    public var origin: Origin

    public init(path: String, origin: Origin) {
        self.path = path
        self.origin = origin
    }

    /// Picks the catalog path: `explicitPath` if given, else `$SORTIE_APPS` if set and non-empty,
    /// else `./apps.json`.
    /// - Parameters:
    ///   - explicitPath: a path given by the user, e.g. a command-line option.
    ///   - environment: the process environment (passed in so library code never reads `ProcessInfo`).
    public static func resolve(explicitPath: String?, environment: [String: String]) -> CatalogSource {
        if let explicitPath, !explicitPath.isEmpty {
            return CatalogSource(path: explicitPath, origin: .explicit)
        }
        if let fromEnvironment = environment[environmentVariable], !fromEnvironment.isEmpty {
            return CatalogSource(path: fromEnvironment, origin: .environment(variable: environmentVariable))
        }
        return CatalogSource(path: defaultPath, origin: .defaultLocation)
    }
}
