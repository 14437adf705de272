import CCurl
import Foundation

/// An upgraded WebSocket connection to the API server, carried by a libcurl handle in
/// `CURLOPT_CONNECT_ONLY` mode (Debian's libcurl 7.88 has no WebSocket API, so the HTTP upgrade
/// and the framing are ours; TCP, TLS, proxies and client certificates stay libcurl's).
///
/// Not `Sendable`: the thread that opens it owns it and is the only one to use it (libcurl's
/// threading rule). Sends and receives never block; wait on `socket` with `poll(2)` after a
/// `nil` ("would block") answer.
final class WebSocketConnection {
    private let handle: CurlEasyHandle
    /// The connected socket (`CURLINFO_ACTIVESOCKET`), for polling only.
    let socket: Int32
    /// The subprotocol the server chose.
    let subprotocol: String
    /// Bytes that arrived right after the 101 answer: the start of the first frames.
    let initialBytes: [UInt8]
    /// The API server, for messages.
    let server: String

    private init(handle: CurlEasyHandle, socket: Int32, subprotocol: String, initialBytes: [UInt8], server: String) {
        self.handle = handle
        self.socket = socket
        self.subprotocol = subprotocol
        self.initialBytes = initialBytes
        self.server = server
    }

    /// Connects, sends the upgrade request and checks the answer. Blocks: call it on a dedicated thread.
    /// - Parameter stop: abandons the handshake when raised.
    /// - Throws: `KubeAPIError` when the server answers with an error (404 pod not found, 400 pod not
    ///   running, 401/403), `KubeClientError` when it cannot be reached, `TunnelError` for a bad answer.
    static func open(_ request: WebSocketUpgradeRequest, stop: StopSignal? = nil) throws -> WebSocketConnection {
        let handle = try CurlTransport.makeConnectOnlyHandle(url: request.url, clientCertificate: request.clientCertificate,
                                                             configuration: request.transport)
        let code = sortie_curl_easy_perform(handle.raw)
        guard code == CURLE_OK else { throw KubeClientError.wrap(handle.error(code), server: request.server) }
        var fd: curl_socket_t = sortie_curl_socket_bad()
        guard sortie_easy_getinfo_socket(handle.raw, &fd) == CURLE_OK, fd != sortie_curl_socket_bad() else {
            throw TunnelError.connectionLost(server: request.server, detail: "libcurl has no socket after connecting")
        }
        let deadline = ContinuousClock.now + request.timeout
        let handshake = WebSocketHandshake(protocols: request.protocols)
        guard let components = URLComponents(string: request.url), let host = components.host else {
            throw TunnelError.protocolViolation("cannot parse the URL \(request.url)")
        }
        let hostHeader = (host.contains(":") ? "[\(host)]" : host) + (components.port.map { ":\($0)" } ?? "")
        let target = components.percentEncodedPath + (components.percentEncodedQuery.map { "?\($0)" } ?? "")
        let text = handshake.request(host: hostHeader, target: target, headers: request.headers)
        let io = BlockingIO(handle: handle, socket: fd, server: request.server, deadline: deadline, stop: stop)
        try io.sendAll(Array(text.utf8))

        // Read until the head is complete; whatever follows it is frame data.
        var received: [UInt8] = []
        var parsed: (head: WebSocketHandshake.ResponseHead, length: Int)?
        while parsed == nil {
            let chunk = try io.receiveSome()
            guard !chunk.isEmpty else {
                throw TunnelError.connectionLost(server: request.server, detail: "the server closed the connection during the WebSocket upgrade")
            }
            received += chunk
            parsed = try received.withUnsafeBytes { try WebSocketHandshake.parseResponseHead($0) }
        }
        guard let (head, headLength) = parsed else { throw TunnelError.protocolViolation("no response head") }
        if head.status != 101 {
            // An API error: read the Status body (bounded) so the caller gets the server's own words.
            var body = Array(received[headLength...])
            let expected = head.headers["content-length"].flatMap(Int.init) ?? 65536
            while body.count < min(expected, 65536) {
                guard let chunk = try? io.receiveSome(), !chunk.isEmpty else { break }
                body += chunk
            }
            throw KubeAPIError(httpStatus: head.status, body: Data(body.prefix(expected)), request: request.summary)
        }
        let chosen = try handshake.validate(head)
        return WebSocketConnection(handle: handle, socket: fd, subprotocol: chosen,
                                   initialBytes: Array(received[headLength...]), server: request.server)
    }

