import Foundation
@testable import SortieKit
import Testing

/// Decodes a byte stream fed in pieces of `split` bytes (0 = all at once), as the relay does:
/// unconsumed bytes are kept and more appended. Returns the messages and control frames seen.
private func decodeAll(_ bytes: [UInt8], split: Int = 0, role: WebSocketFrameDecoder.Role = .client,
                       maxFrameLength: UInt64 = 1 << 30) throws -> [WebSocketFrame] {
    var decoder = WebSocketFrameDecoder(role: role, maxFrameLength: maxFrameLength)
    var pending: [UInt8] = []
    var out: [WebSocketFrame] = []
    var current: WebSocketFrame?
    var offset = 0
    while offset < bytes.count || !pending.isEmpty {
        let step = split == 0 ? bytes.count : split
        let end = min(bytes.count, offset + step)
        pending += bytes[offset..<end]
        offset = end
        while true {
            let (event, consumed) = try pending.withUnsafeMutableBytes { raw in try decoder.next(raw) }
            var payload: [UInt8] = []
            if case .payload(let range) = event { payload = Array(pending[range]) }
            pending.removeFirst(consumed)
            switch event {
            case .needMore:
                break
            case .messageStart(let opcode):
                current = WebSocketFrame(opcode: opcode)
                continue
            case .payload:
                current?.payload += payload
                continue
            case .messageEnd:
                if let current { out.append(current) }
                current = nil
                continue
            case .control(let frame):
                out.append(frame)
                continue
            }
            break
        }
        if offset >= bytes.count { break }
    }
    #expect(pending.isEmpty, "undecoded bytes left: \(pending.count)")
    return out
}

@Suite("WebSocket frame codec")
struct WebSocketFrameDecoderTests {
    static let key: (UInt8, UInt8, UInt8, UInt8) = (0x37, 0xfa, 0x21, 0x3d)

    @Test func rfc6455Examples() throws {
        // §5.7: a single-frame unmasked text message "Hello".
        #expect(try decodeAll([0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f]) == [WebSocketFrame(opcode: .text, payload: Array("Hello".utf8))])
        // §5.7: the same, masked (as a client sends it).
        let masked: [UInt8] = [0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58]
        #expect(WebSocketFrameEncoder.encode(WebSocketFrame(opcode: .text, payload: Array("Hello".utf8)), maskKey: Self.key) == masked)
        #expect(try decodeAll(masked, role: .server) == [WebSocketFrame(opcode: .text, payload: Array("Hello".utf8))])
        // §5.7: a fragmented unmasked text message "Hel" + "lo".
        #expect(try decodeAll([0x01, 0x03, 0x48, 0x65, 0x6c, 0x80, 0x02, 0x6c, 0x6f]) == [WebSocketFrame(opcode: .text, payload: Array("Hello".utf8))])
        // §5.7: an unmasked ping with "Hello".
        #expect(try decodeAll([0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f]) == [WebSocketFrame(opcode: .ping, payload: Array("Hello".utf8))])
        // §5.7: 256 bytes (16-bit length) and 64 KiB (64-bit length) binary messages.
        let b256 = WebSocketFrameEncoder.encode(WebSocketFrame(opcode: .binary, payload: [UInt8](repeating: 1, count: 256)), maskKey: nil)
        #expect(Array(b256.prefix(4)) == [0x82, 0x7E, 0x01, 0x00])
        let b64k = WebSocketFrameEncoder.encode(WebSocketFrame(opcode: .binary, payload: [UInt8](repeating: 2, count: 65536)), maskKey: nil)
        #expect(Array(b64k.prefix(10)) == [0x82, 0x7F, 0, 0, 0, 0, 0, 1, 0, 0])
    }

    @Test func headerLengthsAreMinimal() {
        #expect(WebSocketFrameEncoder.headerLength(payloadCount: 125, masked: false) == 2)
        #expect(WebSocketFrameEncoder.headerLength(payloadCount: 126, masked: false) == 4)
        #expect(WebSocketFrameEncoder.headerLength(payloadCount: 65535, masked: true) == 8)
        #expect(WebSocketFrameEncoder.headerLength(payloadCount: 65536, masked: true) == 14)
    }

