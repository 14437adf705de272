import SortieKit
import Hummingbird

/// `/healthz` (the process answers), `/readyz` (the session cache is current and the API server
/// answers) and `/metrics` (Prometheus text format). None needs authentication.
struct HealthController {
    let state: ServerState

    func addRoutes(to router: Router<SortieRequestContext>) {
        router.get("healthz", use: healthz)
        router.get("readyz", use: readyz)
        router.get("metrics", use: metrics)
    }

    @Sendable func healthz(_ request: Request, context: SortieRequestContext) async throws -> Response {
        try .json(["status": "ok"])
    }

    @Sendable func readyz(_ request: Request, context: SortieRequestContext) async throws -> Response {
        switch await state.store.state {
        case .notSynced:
            throw APIError.unavailable("the session list has not been loaded from the cluster yet")
        case .disconnected(_, let reason):
            context.logger.debug("not ready", metadata: ["reason": "\(reason)"])
            throw APIError.unavailable("the Kubernetes API server is unreachable")
        case .synced:
            break
        }
        do {
            _ = try await state.engine.client.send(KubeRequest(.get, "/version", timeout: .after(.seconds(3))))
        } catch {
            throw APIError(mapping: error).status.code == 503 ? APIError.unavailable("the Kubernetes API server is unreachable")
                : APIError.unavailable("the Kubernetes API server is not answering normally")
        }
        return try .json(["status": "ready"])
    }

    @Sendable func metrics(_ request: Request, context: SortieRequestContext) async throws -> Response {
        state.metrics.record(sessions: await state.store.sessions())
        return .text(state.metrics.exposition(), contentType: "text/plain; version=0.0.4; charset=utf-8")
    }
}
