import CLibPQ
import ConveyorRuntime
import Synchronization

/// Asks the server to cancel a connection's running statement, from any thread.
///
/// Wraps libpq's `PGcancel`, which the libpq documentation declares safe to use from other
/// threads than the connection's (and freed only in `deinit`, when no thread can hold it).
/// Sending happens on a short-lived thread, because `PQcancel` opens a network connection and
/// the caller may be a thread of the cooperative pool.
final class CancelRequest: @unchecked Sendable {
    // @unchecked Sendable: `cancel` is immutable and only passed to PQcancel, which is
    // thread-safe; `isRunning` is protected by its Mutex.
    private let cancel: OpaquePointer
    private let isRunning = Mutex(false)

    init(_ cancel: OpaquePointer) {
        self.cancel = cancel
    }

    deinit {
        PQfreeCancel(cancel)
    }

    /// Marks a statement as running: only then does ``send()`` reach the server.
    func begin() {
        isRunning.withLock { $0 = true }
    }

    func end() {
        isRunning.withLock { $0 = false }
    }

    func send() {
        guard isRunning.withLock({ $0 }) else { return }
        OSThread.detach(name: "pq-cancel", stackSize: 256 << 10) { [self] in
            var buffer = [CChar](repeating: 0, count: 256)
            _ = PQcancel(cancel, &buffer, Int32(buffer.count))
        }
    }
}
