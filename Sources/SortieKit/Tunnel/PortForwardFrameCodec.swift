/// The Kubernetes port-forward channel protocol over WebSocket (`v4.channel.k8s.io`), for one
/// port, with no I/O.
///
/// Every message starts with a channel byte: 0 carries data, 1 carries errors (for port index
/// i: 2i and 2i+1; sortiectl opens one port per WebSocket). The first two bytes the server
/// sends on each channel are the port, little-endian; the client never sends them. Feed it the
/// decoded message pieces; it answers where the pod's data is, and collects error text.
public struct PortForwardFrameCodec: Sendable {
    public static let dataChannel: UInt8 = 0
    public static let errorChannel: UInt8 = 1
    /// Error text beyond this is dropped (the kubelet's messages are a few hundred bytes).
    public static let maxErrorLength = 64 * 1024

    public enum Action: Sendable, Equatable {
        case none
        /// Pod data, as a range of the bytes passed to `receive(_:)`.
        case data(Range<Int>)
        /// The error channel's text, complete at the end of a message.
        case remoteError(String)
    }

    /// The pod port this stream forwards.
    public let port: UInt16
    private var channel: UInt8?
    private var prefixSeen: [Int] = [0, 0]
    private var prefix: [[UInt8]] = [[], []]
    private var errorText: [UInt8] = []

    public init(port: UInt16) { self.port = port }

    /// Whether the server has confirmed the port on the data channel (its first two bytes).
    public var isDataChannelConfirmed: Bool { prefixSeen[0] == 2 }

    /// A data or text message begins.
    public mutating func messageStarted() { channel = nil }

    /// Consumes a piece of the current message.
    /// - Throws: `TunnelError.protocolViolation` for an unknown channel or a port prefix that
    ///   names another port.
    public mutating func receive(_ bytes: UnsafeRawBufferPointer) throws -> Action {
        var offset = 0
        if channel == nil {
            guard bytes.count > 0 else { return .none }
            let value = bytes[0]
            guard value == Self.dataChannel || value == Self.errorChannel else {
                throw TunnelError.protocolViolation("port-forward message on unexpected channel \(value) (one port per connection uses channels 0 and 1)")
            }
            channel = value
            offset = 1
        }
        let index = Int(channel!)
        while prefixSeen[index] < 2, offset < bytes.count {
            prefix[index].append(bytes[offset])
            prefixSeen[index] += 1
            offset += 1
            if prefixSeen[index] == 2 {
                let announced = UInt16(prefix[index][0]) | UInt16(prefix[index][1]) << 8
                guard announced == port else {
                    throw TunnelError.protocolViolation("the server confirmed port \(announced) on channel \(index), expected \(port)")
                }
            }
        }
        guard offset < bytes.count else { return .none }
        if index == Int(Self.dataChannel) { return .data(offset..<bytes.count) }
        let room = Self.maxErrorLength - errorText.count
        if room > 0 { errorText += UnsafeRawBufferPointer(rebasing: bytes[offset..<min(bytes.count, offset + room)]) }
        return .none
    }

    /// The current message ended; reports collected error text.
    public mutating func messageEnded() -> Action {
        channel = nil
        guard !errorText.isEmpty else { return .none }
        defer { errorText.removeAll() }
        return .remoteError(String(decoding: errorText, as: UTF8.self))
    }
}
