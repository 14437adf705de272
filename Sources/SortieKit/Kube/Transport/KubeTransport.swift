import Foundation

/// One HTTP exchange as the transport sees it: a full URL, with credentials already resolved.
public struct TransportRequest: Sendable {
    public enum Method: String, Sendable {
        case get = "GET", post = "POST", put = "PUT", patch = "PATCH", delete = "DELETE", head = "HEAD"
    }

    public var method: Method
    public var url: String
    /// Header names as sent; `Authorization` values are never logged.
    public var headers: [(name: String, value: String)]
    public var body: Data?
    /// Whole-request deadline; `nil` for streams that stay open (watches, followed logs).
    public var timeout: Duration?
    /// A client certificate and key (PEM) obtained at request time, e.g. from an exec plugin.
    public var clientCertificate: ClientCertificate?

    public init(
        method: Method, url: String, headers: [(name: String, value: String)] = [], body: Data? = nil,
        timeout: Duration? = .seconds(30), clientCertificate: ClientCertificate? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.clientCertificate = clientCertificate
    }
}

/// A PEM client certificate and its private key, held in memory only.
public struct ClientCertificate: Sendable, Equatable, CustomStringConvertible {
    public var certificatePEM: Data
    public var keyPEM: Data
    public init(certificatePEM: Data, keyPEM: Data) {
        self.certificatePEM = certificatePEM
        self.keyPEM = keyPEM
    }
    public var description: String { "ClientCertificate(\(certificatePEM.count) bytes, key --- REDACTED ---)" }
}

/// A complete, buffered response.
public struct TransportResponse: Sendable {
    public var status: Int
    /// Header names lower-cased.
    public var headers: [String: String]
    public var body: Data

    public init(status: Int, headers: [String: String], body: Data) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// A response whose body arrives over time (watch events, followed logs).
public struct TransportStreamingResponse: Sendable {
    public var status: Int
    public var headers: [String: String]
    /// The body in the chunks the network delivered; ends when the server closes the response.
    public var body: AsyncThrowingStream<Data, any Error>
}

/// Moves bytes to and from the API server. `CurlTransport` is the real one; tests may substitute.
public protocol KubeTransport: Sendable {
    /// Sends a request and buffers the whole response.
    func send(_ request: TransportRequest) async throws -> TransportResponse
    /// Sends a request and returns once the response headers arrived; the body streams.
    func stream(_ request: TransportRequest) async throws -> TransportStreamingResponse
}
