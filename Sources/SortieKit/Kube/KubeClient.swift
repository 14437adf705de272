import Foundation
import Logging

/// A Kubernetes API client over libcurl, in the manner of client-go's `rest.RESTClient`:
/// authentication per request, client-side rate limiting, retries, and `Status` errors decoded
/// into `KubeAPIError`. Typed helpers live in the `KubeClient+*.swift` extensions.
public final class KubeClient: Sendable {
    public let configuration: KubeClientConfiguration
    private let transport: any KubeTransport
    let credentials: CredentialSource
    let rateLimiter: RateLimiter
    let logger: Logger

    /// - Parameters:
    ///   - configuration: where the server is and how to authenticate.
    ///   - transport: the byte mover; defaults to a `CurlTransport` for this configuration.
    ///   - fileSystem: used to read token files.
    ///   - environment: handed to exec credential plugins.
    public init(configuration: KubeClientConfiguration, transport: (any KubeTransport)? = nil,
                fileSystem: any FileSystem = LocalFileSystem(),
                environment: [String: String] = ProcessInfo.processInfo.environment,
                logger: Logger = Logger(label: "sortie.kube")) {
        self.configuration = configuration
        self.transport = transport ?? CurlTransport(configuration: CurlTransportConfiguration(
            tls: configuration.tls, proxyURL: configuration.proxyURL,
            connectTimeout: configuration.timeouts.connect, userAgent: configuration.userAgent))
        self.credentials = CredentialSource(authentication: configuration.authentication, pluginTimeout: configuration.timeouts.request,
                                            fileSystem: fileSystem,
                                            environment: environment, server: configuration.server)
        self.rateLimiter = RateLimiter(configuration.rateLimit)
        self.logger = logger
    }

    /// Sends a request and returns the successful (2xx) response.
    /// - Throws: `KubeAPIError` for error answers (after retries), `KubeClientError` for
    ///   transport and credential failures.
    public func send(_ request: KubeRequest) async throws -> TransportResponse {
        try await withRetries(request) { transportRequest in
            try await self.transport.send(transportRequest)
        } status: { $0.status } body: { $0.body } headers: { $0.headers }
    }

    /// Sends a request whose answer streams (watch, followed logs); returns once headers arrived.
    public func stream(_ request: KubeRequest) async throws -> TransportStreamingResponse {
        try await withRetries(request) { transportRequest in
            let response = try await self.transport.stream(transportRequest)
            guard (200..<300).contains(response.status) else {
                // Drain the error body so the Status can be decoded like a buffered answer.
                var body = Data()
                for try await chunk in response.body { body.append(chunk); if body.count > 1 << 20 { break } }
                return TransportStreamingResponse(status: response.status, headers: response.headers,
                                                  body: AsyncThrowingStream { $0.yield(body); $0.finish() })
            }
            return response
        } status: { $0.status } body: { response in
            var body = Data()
            for try await chunk in response.body { body.append(chunk) }
            return body
        } headers: { $0.headers }
    }

    /// The request loop shared by buffered and streaming calls.
    private func withRetries<Response>(
        _ request: KubeRequest,
        perform: (TransportRequest) async throws -> Response,
        status: (Response) -> Int,
        body: (Response) async throws -> Data,
        headers: (Response) -> [String: String]
    ) async throws -> Response {
        let policy = configuration.retry
        var attempt = 0
        var refreshedCredentials = false
        var refreshNext = false
        while true {
            try await rateLimiter.acquire()
            let transportRequest = try await makeTransportRequest(request, refreshCredentials: refreshNext)
            refreshNext = false
            let response: Response
            do {
                response = try await perform(transportRequest)
            } catch let error as CurlError {
                if let delay = policy.delay(for: error, idempotent: request.isIdempotent, attempt: attempt) {
                    logger.debug("retrying after transport error", metadata: ["request": "\(request.summary)", "error": "\(error)", "attempt": "\(attempt + 1)"])
                    attempt += 1
                    try await Task.sleep(for: delay)
                    continue
                }
                throw KubeClientError.wrap(error, server: configuration.server)
            }
            let code = status(response)
            if (200..<300).contains(code) || code == 101 { return response }
            if code == 401, !refreshedCredentials, await credentials.canRefresh {
                refreshedCredentials = true
                refreshNext = true
                continue
            }
            let responseHeaders = headers(response)
            let retryAfter = responseHeaders["retry-after"]
            if let delay = policy.delay(status: code, retryAfter: retryAfter, idempotent: request.isIdempotent, attempt: attempt) {
                logger.debug("retrying after HTTP \(code)", metadata: ["request": "\(request.summary)", "attempt": "\(attempt + 1)"])
                attempt += 1
                try await Task.sleep(for: delay)
                continue
            }
            throw KubeAPIError(httpStatus: code, body: try await body(response), request: request.summary,
                               retryAfter: retryAfter.flatMap { Int($0) })
        }
    }

    func makeTransportRequest(_ request: KubeRequest, refreshCredentials: Bool) async throws -> TransportRequest {
        let creds = try await credentials.credentials(refresh: refreshCredentials)
        var headers: [(name: String, value: String)] = [("Accept", request.accept)]
        if let contentType = request.contentType { headers.append(("Content-Type", contentType)) }
        if let authorization = creds.authorization { headers.append(("Authorization", authorization)) }
        let timeout: Duration? = switch request.timeout {
        case .default: configuration.timeouts.request
        case .none: nil
        case .after(let duration): duration
        }
        return TransportRequest(method: request.method, url: configuration.server + request.pathAndQuery,
                                headers: headers, body: request.body, timeout: timeout,
                                clientCertificate: creds.clientCertificate)
    }

    /// Sends a request and decodes a 2xx JSON answer as `T`.
    public func decode<T: Decodable>(_ type: T.Type, from request: KubeRequest) async throws -> T {
        let response = try await send(request)
        return try decode(type, from: response.body, request: request)
    }

    func decode<T: Decodable>(_ type: T.Type, from data: Data, request: KubeRequest) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch {
            throw KubeClientError.decoding(request: request.summary, type: String(describing: type), message: "\(error)")
        }
    }

    /// The server's version (`GET /version`).
    public func serverVersion() async throws -> ServerVersion {
        try await decode(ServerVersion.self, from: KubeRequest(.get, "/version"))
    }
}
