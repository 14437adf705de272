/// An incremental RFC 6455 frame decoder that streams data payloads instead of buffering them.
///
/// Feed it the bytes received so far; each `next(_:)` call returns one event and how many bytes
/// it consumed. Data payloads come out as ranges of the input (no copy), in as many pieces as
/// they arrive; control frames (≤ 125 bytes) come out whole, so the caller keeps unconsumed
/// bytes and calls again with more. Malformed input throws `TunnelError.protocolViolation`.
public struct WebSocketFrameDecoder: Sendable {
    /// Which side's frames are decoded: a client receives unmasked frames, a server masked ones.
    public enum Role: Sendable { case client, server }

    public enum Event: Sendable, Equatable {
        /// More input is needed before anything can be decoded.
        case needMore
        /// A text or binary message begins (its first frame's header was read).
        case messageStart(WebSocketOpcode)
        /// Bytes of the current message, as a range of the input passed to `next(_:)` (unmasked).
        case payload(Range<Int>)
        /// The current message is complete.
        case messageEnd
        /// A whole ping, pong or close frame.
        case control(WebSocketFrame)
    }

    public let role: Role
    /// Frames announcing more payload than this are refused (a garbage or hostile length).
    public let maxFrameLength: UInt64

    private var remaining: UInt64 = 0
    private var inFramePayload = false
    private var frameFin = false
    private var inMessage = false
    private var messageEndPending = false
    private var maskKey: (UInt8, UInt8, UInt8, UInt8)?
    private var maskPhase = 0

    public init(role: Role = .client, maxFrameLength: UInt64 = 1 << 30) {
        self.role = role
        self.maxFrameLength = maxFrameLength
    }

    /// Whether the decoder is between messages (a clean place for the stream to end).
    public var isIdle: Bool { !inMessage && !inFramePayload && !messageEndPending }

    /// Decodes the next event from the start of `input`.
    /// - Returns: the event, and how many bytes of `input` it consumed (drop them before the next call).
    /// - Throws: `TunnelError.protocolViolation` for reserved bits, unknown opcodes, bad masking,
    ///   oversized or fragmented control frames, oversized data frames, or misplaced continuations.
    public mutating func next(_ input: UnsafeMutableRawBufferPointer) throws -> (event: Event, consumed: Int) {
        if messageEndPending {
            messageEndPending = false
            inMessage = false
            return (.messageEnd, 0)
        }
        var offset = 0
        while true {
            let available = input.count - offset
            if inFramePayload {
                let count = Int(min(remaining, UInt64(available)))
                guard count > 0 else { return (.needMore, offset) }
                if let key = maskKey {
                    WebSocketFrameEncoder.applyMask(key, to: UnsafeMutableRawBufferPointer(rebasing: input[offset..<offset + count]), phase: maskPhase)
                    maskPhase = (maskPhase + count) & 3
                }
                remaining -= UInt64(count)
                if remaining == 0 {
                    inFramePayload = false
                    if frameFin { messageEndPending = true }
                }
                return (.payload(offset..<offset + count), offset + count)
            }
            guard available >= 2 else { return (.needMore, offset) }
            let b0 = input[offset], b1 = input[offset + 1]
            guard b0 & 0x70 == 0 else { throw TunnelError.protocolViolation("reserved bits set in a frame header (no extension was negotiated)") }
            guard let opcode = WebSocketOpcode(rawValue: b0 & 0x0F) else {
                throw TunnelError.protocolViolation("unknown opcode 0x\(String(b0 & 0x0F, radix: 16))")
            }
            let fin = b0 & 0x80 != 0
            let masked = b1 & 0x80 != 0
            switch (role, masked) {
            case (.client, true): throw TunnelError.protocolViolation("the server sent a masked frame")
            case (.server, false): throw TunnelError.protocolViolation("the client sent an unmasked frame")
            default: break
            }
            let length7 = b1 & 0x7F
            let lengthBytes = length7 == 126 ? 2 : (length7 == 127 ? 8 : 0)
            let headerLength = 2 + lengthBytes + (masked ? 4 : 0)
            guard available >= headerLength else { return (.needMore, offset) }
            var length = UInt64(length7)
            if lengthBytes > 0 {
                length = 0
                for i in 0..<lengthBytes { length = length << 8 | UInt64(input[offset + 2 + i]) }
                if lengthBytes == 8, length >> 63 != 0 {
                    throw TunnelError.protocolViolation("frame length has its most significant bit set")
                }
            }
            var key: (UInt8, UInt8, UInt8, UInt8)?
            if masked {
                let k = offset + 2 + lengthBytes
                key = (input[k], input[k + 1], input[k + 2], input[k + 3])
            }
            if opcode.isControl {
                guard fin else { throw TunnelError.protocolViolation("fragmented \(opcode) frame") }
                guard length <= 125 else { throw TunnelError.protocolViolation("\(opcode) frame of \(length) bytes (at most 125 allowed)") }
                let total = headerLength + Int(length)
                guard available >= total else { return (.needMore, offset) }
                let payloadRange = offset + headerLength..<offset + total
                if let key { WebSocketFrameEncoder.applyMask(key, to: UnsafeMutableRawBufferPointer(rebasing: input[payloadRange])) }
                let payload = [UInt8](UnsafeRawBufferPointer(rebasing: input[payloadRange]))
                if opcode == .close, payload.count == 1 {
                    throw TunnelError.protocolViolation("close frame with a 1-byte payload")
                }
                return (.control(WebSocketFrame(fin: true, opcode: opcode, payload: payload)), offset + total)
            }
            guard length <= maxFrameLength else {
                throw TunnelError.protocolViolation("frame of \(length) bytes exceeds the limit of \(maxFrameLength)")
            }
            let starts = opcode != .continuation
            if starts, inMessage { throw TunnelError.protocolViolation("a new \(opcode) message began before the previous one ended") }
            if !starts, !inMessage { throw TunnelError.protocolViolation("continuation frame without a message to continue") }
            offset += headerLength
            inMessage = true
            frameFin = fin
            remaining = length
            maskKey = key
            maskPhase = 0
            inFramePayload = length > 0
            if length == 0, fin { messageEndPending = true }
            if starts { return (.messageStart(opcode), offset) }
            // A continuation header: go straight on to its payload.
            if messageEndPending {
                messageEndPending = false
                inMessage = false
                return (.messageEnd, offset)
            }
        }
    }
}
