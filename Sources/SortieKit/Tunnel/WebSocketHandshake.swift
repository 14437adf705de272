import Foundation

/// The client side of the RFC 6455 opening handshake (§4.1), with no I/O: builds the upgrade
/// request and checks the server's answer.
public struct WebSocketHandshake: Sendable {
    /// RFC 6455 §1.3: appended to the key before hashing.
    static let guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

    /// The `Sec-WebSocket-Key`: base64 of 16 random bytes.
    public let key: String
    /// The subprotocols offered, in order of preference.
    public let protocols: [String]

    public init(protocols: [String], key: String? = nil) {
        self.protocols = protocols
        self.key = key ?? Data((0..<16).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
    }

    /// The `Sec-WebSocket-Accept` value a server must answer for `key`.
    public static func acceptValue(for key: String) -> String {
        Data(SHA1.hash(Array((key + guid).utf8))).base64EncodedString()
    }

    /// The HTTP/1.1 upgrade request.
    /// - Parameters:
    ///   - host: the `Host` header (`host[:port]`).
    ///   - target: the path and query.
    ///   - headers: further headers (`Authorization`, `User-Agent`).
    public func request(host: String, target: String, headers: [(name: String, value: String)]) -> String {
        var lines = [
            "GET \(target) HTTP/1.1",
            "Host: \(host)",
            "Upgrade: websocket",
            "Connection: Upgrade",
            "Sec-WebSocket-Key: \(key)",
            "Sec-WebSocket-Version: 13",
        ]
        if !protocols.isEmpty { lines.append("Sec-WebSocket-Protocol: \(protocols.joined(separator: ", "))") }
        for (name, value) in headers { lines.append("\(name): \(value)") }
        return lines.joined(separator: "\r\n") + "\r\n\r\n"
    }

    /// An HTTP response head.
    public struct ResponseHead: Sendable, Equatable {
        public var status: Int
        public var reason: String
        /// Names lower-cased; repeated fields joined with ", ".
        public var headers: [String: String]
    }

    /// Parses a response head from the start of `bytes`.
    /// - Returns: the head and its length including the blank line, or `nil` while incomplete.
    /// - Throws: `TunnelError.protocolViolation` when the head is not HTTP or exceeds 64 KiB.
    public static func parseResponseHead(_ bytes: UnsafeRawBufferPointer) throws -> (head: ResponseHead, length: Int)? {
        var end: Int?
        if bytes.count >= 4 {
            for i in 0...(bytes.count - 4) where bytes[i] == 13 && bytes[i + 1] == 10 && bytes[i + 2] == 13 && bytes[i + 3] == 10 {
                end = i
                break
            }
        }
        guard let end else {
            if bytes.count > 65536 { throw TunnelError.protocolViolation("the server's response headers exceed 64 KiB") }
            return nil
        }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[0..<end]), as: UTF8.self)
        var lines = text.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst()
        let parts = statusLine.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let status = Int(parts[1]) else {
            throw TunnelError.protocolViolation("the server did not answer with HTTP/1.x (\"\(statusLine.prefix(60))\")")
        }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            headers[name] = headers[name].map { "\($0), \(value)" } ?? value
        }
        return (ResponseHead(status: status, reason: parts.count > 2 ? String(parts[2]) : "", headers: headers), end + 4)
    }

    /// Checks a `101 Switching Protocols` answer (§4.1, the client's checks 1–6).
    /// - Returns: the subprotocol the server chose (empty when it chose none).
    /// - Throws: `TunnelError.protocolViolation` naming the failed check.
    public func validate(_ head: ResponseHead) throws -> String {
        guard head.status == 101 else {
            throw TunnelError.protocolViolation("expected HTTP 101 Switching Protocols, got \(head.status)")
        }
        guard head.headers["upgrade"]?.lowercased() == "websocket" else {
            throw TunnelError.protocolViolation("the 101 answer lacks \"Upgrade: websocket\"")
        }
        guard head.headers["connection"]?.lowercased().split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces) == "upgrade" }) == true else {
            throw TunnelError.protocolViolation("the 101 answer lacks \"Connection: Upgrade\"")
        }
        guard head.headers["sec-websocket-accept"] == Self.acceptValue(for: key) else {
            throw TunnelError.protocolViolation("Sec-WebSocket-Accept does not match the key sent (a proxy in the way?)")
        }
        let chosen = head.headers["sec-websocket-protocol"] ?? ""
        if !chosen.isEmpty, !protocols.contains(chosen) {
            throw TunnelError.protocolViolation("the server chose subprotocol \"\(chosen)\", which was not offered")
        }
        if let extensions = head.headers["sec-websocket-extensions"], !extensions.isEmpty {
            throw TunnelError.protocolViolation("the server enabled extensions that were not offered (\(extensions))")
        }
        return chosen
    }
}
