import Foundation

/// What a VNC server said in the RFB handshake.
public struct RFBServerInfo: Sendable, Equatable, CustomStringConvertible {
    /// The banner, e.g. `RFB 003.008`.
    public var version: String
    /// Security types offered (1 = None, 2 = VNC authentication, …).
    public var securityTypes: [UInt8]

    public var description: String {
        "\(version), security types: " + securityTypes.map { "\(RFBClient.securityTypeName($0)) (\($0))" }.joined(separator: ", ")
    }
}

/// A framebuffer as RGB bytes.
public struct RFBImage: Sendable {
    public var width: Int
    public var height: Int
    /// `width * height * 3` bytes, rows top to bottom.
    public var rgb: [UInt8]
    /// The desktop name the server announced.
    public var name: String
}

/// Where an ``RFBClient`` reads and writes: a socket, or bytes in memory (tests, fuzzing).
public protocol RFBByteStream: AnyObject {
    /// Reads what is available into `buffer`, waiting for some; 0 means the peer closed.
    func receive(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
    /// Writes every byte.
    func send(_ bytes: [UInt8]) throws
}

/// A minimal RFB (VNC, RFC 6143) client: the handshake, security type None, one full framebuffer
/// update in raw encoding at 32 bits per pixel. Blocking: run it on a dedicated thread
/// (`RFBClient.probe`/`screenshot` do). Whatever the server says, memory stays bounded: the
/// screen is at most ``maximumScreenSide`` pixels a side and skipped payloads (cut text, colour
/// maps) are read in small chunks, never allocated whole.
public final class RFBClient {
    /// The largest framebuffer side accepted (8K screens fit; the RGB image is at most 192 MiB).
    public static let maximumScreenSide = 8192
    private let stream: any RFBByteStream
    private var buffer: [UInt8] = []
    private var bufferStart = 0
    private var scratch = [UInt8](repeating: 0, count: 65536)

    public init(stream: any RFBByteStream) {
        self.stream = stream
    }

    /// Connects to a VNC server and reads its version and security types, then disconnects.
    /// - Throws: `TunnelError.rfb` (not RFB, closed), `.timedOut`, `.localSocket`.
    public static func probe(host: String, port: UInt16, timeout: Duration = .seconds(15)) async throws -> RFBServerInfo {
        try await SocketSupport.onThread(name: "sortie-rfb-probe") {
            let socket = RFBSocketStream(fd: try SocketSupport.connect(host: host, port: port, timeout: timeout), deadline: .now + timeout)
            return try RFBClient(stream: socket).handshake().info
        }
    }

    /// Connects, authenticates with security type None, asks for one full framebuffer update in raw
    /// encoding and returns it as RGB.
    /// - Throws: `TunnelError.rfbUnsupported` when the server requires a password, `.rfb`, `.timedOut`.
    public static func screenshot(host: String, port: UInt16, timeout: Duration = .seconds(30)) async throws -> RFBImage {
        try await SocketSupport.onThread(name: "sortie-rfb-screenshot") {
            let socket = RFBSocketStream(fd: try SocketSupport.connect(host: host, port: port, timeout: timeout), deadline: .now + timeout)
            return try RFBClient(stream: socket).captureFramebuffer()
        }
    }

    static func securityTypeName(_ type: UInt8) -> String {
        switch type {
        case 0: "Invalid"
        case 1: "None"
        case 2: "VNC authentication"
        case 5: "RA2"
        case 16: "Tight"
        case 18: "TLS"
        case 19: "VeNCrypt"
        case 30: "Apple remote desktop"
        default: "type \(type)"
        }
    }

    // MARK: Protocol

