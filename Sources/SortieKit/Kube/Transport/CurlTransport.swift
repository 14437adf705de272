import CCurl
import Foundation

/// How the transport reaches the API server: TLS trust, proxy, timeouts.
public struct CurlTransportConfiguration: Sendable {
    public struct TLS: Sendable {
        /// PEM bundle of the cluster CA; when set, only it is trusted (not the system store).
        public var certificateAuthorityPEM: Data?
        public var insecureSkipVerify: Bool
        /// Name to verify the server certificate against (and send as SNI), if not the URL host.
        public var serverName: String?
        /// A static client certificate (kubeconfig `client-certificate[-data]`).
        public var clientCertificate: ClientCertificate?

        public init(certificateAuthorityPEM: Data? = nil, insecureSkipVerify: Bool = false,
                    serverName: String? = nil, clientCertificate: ClientCertificate? = nil) {
            self.certificateAuthorityPEM = certificateAuthorityPEM
            self.insecureSkipVerify = insecureSkipVerify
            self.serverName = serverName
            self.clientCertificate = clientCertificate
        }
    }

    public var tls: TLS
    public var proxyURL: String?
    /// How long to wait for a TCP + TLS connection before giving up.
    public var connectTimeout: Duration
    public var userAgent: String
    /// Ask for gzip-compressed responses (the API server compresses large lists).
    public var acceptCompression: Bool

    public init(tls: TLS = TLS(), proxyURL: String? = nil, connectTimeout: Duration = .seconds(5),
                userAgent: String = "sortiectl", acceptCompression: Bool = true) {
        self.tls = tls
        self.proxyURL = proxyURL
        self.connectTimeout = connectTimeout
        self.userAgent = userAgent
        self.acceptCompression = acceptCompression
    }
}

/// The libcurl transport: one multi handle on a dedicated thread carries every request, reusing
/// connections (keep-alive, HTTP/2 when offered).
public final class CurlTransport: KubeTransport {
    public let configuration: CurlTransportConfiguration
    private let loop: CurlMultiLoop

    public init(configuration: CurlTransportConfiguration) {
        self.configuration = configuration
        self.loop = CurlMultiLoop()
    }

    public func send(_ request: TransportRequest) async throws -> TransportResponse {
        let handle = try makeHandle(for: request)
        let sink = BufferedSink()
        let transfer = try CurlTransfer(handle: handle, sink: sink)
        let loop = self.loop
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                sink.continuation = continuation
                loop.start(transfer)
            }
        } onCancel: {
            loop.cancel(transfer)
        }
    }

    public func stream(_ request: TransportRequest) async throws -> TransportStreamingResponse {
        let handle = try makeHandle(for: request)
        let (body, bodyContinuation) = AsyncThrowingStream<Data, any Error>.makeStream()
        let sink = StreamingSink(body: bodyContinuation)
        let transfer = try CurlTransfer(handle: handle, sink: sink)
        let loop = self.loop
        bodyContinuation.onTermination = { _ in loop.cancel(transfer) }
        let head: (Int, [String: String]) = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                sink.headContinuation = continuation
                loop.start(transfer)
            }
        } onCancel: {
            loop.cancel(transfer)
        }
        return TransportStreamingResponse(status: head.0, headers: head.1, body: body)
    }

    /// Builds an easy handle for one request; every option is set explicitly so the process
    /// environment (`CURL_CA_BUNDLE` and friends) cannot change what is trusted.
    func makeHandle(for request: TransportRequest) throws -> CurlEasyHandle {
        let (url, connectTo) = Self.applyServerName(configuration.tls.serverName, to: request.url)
        let handle = try CurlEasyHandle(url: url)
        if let connectTo { try handle.setConnectTo([connectTo]) }
        switch request.method {
        case .get: try handle.set(CURLOPT_HTTPGET, 1)
        case .head: try handle.set(CURLOPT_NOBODY, 1)
        case .post: try handle.set(CURLOPT_POST, 1)
        case .put, .patch, .delete: try handle.set(CURLOPT_CUSTOMREQUEST, string: request.method.rawValue)
        }
        // CURLOPT_CUSTOMREQUEST (set above) keeps the method when a body is attached.
        if let body = request.body { try handle.setBody(body) }
        // "Expect: 100-continue" costs a round trip on every larger POST; the API server doesn't need it.
        try handle.setHeaders(request.headers + [(name: "Expect", value: "")])
        try handle.set(CURLOPT_USERAGENT, string: configuration.userAgent)
        try handle.set(CURLOPT_CONNECTTIMEOUT_MS, Int(configuration.connectTimeout.milliseconds))
        if let timeout = request.timeout { try handle.set(CURLOPT_TIMEOUT_MS, Int(timeout.milliseconds)) }
        try handle.set(CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_2TLS))
        try handle.set(CURLOPT_TCP_KEEPALIVE, 1)
        try handle.set(CURLOPT_TCP_NODELAY, 1)
        if configuration.acceptCompression { try handle.set(CURLOPT_ACCEPT_ENCODING, string: "") }
        try applyTLS(to: handle, clientCertificate: request.clientCertificate)
        if let proxy = configuration.proxyURL { try handle.set(CURLOPT_PROXY, string: proxy) }
        return handle
    }

    func applyTLS(to handle: CurlEasyHandle, clientCertificate: ClientCertificate?) throws {
        try Self.applyTLS(configuration.tls, to: handle, clientCertificate: clientCertificate)
    }

    /// Sets trust (inline CA or none), verification and the client certificate on a handle;
    /// shared by request handles and `CURLOPT_CONNECT_ONLY` handles (port-forward).
    static func applyTLS(_ tls: CurlTransportConfiguration.TLS, to handle: CurlEasyHandle, clientCertificate: ClientCertificate?) throws {
        if tls.insecureSkipVerify {
            try handle.set(CURLOPT_SSL_VERIFYPEER, 0)
            try handle.set(CURLOPT_SSL_VERIFYHOST, 0)
        } else if let ca = tls.certificateAuthorityPEM {
            try handle.set(CURLOPT_CAINFO_BLOB, blob: ca)
            try handle.set(CURLOPT_CAPATH, string: nil)
        }
        if let certificate = clientCertificate ?? tls.clientCertificate {
            try handle.set(CURLOPT_SSLCERT_BLOB, blob: certificate.certificatePEM)
            try handle.set(CURLOPT_SSLCERTTYPE, string: "PEM")
            try handle.set(CURLOPT_SSLKEY_BLOB, blob: certificate.keyPEM)
            try handle.set(CURLOPT_SSLKEYTYPE, string: "PEM")
        }
    }

    /// With `tls-server-name`, the URL names the server by that name (SNI and certificate check
    /// use it) and `CURLOPT_CONNECT_TO` sends the connection to the real address.
    static func applyServerName(_ serverName: String?, to url: String) -> (String, String?) {
        guard let serverName, var components = URLComponents(string: url), let host = components.host else {
            return (url, nil)
        }
        let port = components.port ?? (components.scheme == "http" ? 80 : 443)
        components.host = serverName
        components.port = port
        let connectHost = host.contains(":") ? "[\(host)]" : host
        return (components.string ?? url, "\(serverName):\(port):\(connectHost):\(port)")
    }
}

