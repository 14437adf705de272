import SortieKit
import Hummingbird

/// `GET /api/apps`: the catalog, in the catalog file's JSON shape.
struct AppsController {
    let state: ServerState

    func addRoutes(to group: RouterGroup<SortieRequestContext>) {
        group.get(use: list)
    }

    @Sendable func list(_ request: Request, context: SortieRequestContext) async throws -> Response {
        _ = try context.requireIdentity()
        return try .json(state.engine.catalog.apps)
    }
}
