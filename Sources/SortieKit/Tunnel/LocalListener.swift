import Foundation
import Synchronization

/// A listening TCP socket on a local address (`127.0.0.1:5900`; port 0 picks a free one) whose
/// accepted connections arrive as an async sequence. Accepting runs on a dedicated thread that
/// polls the socket and a stop pipe, so it never blocks the concurrency pool.
public final class LocalListener: Sendable {
    /// The address as bound.
    public let address: String
    /// The port as bound (the real one when 0 was asked for).
    public let port: UInt16
    private let fd: Int32
    private let stop: StopSignal
    private let started = Locked(false)

    /// Binds and listens.
    /// - Throws: `TunnelError.localSocket` (address in use, not a local address, …).
    public init(address: String = "127.0.0.1", port: UInt16) throws {
        let (fd, boundPort) = try SocketSupport.listen(address: address, port: port)
        self.fd = fd
        self.address = address
        self.port = boundPort
        self.stop = try StopSignal()
    }

    deinit {
        stop.raise()
        Glibc.close(fd)
    }

    /// `127.0.0.1:5900` (IPv6 in brackets).
    public var endpoint: String { address.contains(":") ? "[\(address)]:\(port)" : "\(address):\(port)" }

    /// Accepted connections (socket descriptors the receiver owns), until `close()` or the
    /// consuming task is cancelled. Iterate it once.
    public func connections() -> AsyncStream<Int32> {
        let (stream, continuation) = AsyncStream<Int32>.makeStream(bufferingPolicy: .unbounded)
        let alreadyStarted = started.withLock { was in defer { was = true }; return was }
        if alreadyStarted {
            continuation.finish()
            return stream
        }
        let fd = self.fd
        let stop = self.stop
        continuation.onTermination = { _ in stop.raise() }
        let thread = Thread {
            var fds = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0), pollfd(fd: stop.readFD, events: Int16(POLLIN), revents: 0)]
            while !stop.isRaised {
                fds[0].revents = 0
                SocketSupport.poll(&fds, timeout: -1)
                if stop.isRaised { break }
                while true {
                    let client = accept(fd, nil, nil)
                    if client < 0 { break }
                    var one: Int32 = 1
                    setsockopt(client, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
                    if case .terminated = continuation.yield(client) {
                        Glibc.close(client)
                        break
                    }
                }
            }
            continuation.finish()
        }
        thread.name = "sortie-listener-\(port)"
        thread.start()
        return stream
    }

    /// Stops accepting; connections already accepted are not affected.
    public func close() { stop.raise() }
}