    /// A stream of every kind of frame, split at every possible byte boundary, decodes the same.
    @Test func framesSplitAtEveryByteBoundaryDecodeTheSame() throws {
        let big = (0..<70_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let frames: [WebSocketFrame] = [
            WebSocketFrame(opcode: .binary, payload: [0, 0x0c, 0x17]),
            WebSocketFrame(opcode: .ping, payload: Array("are you there".utf8)),
            WebSocketFrame(opcode: .binary, payload: Array(big.prefix(300))),
            WebSocketFrame(opcode: .binary, payload: []),
            WebSocketFrame(opcode: .pong, payload: []),
            WebSocketFrame.close(code: 1000, reason: "bye"),
        ]
        var stream = frames.flatMap { WebSocketFrameEncoder.encode($0, maskKey: nil) }
        // A fragmented message with a ping in the middle (§5.4 allows interleaved control frames).
        stream += WebSocketFrameEncoder.encode(WebSocketFrame(fin: false, opcode: .binary, payload: [1, 2, 3]), maskKey: nil)
        stream += WebSocketFrameEncoder.encode(WebSocketFrame(opcode: .ping, payload: [9]), maskKey: nil)
        stream += WebSocketFrameEncoder.encode(WebSocketFrame(fin: false, opcode: .continuation, payload: []), maskKey: nil)
        stream += WebSocketFrameEncoder.encode(WebSocketFrame(fin: true, opcode: .continuation, payload: [4, 5]), maskKey: nil)
        let expected = frames + [WebSocketFrame(opcode: .ping, payload: [9]), WebSocketFrame(opcode: .binary, payload: [1, 2, 3, 4, 5])]
        let whole = try decodeAll(stream)
        #expect(whole == expected)
        for split in 1...stream.count {
            let decoded = try decodeAll(stream, split: split)
            #expect(decoded == expected, "split every \(split) bytes")
            if decoded != expected { break }
        }
        // A large frame in uneven pieces.
        let large = WebSocketFrameEncoder.encode(WebSocketFrame(opcode: .binary, payload: big), maskKey: nil)
        for split in [1, 3, 1000, 65_537] {
            #expect(try decodeAll(large, split: split) == [WebSocketFrame(opcode: .binary, payload: big)])
        }
    }

    /// Client masking (word-wise, with any phase) round-trips through a server-role decoder.
    @Test(arguments: [0, 1, 5, 7, 8, 9, 31, 32, 33, 125, 126, 1000, 65_536, 100_003])
    func maskedFramesRoundTrip(size: Int) throws {
        let payload = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 13 &+ 5) }
        let key = WebSocketFrameEncoder.randomMaskKey()
        let frame = WebSocketFrameEncoder.encode(WebSocketFrame(opcode: .binary, payload: payload), maskKey: key)
        #expect(frame[1] & 0x80 != 0, "mask bit set")
        if size >= 16 { #expect(Array(frame.suffix(size)) != payload, "payload is masked on the wire") }
        #expect(try decodeAll(frame, split: 7, role: .server) == [WebSocketFrame(opcode: .binary, payload: payload)])
        // Masking in two pieces with a phase equals masking at once.
        var once = payload, twice = payload
        once.withUnsafeMutableBytes { WebSocketFrameEncoder.applyMask(key, to: $0) }
        twice.withUnsafeMutableBytes { raw in
            let cut = size / 3
            WebSocketFrameEncoder.applyMask(key, to: UnsafeMutableRawBufferPointer(rebasing: raw[0..<cut]))
            WebSocketFrameEncoder.applyMask(key, to: UnsafeMutableRawBufferPointer(rebasing: raw[cut...]), phase: cut)
        }
        #expect(once == twice)
    }

