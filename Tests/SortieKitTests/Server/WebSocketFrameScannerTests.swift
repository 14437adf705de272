import Foundation
import NIOCore
import SortieKit
@testable import SortieServer
import Testing

/// The relay's frame scanner: it must follow frames split anywhere across reads, count only
/// data payload, know frame boundaries, and refuse what RFC 6455 forbids.
@Suite("serve: WebSocket frame scanner and handshake")
struct WebSocketFrameScannerTests {
    /// One frame's bytes: masked with a fixed key when `masked` (the payload is XORed as a client would).
    static func frame(_ opcode: UInt8, fin: Bool = true, payload: [UInt8], masked: Bool = true,
                      rsv: UInt8 = 0, declaredLength: UInt64? = nil) -> [UInt8] {
        var bytes: [UInt8] = [(fin ? 0x80 : 0) | rsv | opcode]
        let length = declaredLength ?? UInt64(payload.count)
        let maskBit: UInt8 = masked ? 0x80 : 0
        if length < 126 {
            bytes.append(maskBit | UInt8(length))
        } else if length <= 0xFFFF {
            bytes.append(maskBit | 126)
            bytes += [UInt8(length >> 8), UInt8(length & 0xFF)]
        } else {
            bytes.append(maskBit | 127)
            bytes += (0..<8).reversed().map { UInt8(truncatingIfNeeded: length >> (8 * UInt64($0))) }
        }
        let key: [UInt8] = [0x37, 0xFA, 0x21, 0x3D]
        if masked { bytes += key }
        bytes += payload.enumerated().map { masked ? $0.element ^ key[$0.offset % 4] : $0.element }
        return bytes
    }

    /// Feeds `bytes` in chunks of `chunk` bytes; returns the data bytes counted.
    static func scan(_ bytes: [UInt8], sender: WebSocketFrameScanner.Sender, chunk: Int,
                     max: Int = 1 << 20) throws(WebSocketFrameScanner.Violation) -> (Int, WebSocketFrameScanner) {
        var scanner = WebSocketFrameScanner(sender: sender, maxFramePayload: max)
        var counted = 0
        var start = 0
        while start < bytes.count {
            let end = min(bytes.count, start + chunk)
            counted += try scanner.scan(ByteBuffer(bytes: bytes[start..<end]))
            start = end
        }
        return (counted, scanner)
    }

    @Test("a valid stream is followed whatever the read sizes", arguments: [1, 2, 3, 7, 13, 64, 1 << 20])
    func validStream(chunk: Int) throws {
        for sender in [WebSocketFrameScanner.Sender.client, .server] {
            let masked = sender == .client
            let stream = Self.frame(0x1, payload: Array("hello".utf8), masked: masked)
                + Self.frame(0x2, payload: [UInt8](repeating: 7, count: 125), masked: masked)
                + Self.frame(0x2, payload: [UInt8](repeating: 8, count: 126), masked: masked)
                + Self.frame(0x2, payload: [UInt8](repeating: 9, count: 70_000), masked: masked)
                + Self.frame(0x2, payload: [], masked: masked)
                // A fragmented message with a ping between its fragments.
                + Self.frame(0x2, fin: false, payload: [1, 2, 3], masked: masked)
                + Self.frame(0x9, payload: [0xAA], masked: masked)
                + Self.frame(0x0, fin: false, payload: [4], masked: masked)
                + Self.frame(0x0, payload: [5, 6], masked: masked)
                + Self.frame(0x8, payload: [0x03, 0xE8], masked: masked)
            let (counted, scanner) = try Self.scan(stream, sender: sender, chunk: chunk)
            #expect(counted == 5 + 125 + 126 + 70_000 + 3 + 1 + 2, "control payloads are not data")
            #expect(scanner.isAtFrameBoundary)
            #expect(scanner.sawClose)
        }
    }

    @Test func boundaryIsKnownMidFrame() throws {
        let frame = Self.frame(0x2, payload: [1, 2, 3, 4], masked: false)
        var scanner = WebSocketFrameScanner(sender: .server, maxFramePayload: 1024)
        #expect(scanner.isAtFrameBoundary)
        _ = try scanner.scan(ByteBuffer(bytes: frame.prefix(1)))
        #expect(!scanner.isAtFrameBoundary, "inside a header")
        _ = try scanner.scan(ByteBuffer(bytes: frame[1..<4]))
        #expect(!scanner.isAtFrameBoundary, "inside a payload")
        #expect(try scanner.scan(ByteBuffer(bytes: frame[4...])) == 2)
        #expect(scanner.isAtFrameBoundary)
        #expect(!scanner.sawClose)
    }

    @Test("violations are refused with the right close code", arguments: [
        ("reserved bits", frame(0x2, payload: [1], rsv: 0x40), WebSocketFrameScanner.Sender.client, UInt16(1002)),
        ("unknown opcode", frame(0x3, payload: [1]), .client, 1002),
        ("unmasked client frame", frame(0x2, payload: [1], masked: false), .client, 1002),
        ("masked server frame", frame(0x2, payload: [1], masked: true), .server, 1002),
        ("long control frame", frame(0x9, payload: [UInt8](repeating: 0, count: 126)), .client, 1002),
        ("fragmented control frame", frame(0x9, fin: false, payload: [1]), .client, 1002),
        ("continuation outside a message", frame(0x0, payload: [1]), .client, 1002),
        ("message inside a fragmented one", frame(0x2, fin: false, payload: [1]) + frame(0x1, payload: [1]), .client, 1002),
        ("frame over the limit", frame(0x2, payload: [], declaredLength: 1025), .client, 1009),
        ("64-bit length with its top bit set", frame(0x2, payload: [], declaredLength: 1 << 63), .client, 1002),
    ])
    func violations(label: String, bytes: [UInt8], sender: WebSocketFrameScanner.Sender, code: UInt16) {
        for chunk in [1, bytes.count] {
            #expect(throws: WebSocketFrameScanner.Violation.self, "\(label)") {
                _ = try Self.scan(bytes, sender: sender, chunk: chunk, max: 1024)
            }
            do {
                _ = try Self.scan(bytes, sender: sender, chunk: chunk, max: 1024)
            } catch {
                #expect(error.closeCode == code, "\(label): \(error)")
            }
        }
    }

    @Test func sha1AndTheHandshakeAcceptValue() {
        func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }
        #expect(hex(SHA1.hash([])) == "da39a3ee5e6b4b0d3255bfef95601890afd80709")
        #expect(hex(SHA1.hash(Array("abc".utf8))) == "a9993e364706816aba3e25717850c26c9cd0d89d")
        #expect(hex(SHA1.hash(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)))
                == "84983e441c3bd26ebaae4aa1f95129e5e54670f1")
        // RFC 6455 §1.3's example.
        #expect(WebSocketHandshake.acceptValue(for: "dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
        #expect(WebSocketHandshake(protocols: []).key != WebSocketHandshake(protocols: []).key)
        #expect(Data(base64Encoded: WebSocketHandshake(protocols: []).key)?.count == 16)
    }

    @Test func closeFrameIsAServerFrameWithCodeAndShortReason() throws {
        let frame = WebSocketRelay.closeFrame(code: 1001, reason: String(repeating: "x", count: 200))
        let bytes = Array(frame.readableBytesView)
        #expect(bytes[0] == 0x88 && bytes[1] == 125 && bytes[2] == 0x03 && bytes[3] == 0xE9)
        var scanner = WebSocketFrameScanner(sender: .server, maxFramePayload: 1024)
        #expect(try scanner.scan(frame) == 0)
        #expect(scanner.sawClose && scanner.isAtFrameBoundary)
    }
}
