import Foundation

/// One local TCP connection relayed through its own port-forward WebSocket (as kubectl gives
/// every local connection its own stream), on a dedicated thread that polls both sockets.
public enum PortForwardStream {
    /// What a finished stream moved.
    public struct Summary: Sendable, Equatable {
        public var bytesToPod: Int
        public var bytesFromPod: Int

        public init(bytesToPod: Int, bytesFromPod: Int) {
            self.bytesToPod = bytesToPod
            self.bytesFromPod = bytesFromPod
        }
    }

    /// Opening the WebSocket failed; the local socket was left open so the caller may retry
    /// (after a 401 with refreshed credentials) or close it.
    public struct OpenError: Error, Sendable, CustomStringConvertible {
        public var underlying: any Error
        public var description: String { "\(underlying)" }
    }

    /// Opens the port-forward WebSocket and relays until either side ends, the task is cancelled
    /// (the stream then closes cleanly with a WebSocket close), or the connection breaks.
    ///
    /// A local client that disconnects is a normal end, not an error. The local socket is closed
    /// when the relay ends; if opening fails it stays open and `OpenError` is thrown.
    /// - Throws: `OpenError`; `TunnelError.remote` (the kubelet's error-channel text, e.g. the pod
    ///   port refused the connection), `.connectionLost`, `.protocolViolation`.
    public static func run(upgrade: WebSocketUpgradeRequest, localSocket: Int32, port: UInt16,
                           configuration: TunnelConfiguration) async throws -> Summary {
        let stop: StopSignal
        do { stop = try StopSignal() } catch { throw OpenError(underlying: error) }
        return try await withTaskCancellationHandler {
            try await SocketSupport.onThread(name: "sortie-portforward-\(port)") {
                let connection: WebSocketConnection
                do {
                    connection = try WebSocketConnection.open(upgrade, stop: stop)
                } catch {
                    throw OpenError(underlying: error)
                }
                let relay = PortForwardRelay(connection: connection, localSocket: localSocket, port: port,
                                             configuration: configuration, stop: stop)
                defer { relay.deallocate() }
                return try relay.run()
            }
        } onCancel: {
            stop.raise()
        }
    }
}

/// The relay loop of one stream. Confined to its thread; every socket is non-blocking, and a
/// direction is only read while the buffer towards the other side has room (bounded buffers,
/// backpressure both ways). Bytes are copied by the kernel and libcurl only: frames are built
/// around data read in place, and only the client mask touches each byte (eight at a time).
final class PortForwardRelay {
    private let connection: WebSocketConnection
    private let local: Int32
    private let port: UInt16
    private let configuration: TunnelConfiguration
    private let stop: StopSignal

    // Server → local.
    private let inbound: UnsafeMutableRawBufferPointer
    private var inStart = 0
    private var inEnd = 0
    private var localPending: Range<Int>?
    private var decoder = WebSocketFrameDecoder(role: .client)
    private var codec: PortForwardFrameCodec

    // Local → server: one data frame at a time, built in place.
    private let outbound: UnsafeMutableRawBufferPointer
    private var outStart = 0
    private var outEnd = 0
    private var controlQueue: [[UInt8]] = []
    private var controlInFlight: [UInt8] = []
    private var controlSent = 0

    private var localReadClosed = false
    private var localWriteClosed = false
    private var serverEOF = false
    private var closeReceived = false
    private var closeQueued = false
    private var lingerDeadline: ContinuousClock.Instant?
    private var remoteError: String?
    private var summary = PortForwardStream.Summary(bytesToPod: 0, bytesFromPod: 0)

    private static let headroom = WebSocketFrameEncoder.maxHeaderLength + 1

    init(connection: WebSocketConnection, localSocket: Int32, port: UInt16, configuration: TunnelConfiguration, stop: StopSignal) {
        self.connection = connection
        self.local = localSocket
        self.port = port
        self.configuration = configuration
        self.stop = stop
        self.codec = PortForwardFrameCodec(port: port)
        inbound = .allocate(byteCount: max(configuration.receiveBufferSize, connection.initialBytes.count), alignment: 16)
        outbound = .allocate(byteCount: Self.headroom + configuration.maxFramePayload, alignment: 16)
        connection.initialBytes.withUnsafeBytes { bytes in
            if let base = bytes.baseAddress { inbound.baseAddress!.copyMemory(from: base, byteCount: bytes.count) }
        }
        inEnd = connection.initialBytes.count
        SocketSupport.setNonBlocking(localSocket)
    }