    /// Reads the server's banner and security types (and answers with the version spoken).
    public func handshake() throws -> (info: RFBServerInfo, minor: Int) {
        let banner = try read(12)
        guard banner.starts(with: Array("RFB ".utf8)), banner.last == 0x0A,
              let major = Int(String(decoding: banner[4..<7], as: UTF8.self)),
              let minor = Int(String(decoding: banner[8..<11], as: UTF8.self)), major == 3 else {
            throw TunnelError.rfb("the server did not send an RFB banner (got \(String(decoding: banner, as: UTF8.self).debugDescription)) — is this port a VNC server?")
        }
        let version = String(decoding: banner.dropLast(), as: UTF8.self)
        // Speak 3.8 to servers of 3.8 or later, else what they speak (3.3 and 3.7).
        let chosenMinor = minor >= 8 ? 8 : (minor >= 7 ? 7 : 3)
        try write(Array(String(format: "RFB 003.%03d\n", chosenMinor).utf8))
        var types: [UInt8]
        if chosenMinor >= 7 {
            let count = Int(try read(1)[0])
            if count == 0 { throw TunnelError.rfb("the server refused the connection: \(try readReason())") }
            types = try read(count)
        } else {
            let type = try readUInt32()
            if type == 0 { throw TunnelError.rfb("the server refused the connection: \(try readReason())") }
            types = [UInt8(truncatingIfNeeded: type)]
        }
        return (RFBServerInfo(version: version, securityTypes: types), chosenMinor)
    }

    private func readReason() throws -> String {
        let length = Int(try readUInt32())
        let shown = min(length, 4096)
        let reason = String(decoding: try read(shown), as: UTF8.self)
        try skip(length - shown)
        return reason
    }

    /// The whole exchange of ``screenshot(host:port:timeout:)`` on this client's stream.
    public func captureFramebuffer() throws -> RFBImage {
        let (info, minor) = try handshake()
        guard info.securityTypes.contains(1) else {
            if info.securityTypes.contains(2) {
                throw TunnelError.rfbUnsupported("the VNC server requires a password (VNC authentication); sortiectl only connects without one (security type None)")
            }
            throw TunnelError.rfbUnsupported("no supported security type offered (\(info))")
        }
        if minor >= 7 { try write([1]) }
        if minor >= 8 {
            let result = try readUInt32()
            if result != 0 { throw TunnelError.rfb("security handshake failed: \(try readReason())") }
        }
        try write([1])  // ClientInit: shared, so other viewers stay connected
        let width = Int(try readUInt16())
        let height = Int(try readUInt16())
        _ = try read(16)  // the server's pixel format; ours replaces it
        let nameLength = Int(try readUInt32())
        let name = String(decoding: try read(min(nameLength, 65536)), as: UTF8.self)
        try skip(nameLength - min(nameLength, 65536))
        guard width > 0, height > 0, width <= Self.maximumScreenSide, height <= Self.maximumScreenSide else {
            throw TunnelError.rfb("implausible framebuffer size \(width)x\(height)")
        }
        // SetPixelFormat: 32 bpp, depth 24, little-endian, true colour, 8 bits per channel at R<<16 | G<<8 | B.
        try write([0, 0, 0, 0, 32, 24, 0, 1, 0, 255, 0, 255, 0, 255, 16, 8, 0, 0, 0, 0])
        // SetEncodings: raw only.
        try write([2, 0, 0, 1, 0, 0, 0, 0])
        try requestUpdate(width: width, height: height)

        var rgb = [UInt8](repeating: 0, count: width * height * 3)
        var covered = 0
        while covered < width * height {
            let type = try read(1)[0]
            switch type {
            case 0:  // FramebufferUpdate
                _ = try read(1)
                let rectangles = Int(try readUInt16())
                for _ in 0..<rectangles {
                    let x = Int(try readUInt16()), y = Int(try readUInt16())
                    let w = Int(try readUInt16()), h = Int(try readUInt16())
                    let encoding = Int32(bitPattern: try readUInt32())
                    guard encoding == 0 else { throw TunnelError.rfb("the server sent encoding \(encoding) although only raw was asked for") }
                    guard x + w <= width, y + h <= height else { throw TunnelError.rfb("rectangle \(w)x\(h)+\(x)+\(y) outside the \(width)x\(height) screen") }
                    // Row by row: the buffer never holds more than one row of the rectangle.
                    for row in 0..<h {
                        let pixels = try read(w * 4)
                        pixels.withUnsafeBufferPointer { source in
                            rgb.withUnsafeMutableBufferPointer { target in
                                var t = ((y + row) * width + x) * 3
                                for s in stride(from: 0, to: w * 4, by: 4) {
                                    // Little-endian 0x00RRGGBB: bytes B, G, R, 0.
                                    target[t] = source[s + 2]
                                    target[t + 1] = source[s + 1]
                                    target[t + 2] = source[s]
                                    t += 3
                                }
                            }
                        }
                    }
                    covered += w * h
                }
                if covered < width * height { try requestUpdate(width: width, height: height) }
            case 1:  // SetColourMapEntries
                _ = try read(3)
                let count = Int(try readUInt16())
                try skip(count * 6)
            case 2:  // Bell
                break
            case 3:  // ServerCutText
                _ = try read(3)
                try skip(Int(try readUInt32()))
            default:
                throw TunnelError.rfb("unknown server message type \(type)")
            }
        }
        return RFBImage(width: width, height: height, rgb: rgb, name: name)
    }