    @Test(arguments: [
        ([0xC2, 0x00], "reserved bits"),                          // RSV1 without an extension
        ([0x83, 0x00], "unknown opcode"),                         // opcode 3 is reserved
        ([0x82, 0x81, 1, 2, 3, 4, 0], "masked frame"),            // servers must not mask
        ([0x09, 0x00], "fragmented"),                             // a ping without FIN
        ([0x89, 0x7E, 0x00, 0x7E] + [UInt8](repeating: 0, count: 126), "at most 125"),
        ([0x80, 0x01, 0x00], "continuation frame without"),
        ([0x02, 0x01, 0x00, 0x82, 0x00], "before the previous one ended"),
        ([0x82, 0x7F, 0x80, 0, 0, 0, 0, 0, 0, 0], "most significant bit"),
        ([0x82, 0x7F, 0, 0, 0, 1, 0, 0, 0, 0], "exceeds the limit"),
        ([0x88, 0x01, 0x03], "1-byte payload"),
    ] as [([UInt8], String)])
    func garbageAndOversizedFramesAreProtocolErrors(bytes: [UInt8], message: String) {
        do {
            _ = try decodeAll(bytes, maxFrameLength: 1 << 20)
            Issue.record("decoded \(bytes) without an error")
        } catch let error as TunnelError {
            guard case .protocolViolation(let detail) = error else { Issue.record("\(error)"); return }
            #expect(detail.contains(message), "\(detail)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func unmaskedClientFramesAreRefusedByAServer() {
        #expect(throws: TunnelError.self) { _ = try decodeAll([0x82, 0x01, 0x00], role: .server) }
    }

    @Test func closeFramesCarryTheirCode() {
        #expect(WebSocketFrame.close(code: 1001, reason: "away").payload == [0x03, 0xE9] + Array("away".utf8))
    }
}

@Suite("WebSocket handshake")
struct WebSocketHandshakeTests {
    @Test func acceptValueMatchesRFC6455() {
        // RFC 6455 §1.3's example.
        #expect(WebSocketHandshake.acceptValue(for: "dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
    }

    @Test func requestOffersTheSubprotocols() {
        let handshake = WebSocketHandshake(protocols: ["v4.channel.k8s.io", "channel.k8s.io"], key: "dGhlIHNhbXBsZSBub25jZQ==")
        let text = handshake.request(host: "127.0.0.1:6443", target: "/api/v1/namespaces/default/pods/p/portforward?ports=5900",
                                     headers: [("Authorization", "Bearer t")])
        #expect(text.hasPrefix("GET /api/v1/namespaces/default/pods/p/portforward?ports=5900 HTTP/1.1\r\nHost: 127.0.0.1:6443\r\n"))
        #expect(text.contains("\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"))
        #expect(text.contains("\r\nSec-WebSocket-Protocol: v4.channel.k8s.io, channel.k8s.io\r\n"))
        #expect(text.hasSuffix("Authorization: Bearer t\r\n\r\n"))
    }

    @Test func validatesTheAnswer() throws {
        let handshake = WebSocketHandshake(protocols: ["v4.channel.k8s.io"], key: "dGhlIHNhbXBsZSBub25jZQ==")
        let good = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Protocol: v4.channel.k8s.io\r\n\r\n\u{0}\u{c}\u{17}"
        let parsed = try #require(try Array(good.utf8).withUnsafeBytes { try WebSocketHandshake.parseResponseHead($0) })
        #expect(parsed.length == good.utf8.count - 3)
        #expect(try handshake.validate(parsed.head) == "v4.channel.k8s.io")
        // Incomplete heads wait for more.
        #expect(try Array("HTTP/1.1 101 Switching".utf8).withUnsafeBytes { try WebSocketHandshake.parseResponseHead($0) } == nil)
        // A wrong accept value is refused.
        let bad = good.replacingOccurrences(of: "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", with: "cQUwAk6H1bAkbZkYx5b7DkLXdOg=")
        let badHead = try #require(try Array(bad.utf8).withUnsafeBytes { try WebSocketHandshake.parseResponseHead($0) })
        #expect(throws: TunnelError.self) { try handshake.validate(badHead.head) }
        // Not HTTP at all.
        #expect(throws: TunnelError.self) { try Array("SSH-2.0-OpenSSH\r\n\r\n".utf8).withUnsafeBytes { try WebSocketHandshake.parseResponseHead($0) } }
    }
}
