import Foundation
import SortieKit
import HTTPTypes
import Logging
import NIOCore
import NIOPosix
import Synchronization
import WSClient

/// What `sortiectl connect --server` needs from a `sortiectl serve`: the session (REST API,
/// bearer token) and its VNC WebSocket. For users without Kubernetes credentials.
public struct SortieServerClient: Sendable {
    /// The server's base URL (`https://sortie.example.com`, `http://127.0.0.1:8080`).
    public let baseURL: URL
    public let token: String?
    /// The REST calls go through the same libcurl transport as the Kubernetes client.
    let transport: any KubeTransport

    /// A server answer other than success, with the server's own error code and message.
    public struct ServerError: Error, Sendable, CustomStringConvertible {
        public var status: Int
        public var code: String?
        public var message: String
        public var description: String { "the server answered \(status)\(code.map { " (\($0))" } ?? ""): \(message)" }
    }

    public init(baseURL: URL, token: String?, transport: any KubeTransport = CurlTransport(configuration: .init())) {
        self.baseURL = baseURL
        self.token = token
        self.transport = transport
    }

    /// The session with this id, or the only one whose id starts with it (or whose pod has that name).
    public func session(matching text: String) async throws -> [String: any Sendable] {
        do {
            return try object(try await get("/api/sessions/\(text)"))
        } catch let error as ServerError where error.status == 404 {
            let data = try await get("/api/sessions")
            let all = (try JSONSerialization.jsonObject(with: data) as? [[String: Any]]) ?? []
            let matches = all.filter { ($0["id"] as? String)?.hasPrefix(text) == true || ($0["pod_name"] as? String) == text }
            guard matches.count == 1 else {
                throw ServerError(status: 404, code: "not_found",
                                  message: matches.isEmpty ? "no session matches \(text)" : "\(matches.count) sessions match \(text); give more of the id")
            }
            return matches[0].compactMapValues { Self.sendable($0) }
        }
    }

    /// `ws(s)://HOST/ws/sessions/{id}`.
    public func webSocketURL(sessionID: String) -> String {
        var components = URLComponents(url: baseURL, resolvingAgainstBaseURL: false) ?? URLComponents()
        components.scheme = components.scheme?.lowercased() == "https" ? "wss" : "ws"
        let base = components.path.hasSuffix("/") ? String(components.path.dropLast()) : components.path
        components.path = base + "/ws/sessions/\(sessionID)"
        components.query = nil
        return components.string ?? ""
    }

    func get(_ path: String) async throws -> Data {
        var components = URLComponents(url: baseURL, resolvingAgainstBaseURL: false) ?? URLComponents()
        let base = components.path.hasSuffix("/") ? String(components.path.dropLast()) : components.path
        components.path = base + path
        guard let url = components.url else { throw ServerError(status: 0, code: nil, message: "bad server URL \(baseURL)") }
        var headers = [(name: "Accept", value: "application/json")]
        if let token { headers.append((name: "Authorization", value: "Bearer \(token)")) }
        let response = try await transport.send(TransportRequest(method: .get, url: url.absoluteString, headers: headers,
                                                                 timeout: .seconds(30)))
        let (status, data) = (response.status, response.body)
        guard (200..<300).contains(status) else {
            let body = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
            throw ServerError(status: status, code: body?["error"] as? String,
                              message: body?["message"] as? String ?? String(decoding: data.prefix(200), as: UTF8.self))
        }
        return data
    }

    func object(_ data: Data) throws -> [String: any Sendable] {
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw ServerError(status: 200, code: nil, message: "not a JSON object")
        }
        return object.compactMapValues { Self.sendable($0) }
    }

    static func sendable(_ value: Any) -> (any Sendable)? {
        switch value {
        case let text as String: text
        case let number as NSNumber: number.doubleValue
        default: nil
        }
    }
}

