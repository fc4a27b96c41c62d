import Foundation

/// The whole machine's CPU time so far, by kind, from the first line of `/proc/stat`.
///
/// On a virtual machine, *steal* is time its virtual CPUs were ready to run but the hypervisor
/// ran something else: a run with much of it measured a slower machine than one without.
struct MachineSample: Sendable {
    /// Clock ticks (`USER_HZ`) by kind: user, nice, system, idle, iowait, irq, softirq, steal.
    var ticks: [UInt64]

    static func read() -> MachineSample? {
        guard let stat = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
            let line = stat.split(separator: "\n").first, line.hasPrefix("cpu ")
        else { return nil }
        let ticks = line.split(separator: " ").dropFirst().prefix(8).compactMap { UInt64($0) }
        return ticks.count == 8 ? MachineSample(ticks: ticks) : nil
    }

    /// From `earlier` to this sample: the share of all CPU time that was busy (neither idle
    /// nor waiting for I/O; steal included) and the share stolen.
    func since(_ earlier: MachineSample) -> LoadReport.Machine? {
        let delta = zip(ticks, earlier.ticks).map { $0 &- $1 }
        let total = delta.reduce(0, +)
        guard total > 0 else { return nil }
        let idle = delta[3] + delta[4]
        return LoadReport.Machine(
            cores: ProcessInfo.processInfo.activeProcessorCount,
            busyPercent: 100 * Double(total - idle) / Double(total),
            stealPercent: 100 * Double(delta[7]) / Double(total))
    }
}
