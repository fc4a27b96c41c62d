import ConveyorRuntime
import Foundation
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

    func hold(milliseconds: UInt32) {
        usleep(milliseconds * 1000)
    }

    /// Blocks the thread until another job is queued behind this one, or two seconds pass.
    func waitForQueuedJob() -> Bool {
        let deadline = ContinuousClock.now + .seconds(2)
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
        async let held: Void = probe.hold(milliseconds: 300)
        try await Task.sleep(for: .milliseconds(100))
        async let sawQueuedJob: Bool = probe.waitForQueuedJob()
        try await Task.sleep(for: .milliseconds(50))
        async let behind: Int = probe.increment()
        _ = await held
        #expect(await sawQueuedJob)
        #expect(await behind == 1)
    }
}