    private func requestUpdate(width: Int, height: Int) throws {
        try write([3, 0, 0, 0, 0, 0, UInt8(width >> 8), UInt8(width & 0xFF), UInt8(height >> 8), UInt8(height & 0xFF)])
    }

    // MARK: Bytes

    private func readUInt16() throws -> UInt16 {
        let bytes = try read(2)
        return UInt16(bytes[0]) << 8 | UInt16(bytes[1])
    }

    private func readUInt32() throws -> UInt32 {
        let bytes = try read(4)
        return UInt32(bytes[0]) << 24 | UInt32(bytes[1]) << 16 | UInt32(bytes[2]) << 8 | UInt32(bytes[3])
    }

    /// Exactly `count` bytes (callers bound `count`: at most one row of pixels, 32 KiB).
    private func read(_ count: Int) throws -> [UInt8] {
        try fill(count)
        let out = Array(buffer[bufferStart..<(bufferStart + count)])
        bufferStart += count
        compact()
        return out
    }

    /// Reads and drops `count` bytes without holding more than one chunk of them.
    private func skip(_ count: Int) throws {
        var left = count
        while left > 0 {
            let step = min(left, scratch.count)
            try fill(step)
            bufferStart += step
            left -= step
            compact()
        }
    }

    /// Receives until `count` unread bytes are buffered.
    private func fill(_ count: Int) throws {
        while buffer.count - bufferStart < count {
            let received = try scratch.withUnsafeMutableBytes { try stream.receive(into: $0) }
            if received == 0 { throw TunnelError.rfb("the server closed the connection") }
            buffer += scratch[0..<received]
        }
    }

    private func compact() {
        if bufferStart == buffer.count {
            buffer.removeAll(keepingCapacity: buffer.capacity <= 1 << 20)
            bufferStart = 0
        } else if bufferStart > 1 << 20 {
            buffer.removeFirst(bufferStart)
            bufferStart = 0
        }
    }

    private func write(_ bytes: [UInt8]) throws {
        try stream.send(bytes)
    }
}

/// A connected, non-blocking socket with a deadline for the whole exchange.
final class RFBSocketStream: RFBByteStream {
    private let fd: Int32
    private let deadline: ContinuousClock.Instant

    init(fd: Int32, deadline: ContinuousClock.Instant) {
        self.fd = fd
        self.deadline = deadline
    }

    deinit { close(fd) }

    func receive(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            let received = recv(fd, buffer.baseAddress, buffer.count, 0)
            if received >= 0 { return received }
            guard errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR else {
                throw TunnelError.rfb("reading from the server failed: \(String(cString: strerror(errno)))")
            }
            try wait(POLLIN)
        }
    }

    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes { Foundation.send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            if sent < 0 {
                guard errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR else {
                    throw TunnelError.rfb("writing to the server failed: \(String(cString: strerror(errno)))")
                }
                try wait(POLLOUT)
                continue
            }
            offset += sent
        }
    }

    private func wait(_ events: Int32) throws {
        var fds = [pollfd(fd: fd, events: Int16(events), revents: 0)]
        SocketSupport.poll(&fds, timeout: SocketSupport.milliseconds(until: deadline))
        if fds[0].revents == 0 { throw TunnelError.timedOut("waiting for the VNC server") }
    }
}

/// Server bytes given up front; what the client writes is dropped. For tests and fuzzing.
public final class RFBMemoryStream: RFBByteStream {
    private let bytes: [UInt8]
    private var offset = 0

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public func receive(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let count = min(buffer.count, bytes.count - offset)
        if count > 0 {
            bytes.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress! + offset, byteCount: count) }
        }
        offset += count
        return count
    }

    public func send(_ bytes: [UInt8]) throws {}
}
