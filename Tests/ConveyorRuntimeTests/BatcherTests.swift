import ConveyorRuntime
import Synchronization
import Testing

private struct Odd: Error, Equatable {
    let value: Int
}

@Suite struct BatcherTests {
    @Test func eachCallerGetsItsOwnResultAndWaitingCallersShareBatches() async throws {
        let batches = Mutex<[[Int]]>([])
        let batcher = Batcher<Int, Int>(maxBatchSize: 10, concurrentBatches: 1) { inputs in
            batches.withLock { $0.append(inputs) }
            try? await Task.sleep(for: .milliseconds(5))
            return inputs.map { $0 % 7 == 0 ? .failure(Odd(value: $0)) : .success($0 * 2) }
        }
        let results = await withTaskGroup(of: (Int, Result<Int, Odd>).self) { group in
            for value in 1...100 {
                group.addTask {
                    do {
                        return (value, .success(try await batcher.submit(value)))
                    } catch {
                        return (value, .failure(error as! Odd))
                    }
                }
            }
            return await group.reduce(into: [Int: Result<Int, Odd>]()) { $0[$1.0] = $1.1 }
        }
        for value in 1...100 {
            #expect(results[value] == (value % 7 == 0 ? .failure(Odd(value: value)) : .success(value * 2)))
        }
        let performed = batches.withLock { $0 }
        #expect(performed.flatMap { $0 }.sorted() == Array(1...100))
        #expect(performed.allSatisfy { (1...10).contains($0.count) })
        // A hundred callers at once while each batch takes 5 ms: far fewer batches than callers.
        #expect(performed.count < 50)
    }

    @Test func batchesRunAtMostConcurrentlyAsAllowed() async throws {
        let running = Mutex((now: 0, most: 0))
        let batcher = Batcher<Int, Int>(maxBatchSize: 3, concurrentBatches: 2) { inputs in
            running.withLock { $0.now += 1; $0.most = max($0.most, $0.now) }
            try? await Task.sleep(for: .milliseconds(2))
            running.withLock { $0.now -= 1 }
            return inputs.map { .success($0) }
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for value in 0..<60 {
                group.addTask {
                    let output = try await batcher.submit(value)
                    #expect(output == value)
                }
            }
            try await group.waitForAll()
        }
        #expect(running.withLock { $0.most } == 2)
    }

    @Test func aCancelledLeaderStillFinishesTheBatchForTheOthers() async throws {
        let started = Mutex(false)
        let batcher = Batcher<Int, Int>(maxBatchSize: 10) { inputs in
            started.withLock { $0 = true }
            try? await Task.sleep(for: .milliseconds(50))
            return inputs.map { .success($0 + Int(Task.isCancelled ? 1000 : 0)) }
        }
        let leader = Task { try await batcher.submit(1) }
        while !started.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(1)) }
        let follower = Task { try await batcher.submit(2) }
        try await Task.sleep(for: .milliseconds(5))
        leader.cancel()
        let (first, second) = (try await leader.value, try await follower.value)
        #expect(first == 1)
        #expect(second == 2)
    }
}
