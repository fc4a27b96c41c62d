import CMalloc
import ConveyorRuntime
import Logging
import ServiceLifecycle

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// How a service keeps glibc's `malloc` from holding on to the memory of a busy spell.
///
/// glibc gives every thread that allocates while another holds an arena's lock an arena of its
/// own, up to eight per core. A service's event loops, cooperative pool and connection threads
/// end up with a dozen, and after a load each keeps the free pages it grew by, so a service
/// idled megabytes above its size at start. Two arenas, and free pages given back once the
/// process is quiet again (``IdleMemoryTrimmer``), bring most of that back. The rest was held
/// by glibc's per-thread caches, which only the environment can turn off (glibc reads
/// `GLIBC_TUNABLES` before `main`): the images and `stack.sh` set
/// `glibc.malloc.tcache_count=0`.
public enum MallocTuning {
    /// Arenas a service uses unless its environment says otherwise.
    public static let arenaLimit = 2

    /// Limits `malloc` to ``arenaLimit`` arenas, unless the environment chose a limit of its own
    /// (`MALLOC_ARENA_MAX`, or `glibc.malloc.arena_max` in `GLIBC_TUNABLES`). Call it first in
    /// `main`, before other threads allocate. Returns the limit set, `nil` when none was.
    @discardableResult
    public static func limitArenas(environment: [String: String] = ProcessInfo.processInfo.environment) -> Int? {
        guard environment["MALLOC_ARENA_MAX"] == nil,
            environment["GLIBC_TUNABLES"]?.contains("glibc.malloc.arena_max") != true
        else { return nil }
        return conveyor_malloc_set_arena_max(Int32(arenaLimit)) == 1 ? arenaLimit : nil
    }
}

/// Gives `malloc`'s free pages back to the kernel (`malloc_trim`) once the process has gone
/// quiet after a busy spell: every ``Options/interval`` it compares the CPU time the process
/// used with ``Options/busyShare`` of a core; after one or more busy intervals, the first quiet
/// one trims, and so does the quiet interval that ends ``Options/settleTime`` later (by then
/// the pools have closed the connections the spell opened). It trims on a thread of its own
/// (the call walks every arena). A process that stays busy, or stays quiet, is left alone.
public final class IdleMemoryTrimmer: Service, Sendable {
    public struct Options: Sendable {
        /// How often the CPU time is looked at. Default 10 s.
        public var interval: Duration
        /// The share of one core above which an interval counts as busy. Default 0.05.
        public var busyShare: Double
        /// How long after the first quiet interval the second trim comes. Default 2 min: longer
        /// than a database pool's default idle timeout (1 min) and one of its checks (30 s),
        /// so the memory of the connections a spell opened goes back too.
        public var settleTime: Duration

        public init(interval: Duration = .seconds(10), busyShare: Double = 0.05, settleTime: Duration = .seconds(120)) {
            precondition(interval > .zero && busyShare > 0 && settleTime >= interval)
            self.interval = interval
            self.busyShare = busyShare
            self.settleTime = settleTime
        }
    }

    private let options: Options
    private let logger: Logger
    /// The process's CPU time so far, in seconds; `nil` when it cannot be read.
    private let cpuSeconds: @Sendable () -> Double?

    public convenience init(options: Options = Options(), logger: Logger) {
        self.init(options: options, logger: logger, cpuSeconds: { ProcessMetrics.readStat()?.cpuSeconds })
    }

    init(options: Options, logger: Logger, cpuSeconds: @escaping @Sendable () -> Double?) {
        self.options = options
        self.logger = logger
        self.cpuSeconds = cpuSeconds
    }

    public func run() async throws {
        var lastCPU = cpuSeconds()
        // Quiet intervals since the last busy one; nil before the first busy one.
        var quietIntervals: Int?
        let settleIntervals = 1 + Int((options.settleTime / options.interval).rounded(.up))
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: self.options.interval) }
            } catch {
                return
            }
            guard let cpu = cpuSeconds(), let last = lastCPU else {
                lastCPU = cpuSeconds()
                continue
            }
            lastCPU = cpu
            if cpu - last > options.busyShare * options.interval.seconds {
                quietIntervals = 0
            } else if let quiet = quietIntervals {
                quietIntervals = quiet + 1
                if quiet + 1 == 1 || quiet + 1 == settleIntervals {
                    await trim()
                }
            }
        }
    }

    /// Trims on a thread of its own and logs what it gave back.
    private func trim() async {
        let before = ProcessMetrics.readStat()?.residentPages
        let released = await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            OSThread.detach(name: "malloc-trim") {
                continuation.resume(returning: conveyor_malloc_trim() == 1)
            }
        }
        let after = ProcessMetrics.readStat()?.residentPages
        logger.debug(
            "returned free memory to the kernel after a busy spell",
            metadata: [
                "released": "\(released)",
                "residentBytesBefore": "\(before.map { $0 * ProcessMetrics.pageSize } ?? 0)",
                "residentBytesAfter": "\(after.map { $0 * ProcessMetrics.pageSize } ?? 0)",
            ])
    }
}
