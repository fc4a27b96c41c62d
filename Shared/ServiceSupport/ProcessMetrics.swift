#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Prometheus

/// The standard `process_*` metrics, read from `/proc/self` each time metrics are scraped:
/// resident memory, CPU seconds, open file descriptors and start time.
public struct ProcessMetrics: Sendable {
    private let residentMemory: Gauge
    private let virtualMemory: Gauge
    private let cpuSeconds: Gauge
    private let openFileDescriptors: Gauge
    private let startTime: Gauge

    public init(registry: PrometheusCollectorRegistry) {
        // process_cpu_seconds_total is a counter by convention; it is read from the kernel, so a
        // gauge set to the kernel's value is the honest way to publish it.
        residentMemory = registry.makeGauge(
            descriptor: .init(namespace: "process", metricName: "resident_memory", unitName: "bytes", helpText: "Resident memory size in bytes."))
        virtualMemory = registry.makeGauge(
            descriptor: .init(namespace: "process", metricName: "virtual_memory", unitName: "bytes", helpText: "Virtual memory size in bytes."))
        cpuSeconds = registry.makeGauge(
            descriptor: .init(namespace: "process", metricName: "cpu", unitName: "seconds_total", helpText: "Total user and system CPU time spent in seconds."))
        openFileDescriptors = registry.makeGauge(
            descriptor: .init(namespace: "process", metricName: "open", unitName: "fds", helpText: "Number of open file descriptors."))
        startTime = registry.makeGauge(
            descriptor: .init(namespace: "process", metricName: "start_time", unitName: "seconds", helpText: "Start time of the process since the Unix epoch in seconds."))
        startTime.set(ProcessMetrics.startTimeSeconds() ?? Date().timeIntervalSince1970)
    }

    /// Reads the current values. Called before every scrape.
    public func update() {
        if let stat = ProcessMetrics.readStat() {
            residentMemory.set(Double(stat.residentPages) * Double(ProcessMetrics.pageSize))
            virtualMemory.set(Double(stat.virtualBytes))
            cpuSeconds.set(stat.cpuSeconds)
        }
        if let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") {
            openFileDescriptors.set(Double(entries.count))
        }
    }

    struct Stat {
        var userTicks: Int
        var systemTicks: Int
        var startTicks: Int
        var virtualBytes: Int
        var residentPages: Int

        /// User and system CPU time, in seconds.
        var cpuSeconds: Double { Double(userTicks + systemTicks) / Double(ProcessMetrics.ticksPerSecond) }
    }

    static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
    static let ticksPerSecond = max(1, Int(sysconf(Int32(_SC_CLK_TCK))))

    /// Parses `/proc/self/stat`; the command name may contain spaces and parentheses, so the
    /// fields are counted from the last `)`.
    static func readStat() -> Stat? {
        guard let text = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // fields[0] is the state (field 3 of proc(5)); field n of proc(5) is fields[n - 3].
        guard fields.count > 21,
            let user = Int(fields[11]), let system = Int(fields[12]), let start = Int(fields[19]),
            let virtual = Int(fields[20]), let resident = Int(fields[21])
        else { return nil }
        return Stat(userTicks: user, systemTicks: system, startTicks: start, virtualBytes: virtual, residentPages: resident)
    }

    static func startTimeSeconds() -> Double? {
        guard let stat = readStat(),
            let uptimeText = try? String(contentsOfFile: "/proc/uptime", encoding: .utf8),
            let uptime = Double(uptimeText.split(separator: " ").first ?? "")
        else { return nil }
        let bootTime = Date().timeIntervalSince1970 - uptime
        return bootTime + Double(stat.startTicks) / Double(ticksPerSecond)
    }
}
