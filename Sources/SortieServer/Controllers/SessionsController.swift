import Foundation
import SortieKit
import Hummingbird

/// `/api/sessions`: create, list, get and end sessions (the seed's contract).
///
/// Reads come from the ``SessionStore`` (one shared watch); writes go to the cluster through the
/// ``SessionEngine`` and are recorded in the store at once, so a GET after a POST finds the session.
struct SessionsController {
    let state: ServerState

    func addRoutes(to group: RouterGroup<SortieRequestContext>) {
        group.post(use: create)
        group.get(use: list)
        group.get("{id}", use: get)
        group.delete("{id}", use: delete)
    }

    /// The body of `POST /api/sessions`.
    struct CreateRequest {
        var appID: String
        var userID: String?

        /// Parses the JSON body with messages that say what is wrong.
        /// - Throws: ``APIError`` 400.
        init(json data: Data) throws {
            guard !data.isEmpty else { throw APIError.badRequest("the request body must be a JSON object with \"app_id\"") }
            let object: Any
            do {
                object = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
            } catch {
                throw APIError.badRequest("the request body is not valid JSON")
            }
            guard let fields = object as? [String: Any] else {
                throw APIError.badRequest("the request body must be a JSON object with \"app_id\"")
            }
            guard let appID = fields["app_id"] as? String, !appID.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw APIError.badRequest(fields["app_id"] == nil ? "\"app_id\" is required" : "\"app_id\" must be a non-empty string")
            }
            self.appID = appID
            switch fields["user_id"] {
            case nil, is NSNull: userID = nil
            case let text as String: userID = text.isEmpty ? nil : text
            default: throw APIError.badRequest("\"user_id\" must be a string")
            }
        }
    }

    @Sendable func create(_ request: Request, context: SortieRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        if let type = request.headers[.contentType], !type.lowercased().hasPrefix("application/json") {
            throw APIError(.unsupportedMediaType, "unsupported_media_type", "send the body as application/json")
        }
        var request = request
        let buffer = try await request.collectBody(upTo: state.configuration.maxBodySize)
        let body = try CreateRequest(json: Data(buffer.readableBytesView))
        // With authentication on, the owner is the caller: a body's user_id is ignored.
        let owner = identity.isUnauthenticatedMode ? (body.userID ?? "anonymous") : identity.user
        guard owner.utf8.count <= 253, !owner.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw APIError.unprocessable("invalid", "\"user_id\" must be at most 253 bytes without control characters")
        }
        if let wait = state.createLimiter.admit(owner) {
            throw APIError.tooManyRequests("rate_limited", "too many sessions created in the last minute; try again in \(wait) s", retryAfter: wait)
        }
        let started = ContinuousClock.now
        // Sortie's limits against the watch's cache, not a list of every pod per create.
        try state.engine.checkQuota(userID: owner, against: await state.syncedStore().sessions())
        let (session, pod) = try await state.engine.createReturningPod(appID: body.appID, userID: owner, checkQuota: false)
        state.metrics.createLatency.record(ContinuousClock.now - started)
        await state.store.upsert(pod)
        return try .json(state.presented(session), status: .created, headers: [.location: "/api/sessions/\(session.id)"])
    }

    @Sendable func list(_ request: Request, context: SortieRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let store = try await state.syncedStore()
        let wanted = request.uri.queryParameters["user_id"].map(String.init)
        let sessions = await store.sessions().filter { session in
            identity.mayAccess(sessionOwnedBy: session.userID) && (wanted == nil || wanted == "" || session.userID == wanted)
        }
        return try .json(sessions.map(state.presented))
    }

    @Sendable func get(_ request: Request, context: SortieRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let id = try context.parameters.require("id")
        let found = try await state.visibleSession(id, to: identity)
        return try .json(state.presented(found.session))
    }

    /// Ends a session (graceful pod deletion); answers the session, now `terminating`.
    /// A session already terminating answers 409.
    @Sendable func delete(_ request: Request, context: SortieRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let id = try context.parameters.require("id")
        let found = try await state.visibleSession(id, to: identity)
        if found.session.status == .terminating {
            throw APIError.conflict("session \(found.session.id) is already ending")
        }
        let deleted: Pod?
        do {
            deleted = try await state.engine.client.delete(Pod.self, namespace: state.namespace, name: found.session.podName)
        } catch let error as KubeAPIError where error.reason == .notFound {
            throw APIError.notFound("session not found")
        }
        var session = found.session
        if let deleted {
            await state.store.upsert(deleted)
            session = Session(pod: deleted, now: Date(), timeoutMinutes: state.engine.settings.sessionTimeoutMinutes) ?? session
        } else {
            session.status = .terminating
        }
        context.logger.info("session ended", metadata: ["session.id": "\(session.id)"])
        return try .json(state.presented(session))
    }
}
