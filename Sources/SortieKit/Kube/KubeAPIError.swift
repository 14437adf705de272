import Foundation

/// An error answer from the API server, decoded from its `Status` body (client-go's
/// `StatusError`): the HTTP code, the machine-readable reason, the server's message and causes.
public struct KubeAPIError: Error, Sendable, CustomStringConvertible {
    /// `metav1.StatusReason` values sortiectl branches on.
    public enum Reason: Sendable, Equatable {
        case notFound, alreadyExists, conflict, invalid, forbidden, unauthorized, tooManyRequests
        case gone, badRequest, methodNotAllowed, internalError, serviceUnavailable, timeout
        case other(String)

        init(reason: String?, code: Int) {
            switch reason {
            case "NotFound": self = .notFound
            case "AlreadyExists": self = .alreadyExists
            case "Conflict": self = .conflict
            case "Invalid": self = .invalid
            case "Forbidden": self = .forbidden
            case "Unauthorized": self = .unauthorized
            case "TooManyRequests": self = .tooManyRequests
            case "Expired", "Gone": self = .gone
            case "BadRequest": self = .badRequest
            case "MethodNotAllowed": self = .methodNotAllowed
            case "InternalError": self = .internalError
            case "ServiceUnavailable": self = .serviceUnavailable
            case "Timeout": self = .timeout
            default:
                switch code {
                case 400: self = .badRequest
                case 401: self = .unauthorized
                case 403: self = .forbidden
                case 404: self = .notFound
                case 405: self = .methodNotAllowed
                case 409: self = .conflict
                case 410: self = .gone
                case 422: self = .invalid
                case 429: self = .tooManyRequests
                case 500: self = .internalError
                case 503: self = .serviceUnavailable
                case 504: self = .timeout
                default: self = .other(reason ?? "HTTP \(code)")
                }
            }
        }
    }

    public var code: Int
    public var reason: Reason
    public var status: KubeStatus
    /// The request, as `GET /api/v1/namespaces/x/pods`, for messages.
    public var request: String
    /// The server's `Retry-After`, when it sent one.
    public var retryAfter: Int?

    public init(code: Int, status: KubeStatus, request: String, retryAfter: Int? = nil) {
        self.code = code
        self.status = status
        self.reason = Reason(reason: status.reason, code: code)
        self.request = request
        self.retryAfter = retryAfter
    }

    /// Decodes a `Status` from an error body; a body that isn't one (a proxy's HTML page) becomes
    /// a synthetic Status carrying the first bytes of the text.
    public init(httpStatus: Int, body: Data, request: String, retryAfter: Int? = nil) {
        if let status = try? JSONDecoder().decode(KubeStatus.self, from: body), status.kind == "Status" || status.reason != nil {
            self.init(code: status.code ?? httpStatus, status: status, request: request, retryAfter: retryAfter)
        } else {
            let text = String(decoding: body.prefix(300), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            let message = text.isEmpty ? "the server answered HTTP \(httpStatus) with no details" : text
            self.init(code: httpStatus, status: KubeStatus(message: message, reason: nil, code: httpStatus),
                      request: request, retryAfter: retryAfter)
        }
    }

    public var message: String { status.message ?? "HTTP \(code)" }

    /// True when a create was refused because a ResourceQuota would be exceeded.
    public var isQuotaExceeded: Bool { reason == .forbidden && message.contains("exceeded quota") }

    public var description: String {
        var text = message
        if let causes = status.details?.causes, !causes.isEmpty, !causes.allSatisfy({ text.contains($0.message ?? "") }) {
            text += " (" + causes.map { [$0.field, $0.message].compactMap { $0 }.joined(separator: ": ") }.joined(separator: "; ") + ")"
        }
        return text
    }
}

/// A failure to talk to the API server at all, or to make sense of what it sent.
public enum KubeClientError: Error, Sendable, CustomStringConvertible {
    /// Nothing answered at the server address (refused, unresolvable, connect timeout).
    case unreachable(server: String, underlying: CurlError)
    /// The TLS handshake or certificate verification failed.
    case tls(server: String, underlying: CurlError)
    /// The request took longer than its timeout.
    case timeout(server: String, underlying: CurlError)
    /// The connection broke mid-request.
    case connectionLost(server: String, underlying: CurlError)
    /// The server's answer could not be decoded as the expected type.
    case decoding(request: String, type: String, message: String)
    /// Credentials could not be obtained (token file, exec plugin).
    case credentials(String)

    public var description: String {
        switch self {
        case .unreachable(let server, let error):
            "cannot reach the Kubernetes API server at \(server): \(error.message) — is the cluster running and the kubeconfig current?"
        case .tls(let server, let error):
            "TLS with \(server) failed: \(error.message) — check the cluster's certificate-authority and the client certificate in the kubeconfig"
        case .timeout(let server, let error):
            "the request to \(server) timed out: \(error.message)"
        case .connectionLost(let server, let error):
            "the connection to \(server) was lost: \(error.message)"
        case .decoding(let request, let type, let message):
            "could not decode the server's answer to \(request) as \(type): \(message)"
        case .credentials(let message):
            message
        }
    }

    static func wrap(_ error: CurlError, server: String) -> KubeClientError {
        if error.isTLSFailure { return .tls(server: server, underlying: error) }
        if error.isTimeout { return .timeout(server: server, underlying: error) }
        if error.isConnectFailure { return .unreachable(server: server, underlying: error) }
        if error.isConnectionDropped { return .connectionLost(server: server, underlying: error) }
        return .unreachable(server: server, underlying: error)
    }
}
