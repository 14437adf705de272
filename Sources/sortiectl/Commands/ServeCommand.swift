import ArgumentParser
import Foundation
import Hummingbird
import Logging
import SortieKit
import SortieServer

struct ServeCommand: SortieCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the Sortie HTTP API, WebSocket proxy and web page.",
        discussion: """
            Serves the sessions REST API (/api/sessions, /api/apps), the sessions' VNC WebSockets
            (/ws/sessions/{id}, proxied to each pod's websockify), /healthz, /readyz, /metrics
            (Prometheus), /api/openapi.json and a launcher page at /. A reaper ends expired, failed
            and finished sessions, and sessions without VNC traffic for SESSION_IDLE_TIMEOUT minutes,
            every SESSION_CLEANUP_INTERVAL minutes; with several replicas only the holder of the
            Lease "sortie-reaper" reaps. SIGTERM or SIGINT stop it gracefully.

            Authentication (--auth): token (bearer tokens from a kube-apiserver static-token CSV,
            `token,user,uid,"group1,group2"`, re-read when it changes), header (X-Forwarded-User and
            X-Forwarded-Groups from a --trusted-proxy), or none (local development only: everyone
            sees everything). Members of --admin-group see and end every session.

            Environment: SORTIE_NAMESPACE, SESSION_TIMEOUT, SESSION_CLEANUP_INTERVAL, POD_READY_TIMEOUT,
            SESSION_IDLE_TIMEOUT, SORTIE_VNC_SIDECAR_IMAGE, KUBECONFIG (flags take precedence).

            Examples:
              sortiectl serve --auth none --address 127.0.0.1 --apps apps.json
              sortiectl serve --auth token --token-file /etc/sortie/tokens.csv --log-format json
              sortiectl serve --auth header --trusted-proxy 10.0.0.0/8 --allowed-origin https://sortie.example.com
            """)

    @Option(name: .long, help: "The address to listen on.") var address: String = "0.0.0.0"
    @Option(name: .long, help: "The port to listen on.") var port: Int = 8080
    @Option(name: .long, help: "How requests are authenticated: token, header or none.") var auth: ServerConfiguration.AuthMode = .token
    @Option(name: .customLong("token-file"), help: "The static-token CSV file for --auth token.") var tokenFile: String?
    @Option(name: .customLong("admin-group"), help: "Members of this group see and end every session.") var adminGroup: String = "sortie-admins"
    @Option(name: .customLong("trusted-proxy"), help: "A CIDR whose X-Forwarded-User headers are trusted (--auth header; repeatable).")
    var trustedProxies: [String] = []
    @Option(name: .customLong("allowed-origin"), help: "An Origin allowed to open WebSockets, e.g. https://sortie.example.com (repeatable; default: the same host).")
    var allowedOrigins: [String] = []
    @Option(name: .long, help: "How WebSockets reach pods: auto (direct in a pod, else port-forward), direct or port-forward.")
    var upstream: ServerConfiguration.UpstreamMode = .auto
    @Option(name: .customLong("ws-secret-file"), help: "A file whose contents sign WebSocket tickets; replicas must share it (default: random per process).")
    var wsSecretFile: String?
    @Option(name: .customLong("novnc-dir"), help: "Where noVNC's files are.") var noVNCDirectory: String = "/usr/share/novnc"
    @Option(name: .customLong("log-format"), help: "Log format on stderr: text or json.") var logFormat: LogFormat = .text
    @Option(name: .customLong("session-timeout"), help: "Session lifetime in minutes (default: SESSION_TIMEOUT, then 120).") var sessionTimeout: Int?
    @Option(name: .customLong("cleanup-interval"), help: "Minutes between reaper runs (default: SESSION_CLEANUP_INTERVAL, then 5).") var cleanupInterval: Int?
    @Option(name: .customLong("pod-ready-timeout"), help: "Seconds a pod may take to become ready (default: POD_READY_TIMEOUT, then 120).") var podReadyTimeout: Int?
    @Option(name: .customLong("vnc-sidecar-image"), help: "The VNC sidecar image (default: SORTIE_VNC_SIDECAR_IMAGE).") var vncSidecarImage: String?
    @Option(name: .customLong("session-idle-timeout"), help: "Minutes a running session may go without VNC traffic before the reaper ends it, 0 = never (default: SESSION_IDLE_TIMEOUT, then 60).")
    var sessionIdleTimeout: Int?
    @Option(name: .customLong("ws-idle-timeout"), help: "Close a WebSocket after this long without traffic, e.g. 30m, 90s.")
    var wsIdleTimeout: String = "30m"
    @Option(name: .customLong("ws-stall-timeout"), help: "End a WebSocket whose peer (viewer or pod) has not read for this long, e.g. 60s.")
    var wsStallTimeout: String = "60s"
    @Option(name: .customLong("max-connections-per-session"), help: "Simultaneous WebSockets allowed per session (0 = unlimited).")
    var maxConnectionsPerSession: Int = 4
    @Option(name: .customLong("creates-per-minute"), help: "Session creations allowed per user per minute (0 = unlimited).")
    var createsPerMinute: Int = 10
    @Option(name: .customLong("upstream-port"), help: "The port websockify listens on in session pods.")
    var upstreamPort: Int = 6080
    @Flag(name: .customLong("no-leader-election"), help: "Reap on this replica without taking the Lease.") var noLeaderElection = false

    @OptionGroup(title: "Catalog Options") var catalog: CatalogOptions
    @OptionGroup(title: "Cluster Options") var cluster: ClusterOptions
    var clusterOptions: ClusterOptions? { cluster }

    enum LogFormat: String, ExpressibleByArgument, CaseIterable, Sendable { case text, json }

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        if auth == .token && tokenFile == nil {
            throw ValidationError("--auth token needs --token-file FILE (or use --auth none for local development)")
        }
        if auth == .header && trustedProxies.isEmpty {
            throw ValidationError("--auth header needs at least one --trusted-proxy CIDR")
        }
        for cidr in trustedProxies where CIDR(cidr) == nil {
            throw ValidationError("--trusted-proxy \"\(cidr)\" is not an IP address or CIDR")
        }
        let minutes = SessionSettings.maximumMinutes, seconds = SessionSettings.maximumSeconds
        for (flag, value, range) in [("--session-timeout", sessionTimeout, 1...minutes), ("--cleanup-interval", cleanupInterval, 1...minutes),
                                     ("--pod-ready-timeout", podReadyTimeout, 1...seconds), ("--session-idle-timeout", sessionIdleTimeout, 0...minutes)] {
            if let value, !range.contains(value) {
                throw ValidationError("\(flag) must be between \(range.lowerBound) and \(range.upperBound) (a year)")
            }
        }
        for (flag, value) in [("--max-connections-per-session", maxConnectionsPerSession),
                              ("--creates-per-minute", createsPerMinute)] where value < 0 {
            throw ValidationError("\(flag) must be 0 or more")
        }
        guard (1...65535).contains(upstreamPort) else { throw ValidationError("--upstream-port must be between 1 and 65535") }
        for (flag, value) in [("--ws-idle-timeout", wsIdleTimeout), ("--ws-stall-timeout", wsStallTimeout)] {
            guard try parseDuration(value, flag: flag) > .zero else { throw ValidationError("\(flag) must be more than 0") }
        }
    }

    func run(_ context: CommandContext) async throws {
        let logger = makeLogger(verbosity: cluster.verbose)
        var context = context
        context.logger = logger
        let client = try context.kubeClient()
        var settings = try context.sessionSettings(namespace: client.configuration.namespace)
        if let sessionTimeout { settings.sessionTimeoutMinutes = sessionTimeout }
        if let cleanupInterval { settings.cleanupIntervalMinutes = cleanupInterval }
        if let podReadyTimeout { settings.podReadyTimeoutSeconds = podReadyTimeout }
        if let sessionIdleTimeout { settings.idleTimeoutMinutes = sessionIdleTimeout }
        if let vncSidecarImage { settings.vncSidecarImage = vncSidecarImage }
        let engine = SessionEngine(client: client, catalog: try context.catalog(catalog), settings: settings, logger: logger)

        var configuration = ServerConfiguration(
            address: address, port: port, authMode: auth, tokenFile: tokenFile, adminGroup: adminGroup,
            trustedProxies: trustedProxies.compactMap(CIDR.init), allowedOrigins: allowedOrigins,
            upstreamMode: upstream, upstreamPort: upstreamPort,
            webSocketIdleTimeout: try parseDuration(wsIdleTimeout, flag: "--ws-idle-timeout"),
            webSocketStallTimeout: try parseDuration(wsStallTimeout, flag: "--ws-stall-timeout"),
            maxConnectionsPerSession: maxConnectionsPerSession, createsPerMinute: createsPerMinute,
            noVNCDirectory: noVNCDirectory)
        configuration.leaderElection.enabled = !noLeaderElection
        if let wsSecretFile {
            let secret = try LocalFileSystem().contents(atPath: wsSecretFile)
            guard secret.count >= 16 else { throw ValidationError("--ws-secret-file must hold at least 16 bytes") }
            configuration.ticketKey = Array(secret)
        }
        logger.info("starting sortie serve", metadata: [
            "address": "\(address):\(port)", "auth": "\(auth.rawValue)", "k8s.namespace": "\(settings.namespace)",
            "k8s.server": "\(client.configuration.server)", "apps": "\(engine.catalog.apps.count)",
        ])
        let app = try buildServerApplication(configuration: configuration, engine: engine,
                                             environment: context.environment, logger: logger)
        try await app.runService()
    }

    private func makeLogger(verbosity: Int) -> Logger {
        let level: Logger.Level = verbosity >= 2 ? .trace : (verbosity == 1 ? .debug : .info)
        let format = logFormat
        var logger = Logger(label: "sortie.serve") { label in
            switch format {
            case .json:
                var handler = JSONLogHandler(label: label)
                handler.logLevel = level
                return handler
            case .text:
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
        }
        logger.logLevel = level
        return logger
    }
}

extension ServerConfiguration.AuthMode: ExpressibleByArgument {}
extension ServerConfiguration.UpstreamMode: ExpressibleByArgument {}
