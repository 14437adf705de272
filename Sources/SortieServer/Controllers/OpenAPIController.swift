import SortieKit
import Hummingbird

/// `GET /api/openapi.json`: the hand-written OpenAPI 3 document of this API (``OpenAPIDocument``).
struct OpenAPIController {
    func addRoutes(to router: Router<SortieRequestContext>) {
        router.get("api/openapi.json") { _, _ in
            Response.text(OpenAPIDocument.json, contentType: "application/json; charset=utf-8")
        }
    }
}
