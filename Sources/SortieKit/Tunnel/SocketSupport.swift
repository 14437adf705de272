import Foundation
import Synchronization

/// Wakes a thread blocked in `poll(2)`: a self-pipe plus a flag, so async code (a cancelled task,
/// a signal handler's task) can stop a relay or an accept loop without touching its sockets.
final class StopSignal: Sendable {
    private let raised = Atomic<Bool>(false)
    /// The read end, to include in a poll set (readable once raised).
    let readFD: Int32
    private let writeFD: Int32

    init() throws {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { throw TunnelError.localSocket(operation: "create a pipe for", address: "the tunnel", errno: errno) }
        readFD = fds[0]
        writeFD = fds[1]
        _ = SocketSupport.setNonBlocking(readFD)
        _ = SocketSupport.setNonBlocking(writeFD)
    }

    deinit {
        close(readFD)
        close(writeFD)
    }

    var isRaised: Bool { raised.load(ordering: .acquiring) }

    /// Raises the flag and wakes the poller; safe to call more than once, from any thread.
    func raise() {
        guard !raised.exchange(true, ordering: .acquiringAndReleasing) else { return }
        var byte: UInt8 = 1
        _ = write(writeFD, &byte, 1)
    }
}

/// Small POSIX helpers shared by the listener, the relay and the RFB client.
enum SocketSupport {
    @discardableResult
    static func setNonBlocking(_ fd: Int32) -> Bool {
        let flags = fcntl(fd, F_GETFL)
        return flags >= 0 && fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0
    }

    /// Waits for events on `fds`; negative fds are ignored (poll's own rule). Retries on EINTR.
    /// - Parameter timeout: milliseconds; -1 waits for ever.
    static func poll(_ fds: inout [pollfd], timeout: Int32) {
        while true {
            let result = fds.withUnsafeMutableBufferPointer { Glibc.poll($0.baseAddress, nfds_t($0.count), timeout) }
            if result >= 0 || errno != EINTR { return }
        }
    }

    /// Milliseconds until `deadline` (at least 0), or -1 without one.
    static func milliseconds(until deadline: ContinuousClock.Instant?) -> Int32 {
        guard let deadline else { return -1 }
        let left = ContinuousClock.now.duration(to: deadline)
        if left <= .zero { return 0 }
        return Int32(clamping: left.milliseconds + 1)
    }

    /// Runs blocking work on a thread of its own and returns its result, so blocking I/O never
    /// occupies the Swift concurrency pool.
    static func onThread<T: Sendable>(name: String, _ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                do { continuation.resume(returning: try work()) } catch { continuation.resume(throwing: error) }
            }
            thread.name = name
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    /// Connects a TCP socket to `host:port` (numeric IPv4 or IPv6), blocking for at most `timeout`.
    static func connect(host: String, port: UInt16, timeout: Duration) throws -> Int32 {
        var hints = addrinfo()
        hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var info: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &info) == 0, let first = info else {
            throw TunnelError.localSocket(operation: "resolve", address: "\(host):\(port)", errno: EINVAL)
        }
        defer { freeaddrinfo(info) }
        let fd = socket(first.pointee.ai_family, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TunnelError.localSocket(operation: "create a socket for", address: "\(host):\(port)", errno: errno) }
        setNonBlocking(fd)
        if Glibc.connect(fd, first.pointee.ai_addr, first.pointee.ai_addrlen) != 0 {
            guard errno == EINPROGRESS else {
                let code = errno
                close(fd)
                throw TunnelError.localSocket(operation: "connect to", address: "\(host):\(port)", errno: code)
            }
            var fds = [pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)]
            poll(&fds, timeout: Int32(clamping: timeout.milliseconds))
            var error: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
            if fds[0].revents == 0 || error != 0 {
                close(fd)
                throw TunnelError.localSocket(operation: "connect to", address: "\(host):\(port)", errno: error == 0 ? ETIMEDOUT : error)
            }
        }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        return fd
    }

    /// Binds and listens on a numeric address (port 0 = any free port); the socket is non-blocking.
    /// - Returns: the socket and the port as bound.
    static func listen(address: String, port: UInt16, backlog: Int32 = 128) throws -> (fd: Int32, port: UInt16) {
        let display = address.contains(":") ? "[\(address)]:\(port)" : "\(address):\(port)"
        var hints = addrinfo()
        hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var info: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(address, String(port), &hints, &info) == 0, let first = info else {
            throw TunnelError.localSocket(operation: "listen on", address: display + " (not a numeric IP address)", errno: EINVAL)
        }
        defer { freeaddrinfo(info) }
        let fd = socket(first.pointee.ai_family, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TunnelError.localSocket(operation: "create a socket for", address: display, errno: errno) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        guard bind(fd, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0, Glibc.listen(fd, backlog) == 0 else {
            let code = errno
            close(fd)
            throw TunnelError.localSocket(operation: "listen on", address: display, errno: code)
        }
        setNonBlocking(fd)
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        // sin_port and sin6_port sit at the same offset.
        let boundPort = withUnsafePointer(to: &storage) { pointer -> UInt16 in
            pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { UInt16(bigEndian: $0.pointee.sin_port) }
        }
        return (fd, boundPort)
    }
}