    func deallocate() {
        inbound.deallocate()
        outbound.deallocate()
    }

    /// Relays until done; closes the local socket.
    func run() throws -> PortForwardStream.Summary {
        defer {
            shutdown(local, Int32(SHUT_RDWR))
            close(local)
        }
        while true {
            if stop.isRaised, !closeQueued { queueClose(code: 1000, reason: "sortiectl closing") }
            var progress = try writeLocal()
            progress = try decode() || progress
            progress = try receiveFromServer() || progress
            progress = readLocal() || progress
            var sendBlocked = false
            progress = try sendToServer(blocked: &sendBlocked) || progress
            if isFinished { break }
            if let lingerDeadline, ContinuousClock.now >= lingerDeadline { break }
            if !progress { wait(sendBlocked: sendBlocked) }
        }
        if let remoteError { throw TunnelError.remote(port: port, message: remoteError) }
        if serverEOF, !closeReceived, !closeQueued {
            throw TunnelError.connectionLost(server: connection.server, detail: "the server closed the connection without a WebSocket close")
        }
        return summary
    }

    private var isFinished: Bool {
        let outboundIdle = outStart == outEnd && controlInFlight.isEmpty && controlQueue.isEmpty
        if serverEOF { return localPending == nil || localWriteClosed }
        if closeReceived { return (localPending == nil || localWriteClosed) && outboundIdle }
        return false
    }

    private func queueClose(code: UInt16, reason: String) {
        guard !closeQueued else { return }
        closeQueued = true
        controlQueue.append(WebSocketFrameEncoder.encode(.close(code: code, reason: reason), maskKey: WebSocketFrameEncoder.randomMaskKey()))
        lingerDeadline = ContinuousClock.now + configuration.closeTimeout
    }

    // MARK: Server → local

    private func writeLocal() throws -> Bool {
        guard let range = localPending else { return false }
        if localWriteClosed { localPending = nil; return true }
        let sent = Glibc.send(local, inbound.baseAddress! + range.lowerBound, range.count, Int32(MSG_NOSIGNAL))
        if sent < 0 {
            if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR { return false }
            // The local client went away: say goodbye to the server.
            localWriteClosed = true
            localReadClosed = true
            localPending = nil
            queueClose(code: 1000, reason: "local client disconnected")
            return true
        }
        summary.bytesFromPod += sent
        localPending = sent == range.count ? nil : (range.lowerBound + sent)..<range.upperBound
        return true
    }

    private func decode() throws -> Bool {
        var progress = false
        while localPending == nil, !closeReceived {
            let (event, consumed) = try decoder.next(UnsafeMutableRawBufferPointer(rebasing: inbound[inStart..<inEnd]))
            let base = inStart
            inStart += consumed
            switch event {
            case .needMore:
                if inStart == inEnd {
                    inStart = 0
                    inEnd = 0
                } else if inEnd == inbound.count, inStart > 0 {
                    // A partial frame header at the end of the buffer: move it to the front.
                    let count = inEnd - inStart
                    inbound.baseAddress!.copyMemory(from: inbound.baseAddress! + inStart, byteCount: count)
                    inStart = 0
                    inEnd = count
                }
                return progress
            case .messageStart:
                codec.messageStarted()
            case .payload(let range):
                let piece = UnsafeRawBufferPointer(rebasing: inbound[(base + range.lowerBound)..<(base + range.upperBound)])
                if case .data(let data) = try codec.receive(piece), !localWriteClosed {
                    localPending = (base + range.lowerBound + data.lowerBound)..<(base + range.lowerBound + data.upperBound)
                }
            case .messageEnd:
                if case .remoteError(let text) = codec.messageEnded() {
                    remoteError = remoteError.map { $0 + "; " + text } ?? text
                }
            case .control(let frame):
                switch frame.opcode {
                case .ping:
                    controlQueue.append(WebSocketFrameEncoder.encode(WebSocketFrame(opcode: .pong, payload: frame.payload),
                                                                     maskKey: WebSocketFrameEncoder.randomMaskKey()))
                case .close:
                    closeReceived = true
                    let code = frame.payload.count >= 2 ? UInt16(frame.payload[0]) << 8 | UInt16(frame.payload[1]) : 1000
                    queueClose(code: code == 1005 ? 1000 : code, reason: "")
                default:
                    break
                }
            }
            progress = true
        }
        return progress
    }

