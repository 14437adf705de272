import SortieKit
import Hummingbird

/// Refuses request bodies larger than a limit before reading them (413), using `Content-Length`
/// when present; streamed bodies are bounded again when handlers collect them.
struct BodyLimitMiddleware<Context: RequestContext>: RouterMiddleware {
    let maxBodySize: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > maxBodySize {
            throw APIError(.contentTooLarge, "payload_too_large", "request bodies are limited to \(maxBodySize) bytes")
        }
        return try await next(request, context)
    }
}
