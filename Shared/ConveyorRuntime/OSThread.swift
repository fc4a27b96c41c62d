import CThreadName

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Operating-system threads and their locks, straight from pthreads.
///
/// The few threads Conveyor starts itself (one per C client connection, short ones that send a
/// PostgreSQL cancel request) need nothing more. Foundation's `Thread` and `NSCondition` are
/// not part of FoundationEssentials, the only Foundation the services link.
package enum OSThread {
    /// Starts a detached thread named `name` (visible in `top -H` and debuggers, truncated to
    /// 15 bytes) that runs `body` and ends.
    ///
    /// A thread that cannot be created (the process is out of threads or memory) stops the
    /// process: nothing that asks for one could go on without it.
    package static func detach(
        name: String,
        stackSize: Int = 1 << 20,
        _ body: @escaping @Sendable () -> Void
    ) {
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        pthread_attr_setstacksize(&attributes, stackSize)

        let start = Unmanaged.passRetained(Start(name: name, body: body)).toOpaque()
        #if canImport(Darwin)
        var thread: pthread_t?
        #else
        var thread = pthread_t()
        #endif
        let result = pthread_create(&thread, &attributes, { argument in
            #if canImport(Darwin)
            let start = Unmanaged<Start>.fromOpaque(argument).takeRetainedValue()
            #else
            let start = Unmanaged<Start>.fromOpaque(argument!).takeRetainedValue()
            #endif
            start.run()
            return nil
        }, start)
        if result != 0 {
            Unmanaged<Start>.fromOpaque(start).release()
            fatalError("cannot start thread \(name): pthread_create returned \(result)")
        }
    }

    private final class Start {
        let name: String
        let body: @Sendable () -> Void

        init(name: String, body: @escaping @Sendable () -> Void) {
            self.name = name
            self.body = body
        }

        func run() {
            // Linux limits thread names to 15 bytes and a terminating zero.
            let shortName = String(decoding: name.utf8.prefix(15), as: UTF8.self)
            _ = conveyor_set_current_thread_name(shortName)
            body()
        }
    }
}

/// A mutex with one condition variable.
package final class ConditionLock: @unchecked Sendable {
    // @unchecked Sendable: the pthread objects are what makes access from several threads safe;
    // they are allocated once, never move, and are destroyed only in `deinit`.
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    package init() {
        mutex.initialize(to: pthread_mutex_t())
        condition.initialize(to: pthread_cond_t())
        precondition(pthread_mutex_init(mutex, nil) == 0, "pthread_mutex_init failed")
        precondition(pthread_cond_init(condition, nil) == 0, "pthread_cond_init failed")
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    package func lock() {
        pthread_mutex_lock(mutex)
    }

    package func unlock() {
        pthread_mutex_unlock(mutex)
    }

    /// Waits for ``signal()``; call it holding the lock, and check what you wait for again after.
    package func wait() {
        pthread_cond_wait(condition, mutex)
    }

    /// Wakes one thread waiting in ``wait()``.
    package func signal() {
        pthread_cond_signal(condition)
    }
}
