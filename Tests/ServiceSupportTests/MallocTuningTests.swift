import Logging
@testable import ServiceSupport
import Synchronization
import Testing

@Suite struct MallocTuningTests {
    @Test func anArenaLimitFromTheEnvironmentIsLeftAlone() {
        #expect(MallocTuning.limitArenas(environment: ["MALLOC_ARENA_MAX": "4"]) == nil)
        #expect(MallocTuning.limitArenas(environment: ["GLIBC_TUNABLES": "glibc.malloc.arena_max=4"]) == nil)
    }

    #if os(Linux)
    @Test func withoutOneTheServiceSetsItsOwn() {
        #expect(MallocTuning.limitArenas(environment: ["GLIBC_TUNABLES": "glibc.malloc.check=0"]) == MallocTuning.arenaLimit)
    }
    #endif

    /// The process's CPU time, from a script: quiet, busy, then quiet for a while, busy again,
    /// then quiet on. The trimmer looks every 20 ms and settles for 60 ms (four looks).
    @Test func theTrimmerTrimsAfterEachBusySpellAndOnceMoreWhenItHasSettled() async throws {
        //                   start quiet busy  quiet: 1st  2  3  4th  5  busy quiet: 1st 2 ...
        let script: [Double] = [0, 0, 1, 1, 1, 1, 1, 1, 2, 2, 2]
        let readings = Mutex<(script: [Double], reads: Int)>((script, 0))
        let cpuSeconds: @Sendable () -> Double? = {
            readings.withLock { state in
                state.reads += 1
                return state.script.count > 1 ? state.script.removeFirst() : state.script[0]
            }
        }
        let messages = Mutex<[String]>([])
        var logger = Logger(label: "trimmer") { label in
            JSONLogHandler(label: label, service: "test", output: LogOutput { line in messages.withLock { $0.append(line) } })
        }
        logger.logLevel = .debug
        let trimmer = IdleMemoryTrimmer(
            options: .init(interval: .milliseconds(20), busyShare: 0.05, settleTime: .milliseconds(60)), logger: logger,
            cpuSeconds: cpuSeconds)
        let running = Task { try await trimmer.run() }
        // The script, and ten quiet looks after it.
        let looks = script.count + 10
        let deadline = ContinuousClock.now + .seconds(10)
        while readings.withLock({ $0.reads }) < looks && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        running.cancel()
        try await running.value
        #expect(readings.withLock { $0.reads } >= looks)
        // After the first spell: at its 1st and 4th quiet look; after the second: the same.
        let trims = messages.withLock { $0 }.filter { $0.contains("returned free memory to the kernel") }
        #expect(trims.count == 4)
    }
}
