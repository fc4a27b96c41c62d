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
}
