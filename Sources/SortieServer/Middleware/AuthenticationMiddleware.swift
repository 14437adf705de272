import SortieKit
import Hummingbird

/// Establishes the caller's ``Identity`` for the routes behind it; 401 without valid credentials.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = SortieRequestContext
    let authenticator: Authenticator

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let identity = authenticator.identify(headers: request.headers, peerAddress: context.peerAddress) else {
            throw APIError.unauthorized(authenticator.mode == .header
                ? "no trusted X-Forwarded-User header" : "a valid bearer token is required")
        }
        var context = context
        context.identity = identity
        context.logger[metadataKey: "user"] = "\(identity.user)"
        return try await next(request, context)
    }
}
