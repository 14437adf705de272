import NIOCore
import SortieKit

extension WebSocketFrameScanner {
    /// ``scan(_:)-(UnsafeRawBufferPointer)`` over a buffer's readable bytes (not consumed).
    mutating func scan(_ buffer: ByteBuffer) throws(Violation) -> Int {
        var result: Result<Int, Violation> = .success(0)
        buffer.withUnsafeReadableBytes { raw in
            do throws(Violation) { result = .success(try scan(raw)) } catch { result = .failure(error) }
        }
        return try result.get()
    }
}