extension Duration {
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}

/// Collects a whole response, then resumes the waiting task.
private final class BufferedSink: CurlTransferSink {
    var continuation: CheckedContinuation<TransportResponse, any Error>?
    private var status = 0
    private var headers: [String: String] = [:]
    private var body = Data()

    func didReceiveHead(status: Int, headers: [String: String]) {
        self.status = status
        self.headers = headers
        // A list page is megabytes: grow the buffer once, not by doubling through every chunk.
        if let length = headers["content-length"].flatMap(Int.init), length > 0 {
            body.reserveCapacity(min(length, Self.largestReservation))
        }
    }

    /// A Content-Length beyond this is not trusted for a reservation (the bytes must arrive first).
    static let largestReservation = 64 << 20

    func didReceive(_ bytes: UnsafeRawBufferPointer) { body.append(contentsOf: bytes) }

    func didComplete(_ error: CurlError?) {
        if let error {
            continuation?.resume(throwing: error)
        } else {
            continuation?.resume(returning: TransportResponse(status: status, headers: headers, body: body))
        }
        continuation = nil
    }
}

/// Hands over the head as soon as it arrives, then yields body chunks as they come.
private final class StreamingSink: CurlTransferSink {
    var headContinuation: CheckedContinuation<(Int, [String: String]), any Error>?
    private let body: AsyncThrowingStream<Data, any Error>.Continuation

    init(body: AsyncThrowingStream<Data, any Error>.Continuation) { self.body = body }

    func didReceiveHead(status: Int, headers: [String: String]) {
        headContinuation?.resume(returning: (status, headers))
        headContinuation = nil
    }

    func didReceive(_ bytes: UnsafeRawBufferPointer) { body.yield(Data(bytes)) }

    func didComplete(_ error: CurlError?) {
        if let headContinuation {
            self.headContinuation = nil
            headContinuation.resume(throwing: error ?? CurlError(code: Int(CURLE_GOT_NOTHING.rawValue), message: "no response", url: ""))
        }
        if let error, error.code != Int(CURLE_ABORTED_BY_CALLBACK.rawValue) {
            body.finish(throwing: error)
        } else {
            body.finish()
        }
    }
}
