import SortieKit
import Hummingbird
import Logging
import Synchronization

/// Turns every error a handler throws into the API's JSON error body (``APIError``) and counts
/// it; unexpected errors are logged with their details, which never reach the client. A path
/// that exists but not for the request's method answers `405` with `Allow` (the router itself
/// only knows "not found").
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServerMetrics
    let allowedMethods: AllowedMethods

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            var apiError = APIError(mapping: error)
            if apiError.status == .notFound, error is HTTPError {
                let methods = allowedMethods.methods(forPath: request.uri.path)
                if !methods.isEmpty, !methods.contains(request.method) {
                    apiError = APIError(.methodNotAllowed, "method_not_allowed",
                                        "\(request.method.rawValue) is not allowed on \(request.uri.path)",
                                        headers: [.allow: methods.map(\.rawValue).sorted().joined(separator: ", ")])
                }
            }
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

/// The methods each registered route path answers, read from the router once its routes are in.
final class AllowedMethods: Sendable {
    private let routes = Locked<[(path: RouterPath, methods: Set<HTTPRequest.Method>)]>([])

    func register(_ entries: [(RouterPath, HTTPRequest.Method)]) {
        var grouped: [(path: RouterPath, methods: Set<HTTPRequest.Method>)] = []
        for (path, method) in entries {
            if let index = grouped.firstIndex(where: { $0.path == path }) {
                grouped[index].methods.insert(method)
            } else {
                grouped.append((path, [method]))
            }
        }
        // GET routes answer HEAD too.
        for index in grouped.indices where grouped[index].methods.contains(.get) { grouped[index].methods.insert(.head) }
        routes.withLock { $0 = grouped }
    }

    /// Every method some route with a path matching `path` answers (empty: no such path).
    func methods(forPath path: String) -> Set<HTTPRequest.Method> {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        return routes.withLock { routes in
            routes.filter { Self.matches($0.path, segments) }.reduce(into: Set()) { $0.formUnion($1.methods) }
        }
    }

    static func matches(_ path: RouterPath, _ segments: [Substring]) -> Bool {
        var index = 0
        for element in path.components {
            if element == .recursiveWildcard { return true }
            guard index < segments.count, element ~= segments[index] else { return false }
            index += 1
        }
        return index == segments.count
    }
}
