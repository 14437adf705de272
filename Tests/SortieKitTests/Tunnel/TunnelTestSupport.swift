import Foundation
@testable import SortieKit
import SortieKitTesting
import Synchronization

/// A TCP echo server on a free loopback port: one blocking thread per connection.
final class EchoServer: Sendable {
    let port: UInt16
    private let fd: Int32
    private let stopped = Atomic<Bool>(false)

    init() throws {
        (fd, port) = try SocketSupport.listen(address: "127.0.0.1", port: 0)
        let fd = self.fd
        let thread = Thread {
            while true {
                var fds = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0)]
                SocketSupport.poll(&fds, timeout: 200)
                let client = accept(fd, nil, nil)
                if client < 0 {
                    if errno == EAGAIN || errno == EWOULDBLOCK { continue }
                    return
                }
                let worker = Thread { EchoServer.echo(client) }
                worker.start()
            }
        }
        thread.start()
    }

    private static func echo(_ client: Int32) {
        let flags = fcntl(client, F_GETFL)
        _ = fcntl(client, F_SETFL, flags & ~O_NONBLOCK)
        var buffer = [UInt8](repeating: 0, count: 256 * 1024)
        defer { close(client) }
        while true {
            let count = buffer.withUnsafeMutableBytes { read(client, $0.baseAddress, $0.count) }
            if count <= 0 { return }
            var offset = 0
            while offset < count {
                let sent = buffer.withUnsafeBytes { send(client, $0.baseAddress! + offset, count - offset, Int32(MSG_NOSIGNAL)) }
                if sent <= 0 { return }
                offset += sent
            }
        }
    }

    func stop() {
        guard !stopped.exchange(true, ordering: .relaxed) else { return }
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
    }

    deinit { stop() }
}

/// A streaming 64-bit hash over 8-byte words (FNV-style multiply-xor), fast enough in debug
/// builds for hundreds of megabytes, independent of how the stream was chunked.
struct StreamHasher {
    private(set) var state: UInt64 = 0xcbf2_9ce4_8422_2325
    private(set) var count = 0
    private var carry: [UInt8] = []

    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        var offset = 0
        count += bytes.count
        while !carry.isEmpty, carry.count < 8, offset < bytes.count {
            carry.append(bytes[offset])
            offset += 1
        }
        if carry.count == 8 {
            mix(carry.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
            carry.removeAll(keepingCapacity: true)
        }
        guard let base = bytes.baseAddress else { return }
        while offset + 8 <= bytes.count {
            mix(base.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            offset += 8
        }
        while offset < bytes.count {
            carry.append(bytes[offset])
            offset += 1
        }
    }

    private mutating func mix(_ word: UInt64) {
        state = (state ^ word) &* 0x100_0000_01b3
        state ^= state >> 29
    }

    /// The digest of everything so far (the tail bytes included).
    var digest: UInt64 {
        var copy = self
        for byte in carry { copy.mix(UInt64(byte) | 0x100) }
        return copy.state ^ UInt64(count)
    }
}

/// Deterministic test data: a 1 MiB pseudo-random block, read at an offset that depends on the seed.
enum TestData {
    static let block: [UInt8] = {
        var generator = SplitMix(seed: 0x5eed)
        return (0..<(1 << 20)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
    }()

    struct SplitMix: RandomNumberGenerator {
        var seed: UInt64
        mutating func next() -> UInt64 {
            seed &+= 0x9e37_79b9_7f4a_7c15
            var z = seed
            z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
            z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
            return z ^ (z >> 31)
        }
    }
}

/// What a client saw when pushing bytes through a tunnel to an echo server.
struct EchoOutcome: Sendable {
    var sentHash: UInt64
    var receivedHash: UInt64
    var received: Int
}

enum EchoClient {
    /// Connects to `port`, writes `total` bytes (on a second thread) while reading the echo, and
    /// hashes both directions. Blocking; call it through `SocketSupport.onThread`.
    static func pump(port: UInt16, total: Int, seed: Int, chunk: Int = 200_000) throws -> EchoOutcome {
        let fd = try SocketSupport.connect(host: "127.0.0.1", port: port, timeout: .seconds(5))
        let flags = fcntl(fd, F_GETFL)
        _ = fcntl(fd, F_SETFL, flags & ~O_NONBLOCK)
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        defer { close(fd) }
        let sentHash = Locked<UInt64>(0)
        let writerDone = DispatchSemaphore(value: 0)
        let writer = Thread {
            var hasher = StreamHasher()
            var offset = 0
            var position = (seed * 7919) % TestData.block.count
            TestData.block.withUnsafeBytes { block in
                while offset < total {
                    let count = min(chunk, total - offset, block.count - position)
                    let piece = UnsafeRawBufferPointer(rebasing: block[position..<position + count])
                    var done = 0
                    while done < count {
                        let sent = send(fd, piece.baseAddress! + done, count - done, Int32(MSG_NOSIGNAL))
                        if sent <= 0 { offset = total; break }
                        done += sent
                    }
                    hasher.update(piece)
                    offset += count
                    position = (position + count) % block.count
                }
            }
            sentHash.withLock { $0 = hasher.digest }
            writerDone.signal()
        }
        writer.start()
        var hasher = StreamHasher()
        var buffer = [UInt8](repeating: 0, count: 256 * 1024)
        while hasher.count < total {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            buffer.withUnsafeBytes { hasher.update(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
        }
        shutdown(fd, Int32(SHUT_RDWR))
        writerDone.wait()
        return EchoOutcome(sentHash: sentHash.withLock { $0 }, receivedHash: hasher.digest, received: hasher.count)
    }

    /// Sends `message` and reads back exactly as many bytes.
    static func roundTrip(port: UInt16, message: [UInt8]) throws -> [UInt8] {
        let outcome = try pumpBytes(port: port, message: message)
        return outcome
    }

    private static func pumpBytes(port: UInt16, message: [UInt8]) throws -> [UInt8] {
        let fd = try SocketSupport.connect(host: "127.0.0.1", port: port, timeout: .seconds(5))
        let flags = fcntl(fd, F_GETFL)
        _ = fcntl(fd, F_SETFL, flags & ~O_NONBLOCK)
        var timeout = timeval(tv_sec: 20, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        defer { close(fd) }
        let copy = message
        let writer = Thread {
            copy.withUnsafeBytes { raw in
                var done = 0
                while done < raw.count {
                    let sent = send(fd, raw.baseAddress! + done, raw.count - done, Int32(MSG_NOSIGNAL))
                    if sent <= 0 { return }
                    done += sent
                }
            }
        }
        writer.start()
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while received.count < message.count {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            received += buffer[0..<count]
        }
        return received
    }
}
