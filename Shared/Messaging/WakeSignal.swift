import CRabbitMQ

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file descriptor that becomes readable when ``signal()`` is called, so a thread blocked in
/// `poll(2)` on a socket also wakes up when other work arrives for it.
///
/// An `eventfd` on Linux, a non-blocking pipe elsewhere.
final class WakeSignal: Sendable {
    let readDescriptor: Int32
    private let writeDescriptor: Int32

    init() {
        #if os(Linux)
        let descriptor = conveyor_eventfd_nonblocking()
        precondition(descriptor >= 0, "eventfd failed: errno \(errno)")
        readDescriptor = descriptor
        writeDescriptor = descriptor
        #else
        var descriptors: [Int32] = [0, 0]
        precondition(pipe(&descriptors) == 0, "pipe failed: errno \(errno)")
        for descriptor in descriptors {
            _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
            _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        }
        readDescriptor = descriptors[0]
        writeDescriptor = descriptors[1]
        #endif
    }

    deinit {
        close(readDescriptor)
        if writeDescriptor != readDescriptor {
            close(writeDescriptor)
        }
    }

    /// Makes the descriptor readable. Safe from any thread.
    func signal() {
        #if os(Linux)
        var one: UInt64 = 1
        _ = write(writeDescriptor, &one, MemoryLayout<UInt64>.size)
        #else
        var one: UInt8 = 1
        _ = write(writeDescriptor, &one, 1)
        #endif
    }

    /// Consumes pending signals so the descriptor is no longer readable.
    func clear() {
        var buffer: (UInt64, UInt64) = (0, 0)
        while read(readDescriptor, &buffer, MemoryLayout.size(ofValue: buffer)) > 0 {}
    }
}
