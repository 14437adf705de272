import Foundation
@testable import SortieKit
import SortieKitTesting
import Testing

/// Feeds whole messages (or pieces) to a codec and collects the data and errors it reports.
private func run(_ codec: inout PortForwardFrameCodec, messages: [[UInt8]], pieceSize: Int = .max) throws -> (data: [UInt8], errors: [String]) {
    var data: [UInt8] = []
    var errors: [String] = []
    for message in messages {
        codec.messageStarted()
        var offset = 0
        repeat {
            let end = min(message.count, offset + max(1, min(pieceSize, message.count)))
            let piece = Array(message[offset..<end])
            let action = try piece.withUnsafeBytes { try codec.receive($0) }
            if case .data(let range) = action { data += piece[range] }
            offset = end
        } while offset < message.count
        if case .remoteError(let text) = codec.messageEnded() { errors.append(text) }
    }
    return (data, errors)
}

@Suite("Port-forward channel protocol")
struct PortForwardFrameCodecTests {
    /// The real exchange recorded from a v1.36 API server decodes: port acks on channels 0 and 1,
    /// then the VNC server's banner on the data channel.
    @Test func theRecordedExchangeDecodes() throws {
        let object = try #require(try JSONSerialization.jsonObject(with: Fixtures.file("portforward-v4-websocket.json")) as? [String: Any])
        #expect(object["chosen_subprotocol"] as? String == "v4.channel.k8s.io")
        let frames = try #require(object["frames_from_server"] as? [[String: Any]])
        // Re-frame the recorded messages as the server sent them (unmasked binary frames) and
        // decode them with the frame decoder, then the channel codec, every byte split.
        let messages: [[UInt8]] = frames.map { frame in
            let hex = frame["hex"] as! String
            return stride(from: 0, to: hex.count, by: 2).map { i in
                let start = hex.index(hex.startIndex, offsetBy: i)
                return UInt8(hex[start..<hex.index(start, offsetBy: 2)], radix: 16)!
            }
        }
        var wire: [UInt8] = []
        for message in messages { wire += WebSocketFrameEncoder.encode(WebSocketFrame(opcode: .binary, payload: message), maskKey: nil) }
        var decoder = WebSocketFrameDecoder(role: .client)
        var codec = PortForwardFrameCodec(port: 5900)
        var data: [UInt8] = []
        var pending: [UInt8] = []
        for byte in wire {
            pending.append(byte)
            while true {
                let (event, consumed) = try pending.withUnsafeMutableBytes { try decoder.next($0) }
                let slice = pending
                pending.removeFirst(consumed)
                switch event {
                case .needMore: break
                case .messageStart: codec.messageStarted(); continue
                case .payload(let range):
                    let piece = Array(slice[range])
                    if case .data(let r) = try piece.withUnsafeBytes({ try codec.receive($0) }) { data += piece[r] }
                    continue
                case .messageEnd:
                    #expect(codec.messageEnded() == .none)
                    continue
                case .control: continue
                }
                break
            }
        }
        #expect(codec.isDataChannelConfirmed)
        #expect(String(decoding: data, as: UTF8.self) == "RFB 003.008\n")
    }

    @Test func portPrefixMayArriveWithDataOrSplit() throws {
        var codec = PortForwardFrameCodec(port: 5900)
        let result = try run(&codec, messages: [[0, 0x0c, 0x17, 0x41], [1, 0x0c], [1, 0x17], [0, 0x42, 0x43]], pieceSize: 1)
        #expect(result.data == [0x41, 0x42, 0x43])
        #expect(result.errors.isEmpty)
    }

    @Test func errorChannelTextBecomesARemoteError() throws {
        var codec = PortForwardFrameCodec(port: 5900)
        let text = "error forwarding port 5900 to pod abc, uid : failed to connect to localhost:5900: connect: connection refused"
        let result = try run(&codec, messages: [[0, 0x0c, 0x17], [1, 0x0c, 0x17], [1] + Array(text.utf8)], pieceSize: 10)
        #expect(result.data.isEmpty)
        #expect(result.errors == [text])
        let error = TunnelError.remote(port: 5900, message: text)
        #expect(error.description.hasPrefix("port-forward to pod port 5900 failed: error forwarding port 5900"))
    }

    @Test func aWrongPortOrChannelIsAProtocolError() {
        var codec = PortForwardFrameCodec(port: 5900)
        #expect(throws: TunnelError.self) { _ = try run(&codec, messages: [[0, 0x90, 0x1F]]) }   // port 8080
        var other = PortForwardFrameCodec(port: 5900)
        #expect(throws: TunnelError.self) { _ = try run(&other, messages: [[2, 0x0c, 0x17]]) }  // channel 2
    }
}