/// Carries local TCP connections (a VNC viewer's) to a session over `sortiectl serve`'s
/// `/ws/sessions/{id}` WebSocket: each connection gets a WebSocket of its own, the bytes travel
/// as binary messages (websockify style, raw RFB). Backpressure both ways: a direction reads only
/// after its previous write completed.
public struct ServerSessionTunnel: Sendable {
    public let client: SortieServerClient
    public let sessionID: String
    let logger: Logger
    /// Reported port in events (the session's VNC port).
    static let vncPort: UInt16 = 5900

    public init(client: SortieServerClient, sessionID: String, logger: Logger = Logger(label: "sortie.connect")) {
        self.client = client
        self.sessionID = sessionID
        self.logger = logger
    }

    /// Serves `listener` until the calling task is cancelled.
    public func serve(_ listener: LocalListener, onEvent: @escaping @Sendable (PortForwardTunnel.Event) -> Void = { _ in }) async {
        await withDiscardingTaskGroup { group in
            var next = 0
            for await socket in listener.connections() {
                next += 1
                let id = next
                group.addTask { await self.forward(socket, connection: id, onEvent: onEvent) }
            }
        }
    }

    /// Relays one accepted local connection until either side closes; closes the socket.
    public func forward(_ socket: Int32, connection id: Int, onEvent: @escaping @Sendable (PortForwardTunnel.Event) -> Void = { _ in }) async {
        let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
        do {
            channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton).withConnectedSocket(socket) { channel in
                channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
            }
        } catch {
            onEvent(.failed(connection: id, port: Self.vncPort, error: error))
            return
        }
        var headers = HTTPFields()
        headers[.secWebSocketProtocol] = "binary"
        if let token = client.token { headers[.authorization] = "Bearer \(token)" }
        let configuration = WebSocketClientConfiguration(maxFrameSize: 1 << 20, additionalHeaders: headers,
                                                         autoPing: .disabled, validateUTF8: false)
        let url = client.webSocketURL(sessionID: sessionID)
        let logger = self.logger
        do {
            let summary = try await channel.executeThenClose { localInbound, localOutbound in
                let counts = ByteCounts()
                let close = try await WebSocketClient.connect(url: url, configuration: configuration, logger: logger) { inbound, outbound, _ in
                    onEvent(.opened(connection: id, port: Self.vncPort))
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        group.addTask {
                            for try await buffer in localInbound {
                                counts.add(toPod: buffer.readableBytes)
                                try await outbound.write(.binary(buffer))
                            }
                        }
                        group.addTask {
                            for try await frame in inbound {
                                counts.add(fromPod: frame.data.readableBytes)
                                try await localOutbound.write(frame.data)
                            }
                        }
                        try await group.next()
                        group.cancelAll()
                    }
                }
                if let close, close.closeCode != .normalClosure, close.closeCode != .goingAway {
                    throw SortieServerClient.ServerError(status: 101, code: "websocket_closed",
                                                         message: "the server closed the session's WebSocket: \(close.closeCode)\(close.reason.map { " \($0)" } ?? "")")
                }
                return counts.summary
            }
            onEvent(.closed(connection: id, port: Self.vncPort, summary: summary))
        } catch {
            // Cancelled (the command is ending): a normal close, not a failure.
            if error is CancellationError || Task.isCancelled {
                onEvent(.closed(connection: id, port: Self.vncPort, summary: .init(bytesToPod: 0, bytesFromPod: 0)))
            } else {
                onEvent(.failed(connection: id, port: Self.vncPort, error: error))
            }
        }
    }

    final class ByteCounts: Sendable {
        private let counts = Locked(PortForwardStream.Summary(bytesToPod: 0, bytesFromPod: 0))
        func add(toPod: Int = 0, fromPod: Int = 0) { counts.withLock { $0.bytesToPod += toPod; $0.bytesFromPod += fromPod } }
        var summary: PortForwardStream.Summary { counts.withLock { $0 } }
    }
}