    /// Sends up to `count` bytes.
    /// - Returns: how many were sent, or `nil` when the socket is full (poll for `POLLOUT`, then
    ///   retry with the same bytes: TLS requires the retry to repeat the same buffer).
    func send(_ pointer: UnsafeRawPointer, count: Int) throws -> Int? {
        try Self.send(handle: handle, pointer, count: count, server: server)
    }

    /// Receives up to `capacity` bytes.
    /// - Returns: the count (0 when the server closed the connection), or `nil` when nothing is
    ///   available yet (poll for `POLLIN`).
    func receive(into pointer: UnsafeMutableRawPointer, capacity: Int) throws -> Int? {
        try Self.receive(handle: handle, into: pointer, capacity: capacity, server: server)
    }

    fileprivate static func send(handle: CurlEasyHandle, _ pointer: UnsafeRawPointer, count: Int, server: String) throws -> Int? {
        var sent = 0
        let code = sortie_curl_easy_send(handle.raw, pointer, count, &sent)
        if code == CURLE_AGAIN { return nil }
        guard code == CURLE_OK else {
            throw TunnelError.connectionLost(server: server, detail: handle.error(code).message)
        }
        return sent
    }

    fileprivate static func receive(handle: CurlEasyHandle, into pointer: UnsafeMutableRawPointer, capacity: Int, server: String) throws -> Int? {
        var received = 0
        let code = sortie_curl_easy_recv(handle.raw, pointer, capacity, &received)
        if code == CURLE_AGAIN { return nil }
        guard code == CURLE_OK else {
            throw TunnelError.connectionLost(server: server, detail: handle.error(code).message)
        }
        return received
    }
}

/// Blocking send and receive over a connect-only handle, for the handshake: poll on `CURLE_AGAIN`.
private struct BlockingIO {
    let handle: CurlEasyHandle
    let socket: Int32
    let server: String
    let deadline: ContinuousClock.Instant
    let stop: StopSignal?

    func wait(for events: Int32) throws {
        if stop?.isRaised == true { throw CancellationError() }
        var fds = [pollfd(fd: socket, events: Int16(events), revents: 0),
                   pollfd(fd: stop?.readFD ?? -1, events: Int16(POLLIN), revents: 0)]
        SocketSupport.poll(&fds, timeout: SocketSupport.milliseconds(until: deadline))
        if stop?.isRaised == true { throw CancellationError() }
        if fds[0].revents == 0 {
            throw TunnelError.timedOut("waiting for the API server to answer the port-forward upgrade")
        }
    }

    func sendAll(_ bytes: [UInt8]) throws {
        var offset = 0
        try bytes.withUnsafeBytes { raw in
            while offset < raw.count {
                if let sent = try WebSocketConnection.send(handle: handle, raw.baseAddress! + offset, count: raw.count - offset, server: server) {
                    offset += sent
                } else {
                    try wait(for: POLLOUT)
                }
            }
        }
    }

    func receiveSome() throws -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: 16384)
        while true {
            let count = try buffer.withUnsafeMutableBytes { raw in
                try WebSocketConnection.receive(handle: handle, into: raw.baseAddress!, capacity: raw.count, server: server)
            }
            if let count { return Array(buffer[0..<count]) }
            try wait(for: POLLIN)
        }
    }
}
