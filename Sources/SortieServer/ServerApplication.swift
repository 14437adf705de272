import Foundation
import SortieKit
import Hummingbird
import Logging
import ServiceLifecycle

/// Builds the `sortiectl serve` application: REST API, WebSocket proxy, health and metrics
/// endpoints, web page, and the background services (session watch, reaper with leader election).
/// Used by `ServeCommand` and by the tests (the Hummingbird template's `buildApplication`).
/// - Parameters:
///   - configuration: listen address, auth, WebSocket and reaper settings.
///   - engine: the session engine (cluster client, catalog, session settings).
///   - upstream: how WebSockets reach pods; `nil` picks one from ``ServerConfiguration/upstreamMode``.
///   - metrics: the metrics registry (one per application).
///   - environment: used to detect in-cluster running for `--upstream auto`.
///   - logger: the server's logger.
/// - Throws: `FileSystemError` when the token file cannot be read.
public func buildServerApplication(
    configuration: ServerConfiguration,
    engine: SessionEngine,
    upstream: (any SessionUpstream)? = nil,
    metrics: ServerMetrics = ServerMetrics(),
    environment: [String: String] = [:],
    logger: Logger
) throws -> some ApplicationProtocol {
    let state = try makeServerState(configuration: configuration, engine: engine, metrics: metrics, logger: logger)
    let upstream = upstream ?? makeUpstream(configuration: configuration, client: engine.client, environment: environment, logger: logger)

    let router = Router(context: SortieRequestContext.self)
    let allowedMethods = AllowedMethods()
    router.middlewares.add(ErrorMiddleware<SortieRequestContext>(metrics: metrics, allowedMethods: allowedMethods))
    router.middlewares.add(BodyLimitMiddleware<SortieRequestContext>(maxBodySize: configuration.maxBodySize))
    HealthController(state: state).addRoutes(to: router)
    OpenAPIController().addRoutes(to: router)
    WebPageController(state: state).addRoutes(to: router)
    let webSockets = WebSocketController(state: state, upstream: upstream)
    webSockets.addFallbackRoute(to: router)
    let api = router.group("api").add(middleware: AuthenticationMiddleware(authenticator: state.authenticator))
    SessionsController(state: state).addRoutes(to: api.group("sessions"))
    AppsController(state: state).addRoutes(to: api.group("apps"))

    allowedMethods.register(router.routes.map { ($0.path, $0.method) })

    var services: [any Service] = [
        SessionWatchService(client: engine.client, namespace: engine.settings.namespace, store: state.store, logger: logger),
    ]
    let elector = configuration.leaderElection.enabled
        ? LeaderElector(client: engine.client, namespace: engine.settings.namespace, configuration: configuration.leaderElection, logger: logger)
        : nil
    services.append(ReaperService(engine: engine, elector: elector,
                                  interval: configuration.reaperInterval ?? .seconds(engine.settings.cleanupIntervalMinutes * 60),
                                  retryPeriod: configuration.leaderElection.retryPeriod, metrics: metrics, logger: logger))

    if configuration.authMode == .none {
        logger.warning("AUTHENTICATION IS OFF (--auth none): anyone who can reach this server can start, see and end every session; use only on a trusted machine")
    }
    return Application(
        router: router,
        server: .serve(gate: webSockets, http1: .init(idleTimeout: .seconds(120)),
                       requestHeadTimeout: configuration.requestHeadTimeout),
        configuration: .init(address: .hostname(configuration.address, port: configuration.port), serverName: "sortie"),
        services: services,
        logger: logger
    )
}

/// The shared state, separately so tests can reach it.
func makeServerState(configuration: ServerConfiguration, engine: SessionEngine, metrics: ServerMetrics, logger: Logger) throws -> ServerState {
    let store = SessionStore(timeoutMinutes: engine.settings.sessionTimeoutMinutes, onReady: { session in
        let age = Date().timeIntervalSince(session.createdAt)
        if age >= 0, age < 3600 { metrics.readyLatency.record(.milliseconds(Int64(age * 1000))) }
    })
    return ServerState(
        configuration: configuration, engine: engine, store: store,
        authenticator: try Authenticator(configuration: configuration),
        tickets: WebSocketTicketSigner(key: configuration.ticketKey ?? WebSocketTicketSigner.randomKey(), lifetime: configuration.ticketLifetime),
        metrics: metrics,
        createLimiter: CreateRateLimiter(perMinute: configuration.createsPerMinute),
        connections: ConnectionCounter(limit: configuration.maxConnectionsPerSession),
        activity: SessionActivityRecorder(interval: configuration.activityRecordInterval) { podName, date in
            try await engine.recordActivity(podName: podName, at: date)
        },
        logger: logger)
}

/// Picks the upstream for `--upstream`; `auto` means direct when running in a pod.
func makeUpstream(configuration: ServerConfiguration, client: KubeClient, environment: [String: String], logger: Logger) -> any SessionUpstream {
    let inCluster = environment["KUBERNETES_SERVICE_HOST"].map { !$0.isEmpty } ?? false
    let mode: ServerConfiguration.UpstreamMode = configuration.upstreamMode == .auto ? (inCluster ? .direct : .portForward) : configuration.upstreamMode
    logger.info("websocket upstream", metadata: ["mode": "\(mode.rawValue)", "auto": "\(configuration.upstreamMode == .auto)"])
    switch mode {
    case .direct, .auto: return DirectUpstream(port: configuration.upstreamPort)
    case .portForward: return PortForwardUpstream(client: client, port: configuration.upstreamPort)
    }
}
