import Hummingbird
import Logging

/// Turns every error a handler throws into the API's JSON error body (``APIError``) and counts
/// it; unexpected errors are logged with their details, which never reach the client.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServerMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let apiError = APIError(mapping: error)
            metrics.apiError(status: Int(apiError.status.code), code: apiError.code)
            if apiError.status.code >= 500 {
                context.logger.warning("request failed", metadata: [
                    "http.path": "\(request.uri.path)", "http.status": "\(apiError.status.code)", "error": "\(error)",
                ])
            } else {
                context.logger.debug("request refused", metadata: [
                    "http.path": "\(request.uri.path)", "http.status": "\(apiError.status.code)", "error.code": "\(apiError.code)",
                ])
            }
            throw apiError
        }
    }
}
