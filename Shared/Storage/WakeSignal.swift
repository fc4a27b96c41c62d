import CLibPQ
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file descriptor other threads make readable to interrupt a `poll(2)`: an eventfd on
/// Linux, a pipe elsewhere. Writes after ``close()`` are ignored, so a late wake-up can never
/// hit a reused descriptor.
final class WakeSignal: Sendable {
    private struct Descriptors {
        var read: Int32
        var write: Int32
    }

    private let descriptors: Mutex<Descriptors?>

    /// The descriptor to poll for `POLLIN`.
    let pollDescriptor: Int32

    init() throws {
        #if os(Linux)
        let fd = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
        guard fd >= 0 else { throw PostgresError(kind: .unexpectedResult, message: "eventfd failed: errno \(errno)") }
        descriptors = Mutex(Descriptors(read: fd, write: fd))
        pollDescriptor = fd
        #else
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw PostgresError(kind: .unexpectedResult, message: "pipe failed: errno \(errno)") }
        for fd in fds { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
        descriptors = Mutex(Descriptors(read: fds[0], write: fds[1]))
        pollDescriptor = fds[0]
        #endif
    }

    deinit {
        close()
    }

    /// Makes ``pollDescriptor`` readable. Safe from any thread.
    func wake() {
        descriptors.withLock { descriptors in
            guard let descriptors else { return }
            var one: UInt64 = 1
            _ = write(descriptors.write, &one, MemoryLayout<UInt64>.size)
        }
    }

    /// Reads everything written so far, so the next poll blocks again.
    func drain() {
        descriptors.withLock { descriptors in
            guard let descriptors else { return }
            var buffer: UInt64 = 0
            while read(descriptors.read, &buffer, MemoryLayout<UInt64>.size) > 0 {}
        }
    }

    func close() {
        descriptors.withLock { descriptors in
            guard let open = descriptors else { return }
            _ = unistd_close(open.read)
            if open.write != open.read { _ = unistd_close(open.write) }
            descriptors = nil
        }
    }
}

/// `close(2)`, out of reach of ``WakeSignal/close()``'s name.
private func unistd_close(_ fd: Int32) -> Int32 {
    #if canImport(Glibc)
    Glibc.close(fd)
    #else
    Darwin.close(fd)
    #endif
}
