/// Follows the WebSocket frames (RFC 6455 §5.2) in one direction of a relayed byte stream
/// without copying or decoding them: it reads only the frame headers and skips the payloads
/// by counting. The relay forwards the bytes unchanged (a client's masked frames are valid
/// frames for websockify, websockify's unmasked frames are valid for the client), so this is
/// how it still enforces the protocol, counts payload bytes and knows where frames end
/// (`sortiectl serve`'s relay; a fuzz target).
///
/// Enforced: reserved bits clear (no extension is negotiated), known opcodes, control frames
/// whole and at most 125 bytes, continuations only inside a fragmented message, frames from
/// a client masked and frames from a server not, 64-bit lengths below 2⁶³, and the size limit.
public struct WebSocketFrameScanner: Sendable {
    /// Who sends the frames this scanner reads.
    public enum Sender: Sendable { case client, server }

    /// A protocol violation: the relay ends the connection.
    public struct Violation: Error, Sendable, Equatable, CustomStringConvertible {
        public let description: String
        /// The close code that says why (RFC 6455 §7.4.1): 1009 for a frame over the size
        /// limit, 1002 for anything else.
        public var closeCode: UInt16 = 1002
    }

    public let sender: Sender
    /// The largest payload accepted in one frame.
    public let maxFramePayload: UInt64

    /// Header bytes of the frame being read (a header is at most 14 bytes, and may be split
    /// across reads).
    private var header: (UInt8, UInt8) = (0, 0)
    private var headerBytesRead = 0
    /// How many header bytes this frame has: 2, plus 2 or 8 for the extended length, plus 4 for the mask.
    private var headerLength = 2
    private var extendedLength: UInt64 = 0
    /// The payload length of the frame whose header is being read.
    private var pendingPayloadLength: UInt64 = 0
    /// Payload bytes of the current frame not read yet.
    private var payloadRemaining: UInt64 = 0
    private var payloadIsData = false
    private var insideFragmentedMessage = false

    /// Whether a close frame has been seen.
    public private(set) var sawClose = false

    public init(sender: Sender, maxFramePayload: Int) {
        self.sender = sender
        self.maxFramePayload = UInt64(max(0, maxFramePayload))
    }

    /// Whether the bytes read so far end exactly at the end of a frame: only then may the relay
    /// put a frame of its own (a close) into this direction.
    public var isAtFrameBoundary: Bool { headerBytesRead == 0 && payloadRemaining == 0 }

    /// Reads `bytes` (the next bytes of the stream) and returns how many of them are payload
    /// of data frames (text, binary, continuation): the bytes the metrics count.
    public mutating func scan(_ bytes: UnsafeRawBufferPointer) throws(Violation) -> Int {
        var dataBytes = 0
        var index = 0
        let end = bytes.count
        while index < end {
            if payloadRemaining > 0 {
                let step = Int(min(payloadRemaining, UInt64(end - index)))
                payloadRemaining -= UInt64(step)
                if payloadIsData { dataBytes += step }
                index += step
                continue
            }
            // A header byte (the loop runs for headers only: at most 14 per frame).
            let byte = bytes[index]
            index += 1
            try headerByte(byte)
        }
        return dataBytes
    }

    /// ``scan(_:)`` over an array.
    public mutating func scan(_ bytes: [UInt8]) throws(Violation) -> Int {
        var result: Result<Int, Violation> = .success(0)
        bytes.withUnsafeBytes { raw in
            do throws(Violation) { result = .success(try scan(raw)) } catch { result = .failure(error) }
        }
        return try result.get()
    }

    private mutating func headerByte(_ byte: UInt8) throws(Violation) {
        let position = headerBytesRead
        headerBytesRead += 1
        switch position {
        case 0:
            header.0 = byte
            try checkFirstByte(byte)
        case 1:
            header.1 = byte
            let masked = byte & 0x80 != 0
            switch (sender, masked) {
            case (.client, false): throw Violation(description: "a client sent an unmasked frame")
            case (.server, true): throw Violation(description: "a server sent a masked frame")
            default: break
            }
            let length7 = byte & 0x7F
            headerLength = 2 + (length7 == 126 ? 2 : length7 == 127 ? 8 : 0) + (masked ? 4 : 0)
            extendedLength = 0
            if length7 < 126 {
                try finishLengthIfComplete(UInt64(length7))
            }
        default:
            let length7 = header.1 & 0x7F
            let lengthBytes = length7 == 126 ? 2 : length7 == 127 ? 8 : 0
            if position < 2 + lengthBytes {
                extendedLength = extendedLength << 8 | UInt64(byte)
                if position == 1 + lengthBytes {
                    if length7 == 127, extendedLength >> 63 != 0 {
                        throw Violation(description: "a frame length has its most significant bit set")
                    }
                    try finishLengthIfComplete(extendedLength)
                }
            }
        }
        if headerBytesRead == headerLength {
            try headerComplete()
        }
    }

    /// The length is known once its last byte is read; checks it against the limits.
    private mutating func finishLengthIfComplete(_ length: UInt64) throws(Violation) {
        let opcode = header.0 & 0x0F
        if opcode >= 0x8, length > 125 {
            throw Violation(description: "a control frame carries \(length) bytes (at most 125)")
        }
        if length > maxFramePayload {
            throw Violation(description: "a frame carries \(length) bytes (at most \(maxFramePayload))", closeCode: 1009)
        }
        pendingPayloadLength = length
    }

    private mutating func headerComplete() throws(Violation) {
        let opcode = header.0 & 0x0F
        let fin = header.0 & 0x80 != 0
        payloadIsData = opcode <= 0x2
        switch opcode {
        case 0x0:
            if fin { insideFragmentedMessage = false }
        case 0x1, 0x2:
            insideFragmentedMessage = !fin
        case 0x8:
            sawClose = true
        default:
            break
        }
        payloadRemaining = pendingPayloadLength
        pendingPayloadLength = 0
        headerBytesRead = 0
        headerLength = 2
    }

    private func checkFirstByte(_ byte: UInt8) throws(Violation) {
        if byte & 0x70 != 0 {
            throw Violation(description: "a frame has reserved bits set (no extension was negotiated)")
        }
        let opcode = byte & 0x0F
        let fin = byte & 0x80 != 0
        switch opcode {
        case 0x0:
            if !insideFragmentedMessage { throw Violation(description: "a continuation frame outside a fragmented message") }
        case 0x1, 0x2:
            if insideFragmentedMessage { throw Violation(description: "a new message began inside a fragmented one") }
        case 0x8, 0x9, 0xA:
            if !fin { throw Violation(description: "a fragmented control frame") }
        default:
            throw Violation(description: "unknown opcode \(opcode)")
        }
    }
}
