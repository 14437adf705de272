import NIOCore
import NIOHTTP1

// Guards Hummingbird's own HTTP channel lacks (it handles HTTP errors only once a request
// head has been parsed); ``ServeChannel`` puts them in every connection's pipeline.

/// Closes the connection unless the first request head (up to its blank line) arrives in time;
/// then steps out of the pipeline.
final class RequestHeadDeadline: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    private let timeout: TimeAmount
    private var deadline: Scheduled<Void>?
    /// The last bytes seen, to find a blank line split across reads.
    private var tail: [UInt8] = []

    init(timeout: TimeAmount) { self.timeout = timeout }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        arm(context)
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var window = tail
        window.append(contentsOf: unwrapInboundIn(data).readableBytesView)
        let headComplete = Self.containsBlankLine(window)
        tail = Array(window.suffix(2))
        context.fireChannelRead(data)
        if headComplete {
            deadline?.cancel()
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        }
    }

    private func arm(_ context: ChannelHandlerContext) {
        guard deadline == nil else { return }
        let channel = context.channel
        deadline = context.eventLoop.scheduleTask(in: timeout) { channel.close(promise: nil) }
    }

    /// Whether the bytes hold the blank line that ends a request head: `\r\n\r\n`, or the
    /// bare `\n\n` / `\n\r\n` that lenient parsers accept too.
    static func containsBlankLine(_ bytes: [UInt8]) -> Bool {
        var index = 1
        while index < bytes.count {
            if bytes[index] == 0x0A {
                if bytes[index - 1] == 0x0A { return true }
                if index >= 2, bytes[index - 1] == 0x0D, bytes[index - 2] == 0x0A { return true }
            }
            index += 1
        }
        return false
    }
}

/// Answers bytes the HTTP parser rejects with `400 Bad Request` and closes the connection.
final class BadRequestCloser: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny
    typealias OutboundIn = NIOAny
    typealias OutboundOut = HTTPServerResponsePart

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard error is HTTPParserError || error is ByteToMessageDecoderError else {
            context.fireErrorCaught(error)
            return
        }
        let head = HTTPResponseHead(version: .http1_1, status: .badRequest,
                                    headers: ["connection": "close", "content-length": "0"])
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
    }
}
