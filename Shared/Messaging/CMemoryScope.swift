import CRabbitMQ
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// C memory for the arguments of one rabbitmq-c call: copies of Swift strings, byte arrays and
/// tables, freed together when the scope is released.
///
/// Keep the scope alive (`withExtendedLifetime`) until the C call returns; never store what it
/// hands out.
final class CMemoryScope {
    private var allocations: [UnsafeMutableRawPointer] = []

    deinit {
        for allocation in allocations {
            free(allocation)
        }
    }

    /// A copy of `bytes`, as rabbitmq-c's byte string.
    func bytes<Bytes: Collection>(_ bytes: Bytes) -> amqp_bytes_t where Bytes.Element == UInt8 {
        let count = bytes.count
        guard count > 0, let memory = malloc(count) else {
            return conveyor_amqp_empty_bytes()
        }
        allocations.append(memory)
        let buffer = UnsafeMutableRawBufferPointer(start: memory, count: count)
        buffer.copyBytes(from: bytes)
        return amqp_bytes_t(len: count, bytes: memory)
    }

    /// A copy of the UTF-8 of `string`, not NUL-terminated.
    func bytes(_ string: String) -> amqp_bytes_t {
        bytes(Array(string.utf8))
    }

    /// A NUL-terminated copy of `string`.
    func cString(_ string: String) -> UnsafePointer<CChar> {
        let utf8 = Array(string.utf8CString)
        let memory = malloc(utf8.count)!
        allocations.append(memory)
        let typed = memory.bindMemory(to: CChar.self, capacity: utf8.count)
        typed.update(from: utf8, count: utf8.count)
        return UnsafePointer(typed)
    }

    /// Uninitialized storage for `count` values of `T`, zero-filled.
    func allocate<T>(_ type: T.Type, count: Int) -> UnsafeMutablePointer<T> {
        let size = max(1, MemoryLayout<T>.stride * count)
        let memory = calloc(1, size)!
        allocations.append(memory)
        return memory.bindMemory(to: T.self, capacity: max(1, count))
    }
}
