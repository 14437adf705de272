import Testing
@testable import SortieKit

@Suite("Session settings from the environment")
struct SessionSettingsTests {
    @Test("defaults match the seed")
    func defaults() throws {
        let settings = try SessionSettings(environment: [:])
        #expect(settings == SessionSettings())
        #expect(settings.namespace == "default")
        #expect(settings.sessionTimeoutMinutes == 120)
        #expect(settings.cleanupIntervalMinutes == 5)
        #expect(settings.podReadyTimeoutSeconds == 120)
        #expect(settings.vncSidecarImage == "ghcr.io/rjsadow/sortie-vnc-sidecar:latest")
        #expect(settings.maxSessionsPerUser == 5)
        #expect(settings.maxSessionsTotal == 50)
        #expect(settings.sidecarMode == .native)
        #expect(settings.idleTimeoutMinutes == 60)
    }

    @Test("every variable is read")
    func allVariables() throws {
        let settings = try SessionSettings(environment: [
            "SORTIE_NAMESPACE": "sortie",
            "SESSION_TIMEOUT": "30",
            "SESSION_CLEANUP_INTERVAL": "1",
            "POD_READY_TIMEOUT": " 300 ",
            "SESSION_IDLE_TIMEOUT": "0",
            "SORTIE_VNC_SIDECAR_IMAGE": "localhost:5000/vnc:dev",
            "SORTIE_MAX_SESSIONS_PER_USER": "2",
            "SORTIE_MAX_SESSIONS": "0",
            "SORTIE_SIDECAR_MODE": "poststart",
            "UNRELATED": "x",
        ])
        #expect(settings == SessionSettings(
            namespace: "sortie", sessionTimeoutMinutes: 30, cleanupIntervalMinutes: 1, podReadyTimeoutSeconds: 300,
            idleTimeoutMinutes: 0, vncSidecarImage: "localhost:5000/vnc:dev", maxSessionsPerUser: 2, maxSessionsTotal: 0,
            sidecarMode: .poststart))
    }

    @Test("empty values mean the default")
    func emptyValues() throws {
        #expect(try SessionSettings(environment: ["SESSION_TIMEOUT": "", "SORTIE_SIDECAR_MODE": " "]) == SessionSettings())
    }

    @Test("bad values name the variable, the value and what was expected", arguments: [
        ("SESSION_TIMEOUT", "abc", #"SESSION_TIMEOUT="abc": expected a whole number of minutes"#),
        ("SESSION_TIMEOUT", "1.5", #"SESSION_TIMEOUT="1.5": expected a whole number of minutes"#),
        ("SESSION_TIMEOUT", "0", #"SESSION_TIMEOUT="0": expected a whole number of minutes, at least 1"#),
        ("SESSION_CLEANUP_INTERVAL", "-5", #"SESSION_CLEANUP_INTERVAL="-5": expected a whole number of minutes, at least 1"#),
        ("POD_READY_TIMEOUT", "2m", #"POD_READY_TIMEOUT="2m": expected a whole number of seconds"#),
        ("SESSION_CLEANUP_INTERVAL", "9223372036854775807", #"SESSION_CLEANUP_INTERVAL="9223372036854775807": expected a whole number of minutes, at most 525600"#),
        ("POD_READY_TIMEOUT", "31536001", #"POD_READY_TIMEOUT="31536001": expected a whole number of seconds, at most 31536000"#),
        ("SESSION_IDLE_TIMEOUT", "-1", #"SESSION_IDLE_TIMEOUT="-1": expected a whole number of minutes (0 = never)"#),
        ("SORTIE_MAX_SESSIONS_PER_USER", "many", #"SORTIE_MAX_SESSIONS_PER_USER="many": expected a whole number of sessions (0 = unlimited)"#),
        ("SORTIE_MAX_SESSIONS", "-1", #"SORTIE_MAX_SESSIONS="-1": expected a whole number of sessions (0 = unlimited)"#),
        ("SORTIE_SIDECAR_MODE", "sidecar", #"SORTIE_SIDECAR_MODE="sidecar": expected one of: native, poststart"#),
        ("SORTIE_NAMESPACE", "My_NS", #"SORTIE_NAMESPACE="My_NS": expected a Kubernetes namespace name (DNS-1123 label)"#),
        ("SORTIE_VNC_SIDECAR_IMAGE", "not an image", #"SORTIE_VNC_SIDECAR_IMAGE="not an image": expected an image reference, e.g. ghcr.io/rjsadow/sortie-vnc-sidecar:latest"#),
    ])
    func badValues(variable: String, value: String, message: String) {
        let error = #expect(throws: SessionSettingsError.self) { try SessionSettings(environment: [variable: value]) }
        #expect(error?.variable == variable)
        #expect(error?.description == message)
    }
}
