import Foundation
import SortieKit
import HTTPTypes
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOWebSocket
import WSClient

/// Reaches websockify at the pod IP (`ws://POD_IP:6080/websockify`): for a server running inside
/// the cluster network. Frames are forwarded as they arrive — opcode, FIN and payload buffer
/// unchanged (fragmented messages stay fragmented), masking done by the client side — and each
/// write is awaited, so a slow reader slows the writer down instead of filling memory.
public struct DirectUpstream: SessionUpstream {
    let port: Int
    /// Largest frame accepted from websockify.
    let maxFrameSize: Int

    public init(port: Int = 6080, maxFrameSize: Int = 1 << 20) {
        self.port = port
        self.maxFrameSize = maxFrameSize
    }

    public func relay(pod: Pod, subprotocol: String?, inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter,
                      meter: RelayMeter, logger: Logger) async throws {
        guard let ip = pod.status?.podIP, !ip.isEmpty else { throw SessionUpstreamError.noPodIP(pod: pod.metadata.name ?? "") }
        let host = ip.contains(":") ? "[\(ip)]" : ip
        var headers = HTTPFields()
        if let subprotocol { headers[.secWebSocketProtocol] = subprotocol }
        let configuration = WebSocketClientConfiguration(maxFrameSize: maxFrameSize, additionalHeaders: headers,
                                                         autoPing: .disabled, validateUTF8: false)
        try await WebSocketClient.connect(url: "ws://\(host):\(port)/websockify", configuration: configuration, logger: logger) {
            upstreamInbound, upstreamOutbound, _ in
            try await FramePump.run(client: inbound, clientWriter: outbound, upstream: upstreamInbound,
                                    upstreamWriter: upstreamOutbound, meter: meter)
        }
    }

    static func frame(_ frame: WebSocketDataFrame) -> NIOWebSocket.WebSocketFrame {
        let opcode: NIOWebSocket.WebSocketOpcode = switch frame.opcode {
        case .text: .text
        case .binary: .binary
        case .continuation: .continuation
        }
        return NIOWebSocket.WebSocketFrame(fin: frame.fin, opcode: opcode, data: frame.data)
    }
}
