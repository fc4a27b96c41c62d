#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file descriptor that becomes readable when ``signal()`` is called, so a thread blocked in
/// `poll(2)` on a socket also wakes up when other work arrives for it (install ``signal()`` as
/// the ``DedicatedThreadExecutor``'s wake handler).
///
/// A non-blocking pipe: a signal while one is already pending costs nothing and changes
/// nothing. The descriptors close when the last reference goes.
public final class WakeSignal: Sendable {
    /// The descriptor to poll for `POLLIN`.
    public let descriptor: Int32
    private let writeDescriptor: Int32

    public init() {
        var descriptors: [Int32] = [0, 0]
        precondition(pipe(&descriptors) == 0, "pipe failed: errno \(errno)")
        for descriptor in descriptors {
            _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
            _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        }
        descriptor = descriptors[0]
        writeDescriptor = descriptors[1]
    }

    deinit {
        close(descriptor)
        close(writeDescriptor)
    }

    /// Makes ``descriptor`` readable. Safe from any thread.
    public func signal() {
        var one: UInt8 = 1
        _ = write(writeDescriptor, &one, 1)
    }

    /// Consumes pending signals, so the next poll blocks again.
    public func clear() {
        var buffer = (UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        while read(descriptor, &buffer, MemoryLayout.size(ofValue: buffer)) > 0 {}
    }
}
