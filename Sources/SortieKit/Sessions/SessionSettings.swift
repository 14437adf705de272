import Foundation

/// Settings for session pods, with the seed's defaults and environment variable names.
///
/// Environment keys read by ``init(environment:)``:
/// - `SORTIE_NAMESPACE`: namespace for session pods (default `default`)
/// - `SESSION_TIMEOUT`: session lifetime in minutes (default 120)
/// - `SESSION_CLEANUP_INTERVAL`: minutes between cleanups (default 5)
/// - `POD_READY_TIMEOUT`: seconds to wait for a pod to become Ready (default 120)
/// - `SESSION_IDLE_TIMEOUT`: minutes a running session may go without VNC traffic through
///   `serve` before the reaper ends it, 0 = never (default 60)
/// - `SORTIE_VNC_SIDECAR_IMAGE`: VNC sidecar image (default `ghcr.io/rjsadow/sortie-vnc-sidecar:latest`)
/// - `SORTIE_MAX_SESSIONS_PER_USER`: per-user session cap (default 5)
/// - `SORTIE_MAX_SESSIONS`: total session cap, 0 = unlimited (default 50)
/// - `SORTIE_SIDECAR_MODE`: `native` or `poststart` (default `native`)
public struct SessionSettings: Sendable, Equatable {
    /// How the VNC sidecar is made to start before the app.
    public enum SidecarMode: String, Sendable, Equatable, CaseIterable {
        /// An init container with `restartPolicy: Always` and a startup probe (Kubernetes ≥ 1.29):
        /// the kubelet starts the app only once the X server accepts connections.
        case native
        /// The first regular container, whose `postStart` hook waits for the X socket
        /// (for clusters without native sidecars).
        case poststart
    }

    public var namespace: String
    public var sessionTimeoutMinutes: Int
    public var cleanupIntervalMinutes: Int
    public var podReadyTimeoutSeconds: Int
    /// Minutes without WebSocket traffic after which a running session is reaped; 0 = never.
    /// Activity is the `sortie.io/last-activity` annotation `serve` keeps (else the creation time).
    public var idleTimeoutMinutes: Int
    public var vncSidecarImage: String
    public var maxSessionsPerUser: Int
    /// 0 means unlimited.
    public var maxSessionsTotal: Int
    public var sidecarMode: SidecarMode

    /// The largest values the settings take: a year of minutes or seconds (more would overflow
    /// when turned into time spans), a million sessions.
    public static let maximumMinutes = 525_600
    public static let maximumSeconds = 31_536_000
    public static let maximumSessions = 1_000_000

    public static let defaultVNCSidecarImage = "ghcr.io/rjsadow/sortie-vnc-sidecar:latest"

    /// Settings with every value given or defaulted.
    public init(
        namespace: String = "default",
        sessionTimeoutMinutes: Int = 120,
        cleanupIntervalMinutes: Int = 5,
        podReadyTimeoutSeconds: Int = 120,
        idleTimeoutMinutes: Int = 60,
        vncSidecarImage: String = SessionSettings.defaultVNCSidecarImage,
        maxSessionsPerUser: Int = 5,
        maxSessionsTotal: Int = 50,
        sidecarMode: SidecarMode = .native
    ) {
        self.namespace = namespace
        self.sessionTimeoutMinutes = sessionTimeoutMinutes
        self.cleanupIntervalMinutes = cleanupIntervalMinutes
        self.podReadyTimeoutSeconds = podReadyTimeoutSeconds
        self.idleTimeoutMinutes = idleTimeoutMinutes
        self.vncSidecarImage = vncSidecarImage
        self.maxSessionsPerUser = maxSessionsPerUser
        self.maxSessionsTotal = maxSessionsTotal
        self.sidecarMode = sidecarMode
    }

    /// Reads the settings from environment variables (see the type's documentation for the keys);
    /// unset or empty variables take the default.
    /// - Parameter environment: the process environment, passed in so library code never reads `ProcessInfo`.
    /// - Throws: ``SessionSettingsError`` naming the variable, its value and what was expected.
    public init(environment: [String: String]) throws(SessionSettingsError) {
        func value(_ key: String) -> String? {
            guard let raw = environment[key]?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return nil }
            return raw
        }
        func number(_ key: String, _ unit: String, minimum: Int, maximum: Int, default fallback: Int) throws(SessionSettingsError) -> Int {
            guard let raw = value(key) else { return fallback }
            guard let parsed = Int(raw) else {
                throw SessionSettingsError(variable: key, value: environment[key] ?? raw,
                                           expected: "a whole number of \(unit)")
            }
            guard parsed <= maximum else {
                throw SessionSettingsError(variable: key, value: environment[key] ?? raw,
                                           expected: "a whole number of \(unit), at most \(maximum)")
            }
            guard parsed >= minimum else {
                throw SessionSettingsError(variable: key, value: environment[key] ?? raw,
                                           expected: minimum > 0 ? "a whole number of \(unit), at least \(minimum)" : "a whole number of \(unit)")
            }
            return parsed
        }
        self.init()
        if let ns = value("SORTIE_NAMESPACE") {
            guard NameRules.isDNS1123Label(ns) else {
                throw SessionSettingsError(variable: "SORTIE_NAMESPACE", value: ns,
                                           expected: "a Kubernetes namespace name (DNS-1123 label)")
            }
            namespace = ns
        }
        sessionTimeoutMinutes = try number("SESSION_TIMEOUT", "minutes", minimum: 1, maximum: Self.maximumMinutes, default: sessionTimeoutMinutes)
        cleanupIntervalMinutes = try number("SESSION_CLEANUP_INTERVAL", "minutes", minimum: 1, maximum: Self.maximumMinutes, default: cleanupIntervalMinutes)
        podReadyTimeoutSeconds = try number("POD_READY_TIMEOUT", "seconds", minimum: 1, maximum: Self.maximumSeconds, default: podReadyTimeoutSeconds)
        idleTimeoutMinutes = try number("SESSION_IDLE_TIMEOUT", "minutes (0 = never)", minimum: 0, maximum: Self.maximumMinutes, default: idleTimeoutMinutes)
        if let image = value("SORTIE_VNC_SIDECAR_IMAGE") {
            guard ImageReference.isPlausible(image) else {
                throw SessionSettingsError(variable: "SORTIE_VNC_SIDECAR_IMAGE", value: image,
                                           expected: "an image reference, e.g. \(Self.defaultVNCSidecarImage)")
            }
            vncSidecarImage = image
        }
        maxSessionsPerUser = try number("SORTIE_MAX_SESSIONS_PER_USER", "sessions (0 = unlimited)", minimum: 0, maximum: Self.maximumSessions, default: maxSessionsPerUser)
        maxSessionsTotal = try number("SORTIE_MAX_SESSIONS", "sessions (0 = unlimited)", minimum: 0, maximum: Self.maximumSessions, default: maxSessionsTotal)
        if let mode = value("SORTIE_SIDECAR_MODE") {
            guard let parsed = SidecarMode(rawValue: mode) else {
                throw SessionSettingsError(variable: "SORTIE_SIDECAR_MODE", value: mode,
                                           expected: "one of: " + SidecarMode.allCases.map(\.rawValue).joined(separator: ", "))
            }
            sidecarMode = parsed
        }
    }
}
