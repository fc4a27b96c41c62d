#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A `SerialExecutor` that runs every job on one dedicated OS thread.
///
/// The C client libraries Conveyor wraps (libpq, rabbitmq-c) block the calling thread and
/// allow one thread per connection at a time. An actor whose `unownedExecutor` is one of
/// these keeps its C handle as ordinary isolated state, and its blocking calls never occupy a
/// thread of Swift's cooperative pool.
///
/// It is also a `TaskExecutor`: code that makes several calls to such an actor in a row (a
/// database transaction) can run under `withTaskExecutorPreference` on the same thread, so
/// going from its own code to the actor and back is a queue operation on that thread rather
/// than a wake-up of another one.
///
/// The thread lives until ``shutdown()`` is called and the queued jobs have run.
public final class DedicatedThreadExecutor: SerialExecutor, TaskExecutor, @unchecked Sendable {
    // @unchecked Sendable: `jobs`, `head`, `isShutDown`, `wakeHandler` and `thread` are only read
    // or written while holding `condition`; `name` is immutable.
    private let condition = ConditionLock()
    /// Queued jobs from `head` on; the thread takes them one at a time, so a job queued behind
    /// a running one always counts in ``hasPendingJobs``.
    private var jobs: [UnownedJob] = []
    private var head = 0
    private var isShutDown = false
    private var wakeHandler: (@Sendable () -> Void)?
    private var thread: pthread_t?
    public let name: String

    /// Starts a thread named `name` (visible in `top -H` and debuggers, truncated to 15 bytes).
    public init(name: String) {
        self.name = name
        // The thread holds the executor until `shutdown()` lets it finish. Its stack stays
        // modest: these threads only run small C calls and glue code.
        OSThread.detach(name: name, stackSize: 1 << 20) { self.runLoop() }
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        let wake = wakeHandler
        condition.signal()
        condition.unlock()
        wake?()
    }

    public func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(ordinary: self)
    }

    public func asUnownedTaskExecutor() -> UnownedTaskExecutor {
        UnownedTaskExecutor(ordinary: self)
    }

    /// Installs a closure called (from the enqueuing thread) every time a job is enqueued.
    ///
    /// An actor that blocks its thread in `poll(2)` waiting for socket input uses this to be
    /// woken as soon as other work arrives for it, for example with a ``WakeSignal``.
    public func setWakeHandler(_ handler: (@Sendable () -> Void)?) {
        condition.lock()
        wakeHandler = handler
        condition.unlock()
    }

    /// True when jobs are waiting to run: a blocking call made from a job should return
    /// promptly so they can.
    public var hasPendingJobs: Bool {
        condition.lock()
        defer { condition.unlock() }
        return head < jobs.count
    }

    /// True when called from the executor's own thread.
    public var isCurrentThread: Bool {
        condition.lock()
        defer { condition.unlock() }
        guard let thread else { return false }
        return pthread_equal(thread, pthread_self()) != 0
    }

    /// Lets the thread finish the jobs already queued, then exit.
    public func shutdown() {
        condition.lock()
        isShutDown = true
        condition.signal()
        condition.unlock()
    }

    private func runLoop() {
        condition.lock()
        thread = pthread_self()
        condition.unlock()
        while true {
            condition.lock()
            while head == jobs.count && !isShutDown {
                condition.wait()
            }
            if head == jobs.count && isShutDown {
                condition.unlock()
                return
            }
            let job = jobs[head]
            head += 1
            if head == jobs.count {
                jobs.removeAll(keepingCapacity: true)
                head = 0
            } else if head >= 1024 && head * 2 >= jobs.count {
                jobs.removeFirst(head)
                head = 0
            }
            condition.unlock()
            job.runSynchronously(on: asUnownedSerialExecutor())
        }
    }
}
