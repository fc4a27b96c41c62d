import ConveyorRuntime
import Foundation
import Synchronization
import Testing

private actor ThreadProbe {
    let executor: DedicatedThreadExecutor
    nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }
    private var counter = 0

    init(executor: DedicatedThreadExecutor) {
        self.executor = executor
    }

    func runsOnItsThread() -> Bool {
        executor.isCurrentThread
    }

    /// Blocks the thread, after setting `started`, until `released` is set (at most 30 s).
    func hold(started: Flag, until released: Flag) {
        started.set()
        _ = released.wait(timeout: .seconds(30))
    }

    /// Blocks the thread until another job is queued behind this one, or ten seconds pass.
    func waitForQueuedJob() -> Bool {
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            if executor.hasPendingJobs { return true }
            usleep(1000)
        }
        return false
    }

    func increment() -> Int {
        counter += 1
        return counter
    }
}

@Suite struct DedicatedThreadExecutorTests {
    @Test func actorJobsRunOnTheDedicatedThread() async {
        let executor = DedicatedThreadExecutor(name: "probe-thread")
        defer { executor.shutdown() }
        let probe = ThreadProbe(executor: executor)
        #expect(await probe.runsOnItsThread())
        #expect(!executor.isCurrentThread)
    }

    @Test func aTaskPreferringItRunsItsOwnCodeOnTheThreadBetweenActorCalls() async {
        let executor = DedicatedThreadExecutor(name: "probe-prefer")
        defer { executor.shutdown() }
        let probe = ThreadProbe(executor: executor)
        let onThread = await withTaskExecutorPreference(executor) { () async -> [Bool] in
            var seen = [executor.isCurrentThread]
            for _ in 0..<3 {
                _ = await probe.increment()
                seen.append(executor.isCurrentThread)
            }
            return seen
        }
        #expect(onThread == [true, true, true, true])
        #expect(await probe.increment() == 4)
    }

    @Test func jobsAreSerialized() async {
        let executor = DedicatedThreadExecutor(name: "probe-serial")
        defer { executor.shutdown() }
        let probe = ThreadProbe(executor: executor)
        let results = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<1000 {
                group.addTask { await probe.increment() }
            }
            var all: [Int] = []
            for await value in group { all.append(value) }
            return all
        }
        #expect(Set(results) == Set(1...1000))
    }

    @Test func aJobQueuedBehindARunningOneCountsAsPending() async throws {
        let executor = DedicatedThreadExecutor(name: "probe-pending")
        defer { executor.shutdown() }
        let probe = ThreadProbe(executor: executor)
        // While the thread is held, queue a job that waits for company, then one behind it.
        let started = Flag(), released = Flag()
        async let held: Void = probe.hold(started: started, until: released)
        #expect(await eventually { started.isSet })
        async let sawQueuedJob: Bool = probe.waitForQueuedJob()
        #expect(await eventually { executor.hasPendingJobs })
        async let behind: Int = probe.increment()
        released.set()
        _ = await held
        #expect(await sawQueuedJob)
        #expect(await behind == 1)
    }

    /// Polls `condition` every 5 ms; false when it is still false after ten seconds.
    private func eventually(_ condition: () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + .seconds(10)
        while !condition() {
            guard ContinuousClock.now < deadline else { return false }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return true
    }
}

/// A flag one thread sets and another watches.
private final class Flag: Sendable {
    private let value = Atomic(false)

    var isSet: Bool { value.load(ordering: .acquiring) }

    func set() { value.store(true, ordering: .releasing) }

    /// Blocks the calling thread until the flag is set or `timeout` passes; returns whether
    /// it was set.
    func wait(timeout: Duration) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while !isSet {
            guard ContinuousClock.now < deadline else { return false }
            usleep(1000)
        }
        return true
    }
}