    private func receiveFromServer() throws -> Bool {
        guard !serverEOF, !closeReceived, inEnd < inbound.count else { return false }
        guard let count = try connection.receive(into: inbound.baseAddress! + inEnd, capacity: inbound.count - inEnd) else { return false }
        if count == 0 {
            serverEOF = true
        } else {
            inEnd += count
        }
        return true
    }

    // MARK: Local → server

    private func readLocal() -> Bool {
        guard !localReadClosed, !closeQueued, outStart == outEnd else { return false }
        let payloadStart = Self.headroom
        let count = recv(local, outbound.baseAddress! + payloadStart, configuration.maxFramePayload, 0)
        if count < 0 {
            if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR { return false }
            localReadClosed = true
            localWriteClosed = true
            queueClose(code: 1000, reason: "local client disconnected")
            return true
        }
        if count == 0 {
            // The local client finished sending; the pod may still answer until the server closes.
            localReadClosed = true
            queueClose(code: 1000, reason: "local client closed")
            return true
        }
        let key = WebSocketFrameEncoder.randomMaskKey()
        let channelIndex = payloadStart - 1
        outbound[channelIndex] = PortForwardFrameCodec.dataChannel
        let header = WebSocketFrameEncoder.headerLength(payloadCount: count + 1, masked: true)
        outStart = channelIndex - header
        WebSocketFrameEncoder.writeHeader(to: outbound.baseAddress! + outStart, fin: true, opcode: .binary,
                                          payloadCount: count + 1, maskKey: key)
        WebSocketFrameEncoder.applyMask(key, to: UnsafeMutableRawBufferPointer(rebasing: outbound[channelIndex..<(payloadStart + count)]))
        outEnd = payloadStart + count
        summary.bytesToPod += count
        return true
    }

    private func sendToServer(blocked: inout Bool) throws -> Bool {
        var progress = false
        while !serverEOF {
            if controlInFlight.isEmpty, outStart == outEnd, !controlQueue.isEmpty {
                controlInFlight = controlQueue.removeFirst()
                controlSent = 0
            }
            if !controlInFlight.isEmpty {
                let sent = try controlInFlight.withUnsafeBytes { raw in
                    try connection.send(raw.baseAddress! + controlSent, count: raw.count - controlSent)
                }
                guard let sent else { blocked = true; return progress }
                controlSent += sent
                if controlSent == controlInFlight.count { controlInFlight = [] }
                progress = true
                continue
            }
            guard outStart < outEnd else { return progress }
            guard let sent = try connection.send(outbound.baseAddress! + outStart, count: outEnd - outStart) else {
                blocked = true
                return progress
            }
            outStart += sent
            if outStart == outEnd { outStart = 0; outEnd = 0 }
            progress = true
        }
        return progress
    }

    // MARK: Waiting

    private func wait(sendBlocked: Bool) {
        var localEvents: Int32 = 0
        if !localReadClosed, !closeQueued, outStart == outEnd { localEvents |= POLLIN }
        if localPending != nil, !localWriteClosed { localEvents |= POLLOUT }
        var serverEvents: Int32 = 0
        if !serverEOF, !closeReceived, inEnd < inbound.count { serverEvents |= POLLIN }
        if sendBlocked { serverEvents |= POLLOUT }
        var fds = [
            pollfd(fd: stop.isRaised ? -1 : stop.readFD, events: Int16(POLLIN), revents: 0),
            pollfd(fd: localEvents == 0 ? -1 : local, events: Int16(localEvents), revents: 0),
            pollfd(fd: serverEvents == 0 ? -1 : connection.socket, events: Int16(serverEvents), revents: 0),
        ]
        SocketSupport.poll(&fds, timeout: SocketSupport.milliseconds(until: lingerDeadline))
    }
}
