import ArgumentParser
import Foundation
import Logging

/// Posts orders to a running Conveyor and measures it end to end: how fast orders are
/// accepted, how long until each one's e-mail is sent, and what every process spent on it.
///
/// Run it in release mode against `deploy/local/stack.sh run`; `Benchmarks/load.sh` does both.
@main
struct ConveyorLoad: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conveyor-load",
        abstract: "Load generator for Conveyor: accept throughput and latency, end-to-end completion, CPU and memory per process.")

    @Option(help: "Base URL of the api-gateway (plain HTTP).")
    var api = "http://127.0.0.1:8080"

    @Option(help: "Orders to post.")
    var orders = 2000

    @Option(help: "Requests in flight at once (one keep-alive connection each).")
    var concurrency = 64

    @Option(help: "Orders per second to post (each timed from when it was due); without it, each connection posts its next order as soon as the last is answered.")
    var rate: Double?

    @Flag(help: "Send each order with an orderId of the generator's choosing (random, version 4), as a client that names its orders does; without it the gateway names them (time-ordered).")
    var clientOrderIds = false

    @Option(help: "Skus to order, comma-separated (overrides --sku-spread).")
    var skus: String?

    @Option(help: "few: SKU-1 and SKU-2 (hot inventory rows); many: every sku on sale but FAIL-ME (in stock or sold before, from --postgres-url; else SKU-1…SKU-6).")
    var skuSpread = "many"

    @Option(help: "PostgreSQL URL of a role that reads orders and notifications (and updates inventory for --restock); enables the end-to-end measurement.")
    var postgresURL: String?

    @Flag(help: "Before the run, raise the stock of the chosen skus so every order can be served (needs --postgres-url).")
    var restock = false

    @Option(help: "Seconds to wait for every accepted order's e-mail after the last is accepted.")
    var timeout = 600

    @Option(help: "Processes to measure: name=pid, comma-separated.")
    var pids: String?

    @Option(help: "A directory of NAME.pid files (deploy/local/.state/run) whose processes to measure.")
    var pidDir: String?

    @Option(help: "The SMTP sink's mail directory: also count the messages it received per order.")
    var mailDir: String?

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    static let services = ["api-gateway", "order-processor", "notifier", "dlq-replayer"]

    mutating func validate() throws {
        guard orders > 0, concurrency > 0, timeout > 0 else { throw ValidationError("--orders, --concurrency and --timeout must be positive") }
        if let rate, !(rate > 0) { throw ValidationError("--rate must be positive") }
        guard ["few", "many"].contains(skuSpread) else { throw ValidationError("--sku-spread is few or many") }
        guard !restock || postgresURL != nil else { throw ValidationError("--restock needs --postgres-url") }
        guard let url = URLComponents(string: api), url.scheme == "http", url.host != nil else {
            throw ValidationError("--api must be an http:// URL like http://127.0.0.1:8080")
        }
    }

    func run() async throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .warning
            return handler
        }
        let url = URLComponents(string: api)!
        let host = url.host ?? "127.0.0.1"
        let port = url.port ?? 80
        let check = try postgresURL.map { try PipelineCheck(url: $0) }

        let chosen = try await chooseSkus(check)
        let mix = OrderMix(skus: chosen, customerID: "load-" + UUID().uuidString.lowercased().prefix(8))
        if restock, let check {
            let units = mix.unitsPerSku(orders: orders) + 100
            try await check.restock(chosen, units: units)
            progress("restocked \(chosen.joined(separator: ",")) to at least \(units) units each")
        } else if let check {
            let stock = try await check.stock(chosen)
            let short = chosen.filter { stock[$0, default: 0] < mix.unitsPerSku(orders: orders) }
            if !short.isEmpty {
                progress("warning: not enough stock of \(short.joined(separator: ",")) for every order: some will FAIL (out of stock); --restock avoids it")
            }
        }

        let processes = try measuredProcesses()
        var before: [String: ProcessSample] = [:]
        var peakReset: [String: Bool] = [:]
        for (name, pid) in processes {
            before[name] = ProcessSample.read(pid: pid)
            peakReset[name] = ProcessSample.resetPeak(pid: pid)
        }

        progress("posting \(orders) orders, concurrency \(concurrency)\(rate.map { ", \($0) orders/s" } ?? ""), skus \(chosen.joined(separator: ",")), customer \(mix.customerID)")
        let machineBefore = MachineSample.read()
        let poster = OrderPoster(host: host, port: port, orders: orders, concurrency: concurrency, rate: rate, mix: mix,
            clientOrderIDs: clientOrderIds)
        let outcome = try await poster.run()
        progress("accepted \(outcome.accepted.count) of \(orders) in \(String(format: "%.2f", outcome.seconds)) s")

        var timedOut = false
        if let check {
            timedOut = try await waitForEmails(check, accepted: outcome.accepted.map(\.order))
        }
        // Sampled before the checks below, whose reading costs nothing to the pipeline.
        let after = processes.map { ProcessSample.read(pid: $0.1) }
        let machineAfter = MachineSample.read()
        var completion: LoadReport.Completion?
        if let check {
            completion = try await verify(check, accepted: outcome.accepted, timedOut: timedOut)
        }

        var measured: [LoadReport.Process] = []
        let perThousand = outcome.accepted.isEmpty ? 0 : 1000 / Double(outcome.accepted.count)
        for ((name, pid), last) in zip(processes, after) {
            guard let first = before[name], let last else {
                progress("warning: process \(name) (pid \(pid)) is gone; not measured")
                continue
            }
            let cpu = last.cpuSeconds - first.cpuSeconds
            measured.append(
                LoadReport.Process(
                    name: name, pid: pid, cpuSeconds: cpu, cpuSecondsPerThousandOrders: cpu * perThousand,
                    idleRSSMegabytes: Double(first.residentBytes) / 1_048_576,
                    idlePSSMegabytes: Double(first.proportionalBytes) / 1_048_576,
                    peakRSSMegabytes: Double(last.peakResidentBytes) / 1_048_576,
                    peakIsThisRun: peakReset[name] ?? false))
        }
        let services = measured.filter { Self.services.contains($0.name) }
        let report = LoadReport(
            settings: .init(api: api, orders: orders, concurrency: concurrency, rate: rate, skus: chosen),
            accept: .init(
                accepted: outcome.accepted.count,
                rejected: Dictionary(uniqueKeysWithValues: outcome.statuses.filter { $0.key != 201 }.map { (String($0.key), $0.value) }),
                transportErrors: outcome.transportErrors,
                firstProblem: outcome.firstProblem,
                seconds: outcome.seconds,
                perSecond: Double(outcome.accepted.count) / max(outcome.seconds, 1e-9),
                latencyMs: LatencySummary(milliseconds: outcome.latencies),
                sendDelayMs: rate == nil ? nil : LatencySummary(milliseconds: outcome.sendDelays)),
            completion: completion,
            processes: measured,
            machine: machineBefore.flatMap { before in machineAfter.flatMap { $0.since(before) } },
            servicesCPUSecondsPerThousandOrders: services.count == Self.services.count
                ? services.reduce(0) { $0 + $1.cpuSecondsPerThousandOrders } : nil)
        print(json ? try report.json() : report.text())
        if let check { await check.close() }
    }

    private func chooseSkus(_ check: PipelineCheck?) async throws -> [String] {
        if let skus {
            let list = skus.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            guard !list.isEmpty else { throw ValidationError("--skus lists no sku") }
            return list
        }
        if skuSpread == "few" { return ["SKU-1", "SKU-2"] }
        if let check {
            let onSale = try await check.skusOnSale()
            guard !onSale.isEmpty else { throw LoadError("no sku has stock; use --restock with --skus") }
            return onSale
        }
        return (1...6).map { "SKU-\($0)" }
    }

    /// Polls until every accepted order's e-mail is recorded as sent; true if the timeout came
    /// first. `accepted` is in the order the orders were posted, which is about the order they
    /// complete in: each poll asks about the oldest outstanding.
    private func waitForEmails(_ check: PipelineCheck, accepted: [UUID]) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(timeout)
        var lastReport = ContinuousClock.now
        var timedOut = false
        var outstanding = accepted[...]
        while !outstanding.isEmpty {
            let oldest = Array(outstanding.prefix(2000))
            let sent = try await check.sent(among: oldest)
            if !sent.isEmpty {
                outstanding = (oldest.filter { !sent.contains($0) } + outstanding.dropFirst(oldest.count))[...]
            }
            // The whole batch is done: ask about the next one at once.
            if sent.count == oldest.count { continue }
            if ContinuousClock.now >= deadline {
                timedOut = true
                progress("timed out after \(timeout) s with \(outstanding.count) of \(accepted.count) e-mails outstanding")
                break
            }
            if ContinuousClock.now - lastReport >= .seconds(5) {
                progress("\(accepted.count - outstanding.count) of \(accepted.count) e-mails sent")
                lastReport = .now
            }
            try await Task.sleep(for: .milliseconds(500))
        }
        return timedOut
    }

    /// What became of each accepted order: its status, its e-mails, their latency.
    private func verify(_ check: PipelineCheck, accepted: [OrderPoster.Accepted], timedOut: Bool) async throws -> LoadReport.Completion {
        let fates = try await check.fates(of: accepted.map(\.order))
        var latencies: [Double] = []
        var firstCreated = Double.infinity
        var lastSent = -Double.infinity
        var processed = 0, failed = 0, missing = 0, unfinished = 0, emailsMissing = 0, emailsDuplicated = 0
        for fate in fates {
            switch fate.status {
            case nil: missing += 1
            case "PROCESSED": processed += 1
            case "FAILED": failed += 1
            default: unfinished += 1
            }
            if fate.sent == 0 { emailsMissing += 1 }
            if fate.sent > 1 { emailsDuplicated += 1 }
            if let created = fate.createdAt { firstCreated = min(firstCreated, created) }
            if let created = fate.createdAt, let sentAt = fate.firstSentAt {
                latencies.append((sentAt - created) * 1000)
                lastSent = max(lastSent, sentAt)
            }
        }
        var sinkMissing: Int?
        var sinkDuplicated: Int?
        if let mailDir {
            let counts = try MailDirectory(path: mailDir).messages(for: Set(accepted.map(\.mailbox)), domain: OrderMix.mailDomain)
            sinkMissing = accepted.count - counts.count
            sinkDuplicated = counts.values.filter { $0 > 1 }.count
        }
        let seconds = latencies.isEmpty ? 0 : lastSent - firstCreated
        return LoadReport.Completion(
            completed: latencies.count, seconds: seconds,
            perSecond: seconds > 0 ? Double(latencies.count) / seconds : 0,
            latencyMs: LatencySummary(milliseconds: latencies),
            processed: processed, failed: failed, missing: missing, unfinished: unfinished,
            emailsMissing: emailsMissing, emailsDuplicated: emailsDuplicated,
            sinkDuplicated: sinkDuplicated, sinkMissing: sinkMissing, timedOut: timedOut)
    }

    /// The processes named by --pids and --pid-dir, by name, and conveyor-load itself.
    private func measuredProcesses() throws -> [(String, Int32)] {
        var processes: [(String, Int32)] = [("conveyor-load", getpid())]
        if let pidDir {
            let names = try FileManager.default.contentsOfDirectory(atPath: pidDir).filter { $0.hasSuffix(".pid") }.sorted()
            for name in names {
                let text = (try? String(contentsOfFile: pidDir + "/" + name, encoding: .utf8)) ?? ""
                if let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
                    processes.append((String(name.dropLast(4)), pid))
                }
            }
        }
        for entry in (pids ?? "").split(separator: ",") {
            let parts = entry.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, let pid = Int32(parts[1]) else { throw ValidationError("--pids takes name=pid,…; not \(entry)") }
            processes.append((String(parts[0]), pid))
        }
        let order = Self.services
        return processes.sorted { (order.firstIndex(of: $0.0) ?? order.count, $0.0) < (order.firstIndex(of: $1.0) ?? order.count, $1.0) }
    }

    private func progress(_ message: String) {
        FileHandle.standardError.write(Data("conveyor-load: \(message)\n".utf8))
    }
}
