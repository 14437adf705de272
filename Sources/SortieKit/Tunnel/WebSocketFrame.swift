/// RFC 6455 §5.2 opcodes.
public enum WebSocketOpcode: UInt8, Sendable, Equatable {
    case continuation = 0x0
    case text = 0x1
    case binary = 0x2
    case close = 0x8
    case ping = 0x9
    case pong = 0xA

    /// Close, ping and pong: at most 125 bytes, never fragmented (§5.5).
    public var isControl: Bool { rawValue & 0x8 != 0 }
}

/// One whole WebSocket frame, for control frames and tests. The data path never builds these:
/// it encodes headers in front of payloads already in place (see `WebSocketFrameEncoder`).
public struct WebSocketFrame: Sendable, Equatable {
    public var fin: Bool
    public var opcode: WebSocketOpcode
    public var payload: [UInt8]

    public init(fin: Bool = true, opcode: WebSocketOpcode, payload: [UInt8] = []) {
        self.fin = fin
        self.opcode = opcode
        self.payload = payload
    }

    /// A close frame with a status code (RFC 6455 §7.4) and a short reason.
    public static func close(code: UInt16 = 1000, reason: String = "") -> WebSocketFrame {
        WebSocketFrame(opcode: .close, payload: [UInt8(code >> 8), UInt8(code & 0xFF)] + Array(reason.utf8.prefix(123)))
    }
}

/// Writes RFC 6455 frame headers and applies the client mask, in place, word by word.
public enum WebSocketFrameEncoder {
    /// The largest header: 2 bytes, 8 bytes of extended length, 4 bytes of mask key.
    public static let maxHeaderLength = 14

    /// The header length for a payload of `count` bytes (minimal length encoding, §5.2).
    public static func headerLength(payloadCount count: Int, masked: Bool) -> Int {
        let base = count < 126 ? 2 : (count <= 0xFFFF ? 4 : 10)
        return base + (masked ? 4 : 0)
    }

    /// Writes a frame header at `destination` and returns its length.
    /// - Parameter maskKey: the four masking bytes (clients must mask, §5.3); `nil` for none.
    @discardableResult
    public static func writeHeader(to destination: UnsafeMutableRawPointer, fin: Bool, opcode: WebSocketOpcode,
                                   payloadCount count: Int, maskKey: (UInt8, UInt8, UInt8, UInt8)?) -> Int {
        let bytes = destination.assumingMemoryBound(to: UInt8.self)
        bytes[0] = (fin ? 0x80 : 0) | opcode.rawValue
        let maskBit: UInt8 = maskKey == nil ? 0 : 0x80
        var index: Int
        if count < 126 {
            bytes[1] = maskBit | UInt8(count)
            index = 2
        } else if count <= 0xFFFF {
            bytes[1] = maskBit | 126
            bytes[2] = UInt8(count >> 8)
            bytes[3] = UInt8(count & 0xFF)
            index = 4
        } else {
            bytes[1] = maskBit | 127
            let length = UInt64(count)
            for i in 0..<8 { bytes[2 + i] = UInt8(truncatingIfNeeded: length >> (56 - 8 * UInt64(i))) }
            index = 10
        }
        if let key = maskKey {
            bytes[index] = key.0; bytes[index + 1] = key.1; bytes[index + 2] = key.2; bytes[index + 3] = key.3
            index += 4
        }
        return index
    }

    /// XORs `buffer` with the mask key (§5.3), eight bytes at a time.
    /// - Parameter phase: the payload offset of `buffer[0]` (for payloads masked in pieces).
    public static func applyMask(_ key: (UInt8, UInt8, UInt8, UInt8), to buffer: UnsafeMutableRawBufferPointer, phase: Int = 0) {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        let keyBytes = [key.0, key.1, key.2, key.3]
        let count = buffer.count
        // The key rotated so that word-aligned reads line up with the payload offset.
        var rotated = [UInt8](repeating: 0, count: 8)
        for i in 0..<8 { rotated[i] = keyBytes[(phase + i) & 3] }
        let word = rotated.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
        var offset = 0
        while offset + 32 <= count {
            base.storeBytes(of: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self) ^ word, toByteOffset: offset, as: UInt64.self)
            base.storeBytes(of: base.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self) ^ word, toByteOffset: offset + 8, as: UInt64.self)
            base.storeBytes(of: base.loadUnaligned(fromByteOffset: offset + 16, as: UInt64.self) ^ word, toByteOffset: offset + 16, as: UInt64.self)
            base.storeBytes(of: base.loadUnaligned(fromByteOffset: offset + 24, as: UInt64.self) ^ word, toByteOffset: offset + 24, as: UInt64.self)
            offset += 32
        }
        while offset + 8 <= count {
            base.storeBytes(of: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self) ^ word, toByteOffset: offset, as: UInt64.self)
            offset += 8
        }
        let bytes = base.assumingMemoryBound(to: UInt8.self)
        while offset < count {
            bytes[offset] ^= rotated[offset & 7]
            offset += 1
        }
    }

    /// A fresh random mask key (RFC 6455 requires an unpredictable key per frame).
    public static func randomMaskKey() -> (UInt8, UInt8, UInt8, UInt8) {
        let value = UInt32.random(in: .min ... .max)
        return (UInt8(truncatingIfNeeded: value), UInt8(truncatingIfNeeded: value >> 8),
                UInt8(truncatingIfNeeded: value >> 16), UInt8(truncatingIfNeeded: value >> 24))
    }

    /// Encodes a whole frame into a new array (control frames, tests).
    public static func encode(_ frame: WebSocketFrame, maskKey: (UInt8, UInt8, UInt8, UInt8)?) -> [UInt8] {
        let header = headerLength(payloadCount: frame.payload.count, masked: maskKey != nil)
        var out = [UInt8](repeating: 0, count: header + frame.payload.count)
        out.withUnsafeMutableBytes { raw in
            let base = raw.baseAddress!
            writeHeader(to: base, fin: frame.fin, opcode: frame.opcode, payloadCount: frame.payload.count, maskKey: maskKey)
            frame.payload.withUnsafeBytes { payload in
                if let source = payload.baseAddress { (base + header).copyMemory(from: source, byteCount: payload.count) }
            }
            if let maskKey {
                applyMask(maskKey, to: UnsafeMutableRawBufferPointer(rebasing: raw[header...]))
            }
        }
        return out
    }
}
