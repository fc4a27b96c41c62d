import Foundation

/// The results of one run, printed as text or as one JSON object.
struct LoadReport: Codable, Sendable {
    struct Settings: Codable, Sendable {
        var api: String
        var orders: Int
        var concurrency: Int
        /// Orders per second asked for; nil when posted as fast as answered.
        var rate: Double?
        var skus: [String]
    }

    struct Accept: Codable, Sendable {
        var accepted: Int
        /// Answers other than 201, by status.
        var rejected: [String: Int]
        var transportErrors: Int
        var firstProblem: String?
        var seconds: Double
        var perSecond: Double
        var latencyMs: LatencySummary
        /// With a rate: from when each order was due to when the generator sent it (part of
        /// `latencyMs`).
        var sendDelayMs: LatencySummary?
    }

    struct Completion: Codable, Sendable {
        /// Accepted orders with an e-mail recorded as sent.
        var completed: Int
        /// From the first accepted order's `created_at` to the last e-mail's `sent_at`.
        var seconds: Double
        var perSecond: Double
        /// From each order's `created_at` to its e-mail's `sent_at`.
        var latencyMs: LatencySummary
        var processed: Int
        var failed: Int
        /// Accepted but not in the database, or still PENDING/PROCESSING at the end.
        var missing: Int
        var unfinished: Int
        var emailsMissing: Int
        /// Orders with more than one e-mail recorded as sent.
        var emailsDuplicated: Int
        /// Orders the SMTP sink received more than one message for (with `--mail-dir`).
        var sinkDuplicated: Int?
        /// Orders the SMTP sink received no message for (with `--mail-dir`).
        var sinkMissing: Int?
        var timedOut: Bool
    }

    struct Process: Codable, Sendable {
        var name: String
        var pid: Int32
        var cpuSeconds: Double
        var cpuSecondsPerThousandOrders: Double
        var idleRSSMegabytes: Double
        /// Proportional set size before the run: shared library pages split among the
        /// processes that map them.
        var idlePSSMegabytes: Double
        var peakRSSMegabytes: Double
        /// Whether the peak was reset before the run (else it may come from earlier).
        var peakIsThisRun: Bool
    }

    /// The machine's CPUs from the first order posted until the last e-mail was sent.
    struct Machine: Codable, Sendable {
        var cores: Int
        /// Share of all CPU time that was busy (steal included), in percent.
        var busyPercent: Double
        /// Share of all CPU time the hypervisor gave to others, in percent.
        var stealPercent: Double
    }

    var settings: Settings
    var accept: Accept
    var completion: Completion?
    var processes: [Process]
    var machine: Machine?
    /// The four Conveyor services together.
    var servicesCPUSecondsPerThousandOrders: Double?

    func text() -> String {
        var lines: [String] = []
        lines.append(
            "conveyor-load: \(settings.orders) orders, concurrency \(settings.concurrency), "
                + (settings.rate.map { "rate \(f($0, 0))/s, " } ?? "")
                + "skus \(settings.skus.joined(separator: ",")), \(settings.api)")
        let rejected = accept.rejected.values.reduce(0, +)
        lines.append(
            "  accept      \(accept.accepted) accepted, \(rejected) rejected, \(accept.transportErrors) without answer "
                + "in \(f(accept.seconds, 2)) s: \(f(accept.perSecond, 0)) orders/s")
        lines.append("              latency \(latency(accept.latencyMs))")
        if let delay = accept.sendDelayMs {
            lines.append("              sent after due \(latency(delay))  (the generator's own delay, part of the latency)")
        }
        if !accept.rejected.isEmpty {
            let statuses = accept.rejected.sorted { $0.key < $1.key }.map { "HTTP \($0.key): \($0.value)" }
            lines.append("              rejected: \(statuses.joined(separator: ", "))")
        }
        if let problem = accept.firstProblem { lines.append("              first problem: \(problem)") }
        if let completion {
            lines.append(
                "  end to end  \(completion.completed) e-mailed in \(f(completion.seconds, 2)) s: "
                    + "\(f(completion.perSecond, 0)) orders/s sustained\(completion.timedOut ? " (timed out waiting)" : "")")
            lines.append("              latency \(latency(completion.latencyMs))  (created_at → notification sent_at)")
            lines.append(
                "              PROCESSED \(completion.processed), FAILED \(completion.failed), "
                    + "unfinished \(completion.unfinished), missing \(completion.missing)")
            var mail = "e-mails: missing \(completion.emailsMissing), sent twice \(completion.emailsDuplicated)"
            if let duplicated = completion.sinkDuplicated, let missing = completion.sinkMissing {
                mail += "; at the SMTP sink: missing \(missing), received twice \(duplicated)"
            }
            lines.append("              \(mail)")
        }
        if let machine {
            lines.append(
                "  machine     \(machine.cores) CPUs \(f(machine.busyPercent, 0))% busy, \(f(machine.stealPercent, 1))% stolen by the hypervisor")
        }
        if !processes.isEmpty {
            lines.append("  processes   CPU s/1000 orders   idle RSS   peak RSS   idle PSS")
            for process in processes {
                lines.append(
                    "    \(process.name.padding(toLength: 18, withPad: " ", startingAt: 0))"
                        + "\(f(process.cpuSecondsPerThousandOrders, 3).leftPadded(8))"
                        + "\((f(process.idleRSSMegabytes, 1) + " MB").leftPadded(17))"
                        + "\((f(process.peakRSSMegabytes, 1) + " MB").leftPadded(11))"
                        + "\((f(process.idlePSSMegabytes, 1) + " MB").leftPadded(11))"
                        + (process.peakIsThisRun ? "" : "  (peak since start)"))
            }
            if let total = servicesCPUSecondsPerThousandOrders {
                lines.append("    \("four services".padding(toLength: 18, withPad: " ", startingAt: 0))\(f(total, 3).leftPadded(8))")
            }
        }
        return lines.joined(separator: "\n")
    }

    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    private func latency(_ summary: LatencySummary) -> String {
        "p50 \(f(summary.p50, 1)) ms  p99 \(f(summary.p99, 1)) ms  max \(f(summary.max, 1)) ms"
    }

    private func f(_ value: Double, _ decimals: Int) -> String {
        String(format: "%.\(decimals)f", value)
    }
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
