/// How port-forward streams move bytes. The defaults suit VNC and bulk transfers alike.
public struct TunnelConfiguration: Sendable {
    /// Bytes buffered from the API server towards the local client, per stream. When full, the
    /// stream stops reading the server (backpressure: a slow local client slows the pod side).
    public var receiveBufferSize: Int
    /// The largest payload of one WebSocket frame sent to the server; also the most read from the
    /// local client before that frame is sent (backpressure the other way).
    public var maxFramePayload: Int
    /// How long to wait for the server's close frame after sending ours.
    public var closeTimeout: Duration
    /// The subprotocols offered, in order of preference (all use the same binary channel framing).
    public var protocols: [String]

    public init(receiveBufferSize: Int = 256 * 1024, maxFramePayload: Int = 128 * 1024,
                closeTimeout: Duration = .seconds(2),
                protocols: [String] = ["v4.channel.k8s.io", "channel.k8s.io"]) {
        self.receiveBufferSize = max(receiveBufferSize, 4096)
        self.maxFramePayload = max(maxFramePayload, 1024)
        self.closeTimeout = closeTimeout
        self.protocols = protocols
    }
}
