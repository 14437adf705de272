import NIOCore
import SortieKit

/// One end of a ``WebSocketRelay``: the last handler of a channel (the client's connection, or
/// the connection to the pod's websockify once its handshake is done). What it reads goes to
/// the relay, which writes it to the other end; it asks its channel for more only while the
/// other end can take it, so a slow reader slows the writer down instead of filling memory.
///
/// Until the relay is attached (the pod's connection is opened before the client's upgrade
/// completes), reads are held — at most one read's worth, since no further read is asked for.
final class SpliceHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Which connection this handler ends.
    enum Side: Sendable, CustomStringConvertible {
        case client, pod
        var description: String { self == .client ? "client" : "pod" }
    }

    let side: Side
    /// Follows the frames this side sends.
    var scanner: WebSocketFrameScanner
    /// Set while relaying; cleared when the relay ends (no reference cycle outlives it).
    var relay: WebSocketRelay?

    private var context: ChannelHandlerContext?
    private var held: [ByteBuffer] = []
    private var readPending = false
    /// Since when this side's channel has been refusing writes (its peer not reading).
    private(set) var unwritableSince: NIODeadline?

    init(side: Side, maxFramePayload: Int) {
        self.side = side
        self.scanner = WebSocketFrameScanner(sender: side == .client ? .client : .server, maxFramePayload: maxFramePayload)
    }

    // MARK: Channel events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        // Reads grow up to 256 KiB while a stream is busy (fewer system calls per byte; an idle
        // connection holds no read buffer at all), and a side may queue up to 256 KiB for a slow
        // peer before the other side stops being read.
        if let options = context.channel.syncOptions {
            try? options.setOption(.recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 2048, maximum: 256 * 1024))
            try? options.setOption(.writeBufferWaterMark, value: .init(low: 64 * 1024, high: 256 * 1024))
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        if let relay {
            relay.received(buffer, from: self)
        } else {
            held.append(buffer)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        relay?.readComplete(from: self)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        unwritableSince = context.channel.isWritable ? nil : .now()
        relay?.writabilityChanged(of: self)
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        relay?.closed(self)
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // The server's channels allow half-closure: the peer's FIN arrives as an event, and the
        // channel stays open until the relay closes it.
        if let event = event as? ChannelEvent, event == .inputClosed {
            if let relay { relay.closed(self) } else { context.close(promise: nil) }
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A reset or a failed write: this connection is over; closing it ends the relay.
        context.close(promise: nil)
    }

    func read(context: ChannelHandlerContext) {
        if let relay, relay.mayRead(self) {
            context.read()
        } else {
            readPending = true
        }
    }

    // MARK: Used by the relay

    /// Whether this side's connection is still open.
    var isActive: Bool { context?.channel.isActive ?? false }

    /// Whether this side's channel accepts writes without queueing past its high-water mark.
    var isWritable: Bool { context?.channel.isWritable ?? false }

    /// Hands the relay what was read before it was attached.
    func takeHeld() -> [ByteBuffer] {
        defer { held = [] }
        return held
    }

    func write(_ buffer: ByteBuffer) {
        context?.write(wrapOutboundOut(buffer), promise: nil)
    }

    func flush() {
        context?.flush()
    }

    /// Asks for the read that was held back while the other side was full.
    func resumeReading() {
        guard readPending, let context else { return }
        readPending = false
        context.read()
    }

    /// Closes once everything written so far has been sent, or after `linger` at the latest
    /// (a peer that stopped reading).
    func closeAfterFlushing(linger: TimeAmount) {
        guard let context, context.channel.isActive else { return }
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(ByteBuffer())).whenComplete { _ in channel.close(promise: nil) }
        context.eventLoop.scheduleTask(in: linger) { channel.close(promise: nil) }
    }

    func close() {
        context?.close(promise: nil)
    }
}
