import ConveyorRuntime
import Dispatch
import Foundation
import Synchronization
import Testing

@Suite struct OSThreadTests {
    @Test func detachRunsTheBodyOnANamedThreadOfItsOwn() throws {
        let seen = Mutex<(name: String, isMain: Bool)?>(nil)
        let done = DispatchSemaphore(value: 0)
        OSThread.detach(name: "conveyor-probe-thread-name") {
            // Linux keeps 15 bytes of a thread's name.
            let name = (try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8)) ?? ""
            seen.withLock { $0 = (name.trimmingWhitespace(), Thread.isMainThread) }
            done.signal()
        }
        try #require(done.wait(timeout: .now() + 5) == .success)
        let result = try #require(seen.withLock { $0 })
        #expect(result.name == "conveyor-probe-")
        #expect(!result.isMain)
    }

    @Test func conditionLockHandsOverBetweenThreads() throws {
        let lock = ConditionLock()
        let state = Mutex(0)
        let finished = DispatchSemaphore(value: 0)
        OSThread.detach(name: "waiter") {
            lock.lock()
            while state.withLock({ $0 }) == 0 { lock.wait() }
            lock.unlock()
            finished.signal()
        }
        lock.lock()
        state.withLock { $0 = 1 }
        lock.signal()
        lock.unlock()
        #expect(finished.wait(timeout: .now() + 5) == .success)
    }
}
