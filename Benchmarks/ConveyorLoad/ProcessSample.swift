import Foundation

/// CPU time and memory of one process and its descendants, read from `/proc`.
///
/// CPU counts the process's own time, the time of its children it has reaped (`cutime`,
/// `cstime`: PostgreSQL's postmaster reaps its backends) and that of its live descendants, so
/// a server made of several processes is measured as one.
struct ProcessSample: Sendable {
    /// CPU seconds (user + system) so far.
    var cpuSeconds: Double
    /// Resident set size now, in bytes (`VmRSS`), of the process alone.
    var residentBytes: Int
    /// Peak resident set size, in bytes (`VmHWM`), of the process alone.
    var peakResidentBytes: Int
    /// Proportional set size now, in bytes (`Pss` of `smaps_rollup`), of the process alone:
    /// its private pages plus its share of pages mapped by several processes (the Swift
    /// runtime, Foundation and other shared libraries).
    var proportionalBytes: Int

    /// Clock ticks per second of `/proc/<pid>/stat`.
    static let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))

    /// Reads process `pid`; nil when it does not exist (any more).
    static func read(pid: Int32) -> ProcessSample? {
        guard let own = StatLine(pid: pid), let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        else { return nil }
        var ticks = own.ticksWithChildren
        for descendant in descendants(of: pid) {
            if let line = StatLine(pid: descendant) { ticks += line.ticksWithChildren }
        }
        let rollup = (try? String(contentsOfFile: "/proc/\(pid)/smaps_rollup", encoding: .utf8)) ?? ""
        return ProcessSample(
            cpuSeconds: Double(ticks) / ticksPerSecond,
            residentBytes: kilobytes("VmRSS", in: status) * 1024,
            peakResidentBytes: kilobytes("VmHWM", in: status) * 1024,
            proportionalBytes: kilobytes("Pss", in: rollup) * 1024)
    }

    /// Resets the process's peak RSS (`VmHWM`) to its current RSS, so the next peak read
    /// belongs to the run that follows. Needs the right to write `/proc/<pid>/clear_refs`.
    @discardableResult
    static func resetPeak(pid: Int32) -> Bool {
        guard let handle = FileHandle(forWritingAtPath: "/proc/\(pid)/clear_refs") else { return false }
        defer { try? handle.close() }
        return (try? handle.write(contentsOf: Data("5".utf8))) != nil
    }

    private static func kilobytes(_ field: String, in status: String) -> Int {
        for line in status.split(separator: "\n") where line.hasPrefix(field + ":") {
            let digits = line.dropFirst(field.count + 1).filter(\.isNumber)
            return Int(digits) ?? 0
        }
        return 0
    }

    /// Every live process below `pid`, from the parent pids in `/proc/*/stat`.
    private static func descendants(of pid: Int32) -> [Int32] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        var children: [Int32: [Int32]] = [:]
        for entry in entries {
            guard let child = Int32(entry), let line = StatLine(pid: child) else { continue }
            children[line.parent, default: []].append(child)
        }
        var result: [Int32] = []
        var pending = children[pid] ?? []
        while let next = pending.popLast() {
            result.append(next)
            pending += children[next] ?? []
        }
        return result
    }

    /// The fields of `/proc/<pid>/stat` this needs.
    private struct StatLine {
        var parent: Int32
        var ticksWithChildren: Int

        init?(pid: Int32) {
            guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                let close = text.lastIndex(of: ")")
            else { return nil }
            // After "pid (comm) ": state ppid … utime(14) stime(15) cutime(16) cstime(17), 1-based.
            let fields = text[text.index(after: close)...].split(separator: " ")
            guard fields.count > 14, let parent = Int32(fields[1]) else { return nil }
            self.parent = parent
            ticksWithChildren = fields[11...14].reduce(0) { $0 + (Int($1) ?? 0) }
        }
    }
}
