import CCurl
import Foundation
import Synchronization

/// Receives what one transfer produces, on the loop thread.
protocol CurlTransferSink: AnyObject {
    /// Response headers are complete (status line and fields, names lower-cased).
    func didReceiveHead(status: Int, headers: [String: String])
    /// A chunk of body bytes, valid only during the call.
    func didReceive(_ bytes: UnsafeRawBufferPointer)
    /// The transfer ended: `nil` for success, else the failure.
    func didComplete(_ error: CurlError?)
}

/// One transfer in flight: its easy handle plus the sink that gets its bytes.
///
/// Created by a caller, then owned by the loop thread alone: that hand-off through the loop's
/// locked command queue is why it can be `@unchecked Sendable`.
final class CurlTransfer: @unchecked Sendable {
    let handle: CurlEasyHandle
    let sink: any CurlTransferSink
    private var status = 0
    private var headers: [String: String] = [:]
    private var headDelivered = false

    init(handle: CurlEasyHandle, sink: any CurlTransferSink) throws {
        self.handle = handle
        self.sink = sink
        let context = Unmanaged.passUnretained(self).toOpaque()
        try handle.setWriteCallback(curlTransferWrite, context: context)
        try handle.setHeaderCallback(curlTransferHeader, context: context)
    }

    fileprivate func header(_ line: String) {
        let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix("HTTP/") {
            // A new header block (after 100 Continue, or a proxy's CONNECT answer) starts afresh.
            let parts = trimmed.split(separator: " ", maxSplits: 2)
            status = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
            headers = [:]
        } else if trimmed.isEmpty {
            if status >= 200 || status == 101 { deliverHead() }
        } else if let colon = trimmed.firstIndex(of: ":") {
            let name = trimmed[..<colon].lowercased()
            let value = trimmed[trimmed.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            headers[name] = value
        }
    }

    fileprivate func deliverHead() {
        guard !headDelivered else { return }
        headDelivered = true
        sink.didReceiveHead(status: status, headers: headers)
    }

    fileprivate func body(_ bytes: UnsafeRawBufferPointer) {
        deliverHead()
        sink.didReceive(bytes)
    }

    func complete(_ code: CURLcode) {
        if code == CURLE_OK {
            if !headDelivered { status = handle.responseCode; deliverHead() }
            sink.didComplete(nil)
        } else {
            sink.didComplete(handle.error(code))
        }
    }
}

private func curlTransferWrite(_ ptr: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?) -> Int {
    guard let ptr, let context else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    transfer.body(UnsafeRawBufferPointer(start: ptr, count: length))
    return length
}

private func curlTransferHeader(_ ptr: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?) -> Int {
    guard let ptr, let context else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    let line = String(decoding: UnsafeRawBufferPointer(start: ptr, count: length), as: UTF8.self)
    transfer.header(line)
    return length
}

/// A libcurl multi handle driven by one dedicated thread, so no Swift concurrency thread ever
/// blocks on the network. The multi handle keeps a connection cache: keep-alive connections
/// (and HTTP/2 multiplexing where the server offers it) are reused across requests.
final class CurlMultiLoop: Sendable {
    private enum Command {
        case add(CurlTransfer)
        case cancel(ObjectIdentifier)
        case stop
    }

    /// The raw multi handle; used only on the loop thread, except `curl_multi_wakeup`, which
    /// libcurl documents as callable from any thread.
    private struct MultiPointer: @unchecked Sendable { let raw: UnsafeMutableRawPointer? }

    /// Commands from any thread to the loop thread.
    private final class CommandQueue: Sendable {
        let queue = Locked<[Command]>([])
        func push(_ command: Command) { queue.withLock { $0.append(command) } }
        func drain() -> [Command] { queue.withLock { q in defer { q.removeAll() }; return q } }
    }

    private let multi: MultiPointer
    private let commands = CommandQueue()

    init(maxConnectionsPerHost: Int = 16) {
        _ = CurlGlobal.initialized
        // nil when libcurl could not be loaded: then no easy handle can be made either, and
        // CurlEasyHandle reports why before any transfer gets here (`start` fails any that does).
        multi = MultiPointer(raw: sortie_curl_multi_init())
        guard let raw = multi.raw else { return }
        _ = sortie_multi_setopt_long(raw, CURLMOPT_MAX_HOST_CONNECTIONS, maxConnectionsPerHost)
        let multi = self.multi
        let commands = self.commands
        let thread = Thread { CurlMultiLoop.run(multi: multi, commands: commands) }
        thread.name = "sortie-curl"
        thread.start()
    }

    deinit {
        commands.push(.stop)
        if let raw = multi.raw { sortie_curl_multi_wakeup(raw) }
    }

    /// Starts a transfer; its sink hears back on the loop thread (or at once, failed, when there
    /// is no multi handle: libcurl could not be loaded or could not make one).
    func start(_ transfer: CurlTransfer) {
        guard let raw = multi.raw else {
            transfer.complete(CURLE_FAILED_INIT)
            return
        }
        commands.push(.add(transfer))
        sortie_curl_multi_wakeup(raw)
    }

    /// Aborts a transfer; its sink is told it completed with `CURLE_ABORTED_BY_CALLBACK`.
    func cancel(_ transfer: CurlTransfer) {
        commands.push(.cancel(ObjectIdentifier(transfer)))
        if let raw = multi.raw { sortie_curl_multi_wakeup(raw) }
    }

    private static func run(multi: MultiPointer, commands: CommandQueue) {
        var active: [UnsafeMutableRawPointer: CurlTransfer] = [:]
        var stopping = false
        while !stopping || !active.isEmpty {
            for command in commands.drain() {
                switch command {
                case .add(let transfer):
                    active[transfer.handle.raw] = transfer
                    sortie_curl_multi_add_handle(multi.raw, transfer.handle.raw)
                case .cancel(let id):
                    if let (key, transfer) = active.first(where: { ObjectIdentifier($0.value) == id }) {
                        sortie_curl_multi_remove_handle(multi.raw, key)
                        active[key] = nil
                        transfer.complete(CURLE_ABORTED_BY_CALLBACK)
                    }
                case .stop:
                    stopping = true
                    for (key, transfer) in active {
                        sortie_curl_multi_remove_handle(multi.raw, key)
                        transfer.complete(CURLE_ABORTED_BY_CALLBACK)
                    }
                    active.removeAll()
                }
            }
            if stopping { break }
            var running: Int32 = 0
            sortie_curl_multi_perform(multi.raw, &running)
            var remaining: Int32 = 0
            while let message = sortie_curl_multi_info_read(multi.raw, &remaining) {
                guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
                let result = message.pointee.data.result
                sortie_curl_multi_remove_handle(multi.raw, easy)
                if let transfer = active.removeValue(forKey: easy) {
                    transfer.complete(result)
                }
            }
            var ready: Int32 = 0
            sortie_curl_multi_poll(multi.raw, nil, 0, 1000, &ready)
        }
        sortie_curl_multi_cleanup(multi.raw)
    }
}

/// `curl_global_init` must run once before any other libcurl call.
enum CurlGlobal {
    static let initialized: Bool = {
        sortie_curl_global_init(Int(CURL_GLOBAL_ALL)) == CURLE_OK
    }()
}
