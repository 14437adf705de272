#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A value guarded by a pthread mutex: `withLock` is the only way in.
///
/// The same shape as the standard library's `Mutex`, which the project used before; on Linux that
/// one waits on a futex ThreadSanitizer cannot see, so every access under it was reported as a
/// race (`scripts/sanitizers.sh thread`). A pthread mutex is intercepted, so TSan checks our locking
/// for real. A class, so it can be captured and shared like NIO's `NIOLockedValueBox`.
public final class Locked<Value>: @unchecked Sendable {
    private var value: Value
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)

    public init(_ value: Value) {
        self.value = value
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// Runs `body` with exclusive access to the value.
    public func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }
}
