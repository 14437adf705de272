import Foundation
import SortieKit
import HTTPTypes
import NIOCore
import Hummingbird

/// An error answer of the REST API: an HTTP status and the JSON body
/// `{"error": "<machine code>", "message": "<sentence>"}`.
public struct APIError: Error, HTTPResponseError, Sendable, CustomStringConvertible {
    public var status: HTTPResponse.Status
    /// Stable machine-readable code (`not_found`, `quota_exceeded`, …).
    public var code: String
    public var message: String
    /// Extra response headers (`Retry-After`, `WWW-Authenticate`).
    public var headers: HTTPFields

    public init(_ status: HTTPResponse.Status, _ code: String, _ message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
    }

    public var description: String { "\(status.code) \(code): \(message)" }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = self.headers
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: jsonBody()))
    }

    /// The body: `{"error": "<code>", "message": "<sentence>"}`.
    func jsonBody() -> ByteBuffer {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding a dictionary of strings cannot fail.
        return ByteBuffer(bytes: (try? encoder.encode(["error": code, "message": message])) ?? Data())
    }

    // MARK: The vocabulary

    static func badRequest(_ message: String) -> APIError { APIError(.badRequest, "bad_request", message) }
    static func notFound(_ message: String) -> APIError { APIError(.notFound, "not_found", message) }
    static func unauthorized(_ message: String = "authentication required") -> APIError {
        APIError(.unauthorized, "unauthorized", message, headers: [.wwwAuthenticate: "Bearer realm=\"sortie\""])
    }
    static func forbidden(_ message: String) -> APIError { APIError(.forbidden, "forbidden", message) }
    static func conflict(_ message: String) -> APIError { APIError(.conflict, "conflict", message) }
    static func unprocessable(_ code: String, _ message: String) -> APIError { APIError(.unprocessableContent, code, message) }
    static func tooManyRequests(_ code: String, _ message: String, retryAfter: Int) -> APIError {
        APIError(.tooManyRequests, code, message, headers: [.retryAfter: String(max(1, retryAfter))])
    }
    static func unavailable(_ message: String, retryAfter: Int = 5) -> APIError {
        APIError(.serviceUnavailable, "cluster_unavailable", message, headers: [.retryAfter: String(retryAfter)])
    }
}

extension APIError {
    /// Seconds a client is told to wait after a quota refusal before trying again.
    static let quotaRetryAfter = 30

    /// Maps any error from SortieKit (or Hummingbird) to the API's vocabulary.
    ///
    /// Unknown errors become a 500 whose message says nothing internal; the caller logs the details.
    public init(mapping error: any Error) {
        switch error {
        case let error as APIError:
            self = error
        case let error as CatalogError:
            switch error {
            case .unknownApp(let id, _):
                self = .unprocessable("unknown_app", "no app with id \"\(id)\"")
            case .notSessionCapable(let id, _):
                self = .unprocessable("not_a_container_app", "app \"\(id)\" opens a link and cannot start a session")
            default:
                self = APIError(.internalServerError, "catalog_error", error.description)
            }
        case let error as SessionError:
            switch error {
            case .quotaExceeded:
                self = .tooManyRequests("quota_exceeded", error.description, retryAfter: Self.quotaRetryAfter)
            case .notFound, .vanished:
                self = .notFound("session not found")
            case .ambiguous:
                self = .notFound("session not found")
            case .failedToStart, .readyTimeout:
                self = APIError(.unprocessableContent, "failed_to_start", error.description)
            }
        case let error as SessionLabelError:
            self = .unprocessable("invalid", "\(error)")
        case let error as PodTemplateError:
            self = .unprocessable("invalid", "\(error)")
        case let error as KubeAPIError:
            switch error.reason {
            case .forbidden where error.isQuotaExceeded:
                self = .tooManyRequests("quota_exceeded", error.message, retryAfter: error.retryAfter ?? Self.quotaRetryAfter)
            case .notFound:
                self = .notFound("session not found")
            case .conflict, .alreadyExists:
                self = .conflict(error.message)
            case .invalid:
                self = .unprocessable("invalid", error.message)
            case .tooManyRequests:
                self = .tooManyRequests("cluster_busy", "the Kubernetes API server is overloaded: \(error.message)",
                                        retryAfter: error.retryAfter ?? 5)
            case .internalError, .serviceUnavailable, .timeout:
                self = .unavailable("the Kubernetes API server answered HTTP \(error.code): \(error.message)")
            default:
                self = APIError(.badGateway, "cluster_error", "the Kubernetes API server refused the request (HTTP \(error.code)): \(error.message)")
            }
        case let error as KubeClientError:
            switch error {
            case .unreachable, .timeout, .connectionLost, .tls:
                self = .unavailable("the Kubernetes API server is unreachable")
            case .credentials:
                self = .unavailable("no valid credentials for the Kubernetes API server")
            case .decoding:
                self = APIError(.badGateway, "cluster_error", "unexpected answer from the Kubernetes API server")
            }
        case is NIOTooManyBytesError:
            // A chunked body that grew past the limit while it was collected.
            self = APIError(.contentTooLarge, "payload_too_large", "the request body is too large")
        case let error as HTTPError:
            let code = switch error.status.code {
            case 400: "bad_request"
            case 404: "not_found"
            case 405: "method_not_allowed"
            case 413: "payload_too_large"
            case 415: "unsupported_media_type"
            default: "http_\(error.status.code)"
            }
            self = APIError(error.status, code, error.body ?? error.status.reasonPhrase, headers: error.headers)
        default:
            self = APIError(.internalServerError, "internal", "internal server error")
        }
    }
}
