import ArgumentParser
import Logging
import Messaging
import Orders
import ServiceLifecycle

/// `dlq-replayer replay`: publishes dead letters again, each to the work queue it failed in
/// (or `--to QUEUE`), starting again at attempt 1.
struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Publish dead letters again, oldest first, then mark them replayed.",
        discussion: """
            Each message goes through the default exchange to the queue it failed in (origin_queue) \
            or to --to QUEUE, with publisher confirms; only after the confirm is its row marked \
            replayed. A crash in between publishes it at most once more on the next replay, which \
            the consumer's inbox recognises as a duplicate. The copy starts again at attempt 1 and \
            carries conveyor-replay-count. Every run (dry runs too) is recorded in dlq_replays.

            Examples:
              dlq-replayer replay --order-id 0b5f3a52-7d1e-4c1a-9f53-2a4d8e6c1b07
              dlq-replayer replay --reason injected-failure --since 2h --rate 20/s --dry-run
              dlq-replayer replay --all --limit 500
            """
    )

    @OptionGroup var selection: FilterOptions

    @Flag(help: "Replay everything the status selects; required when no other filter is given.")
    var all = false

    @Option(help: "At most this many, oldest first.")
    var limit: Int?

    @Option(help: "At most this many per second (20/s, 300/m).")
    var rate: ReplayRate?

    @Flag(help: "Print what would be replayed; publish and change nothing.")
    var dryRun = false

    @Option(name: .customLong("to"), help: "Publish every message to this queue instead of the one it failed in.")
    var destination: String?

    @Option(help: "Who replays, for the audit trail; default $USER.")
    var actor: String?

    func validate() throws {
        if !all, try !selection.filter().isNarrowed {
            throw ValidationError(
                "replay needs a filter (--id, --queue, --reason, --type, --order-id, --since, --until) or --all to replay everything")
        }
        if let limit, limit <= 0 { throw ValidationError("--limit must be positive") }
        if let destination, destination.trimmingSpaces().isEmpty {
            throw ValidationError("--to needs a queue name")
        }
    }

    func run() async throws {
        let filter = try selection.filter()
        let session = OperatorSession.open(needsBroker: !dryRun)
        let audit = AuditEntry(
            action: .replay, deadLetterIDs: [], filter: auditFilter(filter), actor: ActorName.resolve(actor),
            destination: destination ?? "origin", dryRun: dryRun)
        let succeeded = try await session.run { store in
            dryRun
                ? try await preview(filter, store: store, audit: audit)
                : try await replay(filter, session: session, audit: audit)
        }
        if !succeeded { throw ExitCode.failure }
    }

    /// Prints what a replay would publish, and where, and audits the dry run.
    private func preview(_ filter: DeadLetterFilter, store: DeadLetterStore, audit: AuditEntry) async throws -> Bool {
        let deadLetters = try await store.deadLetters(store.ids(filter, limit: limit))
        if !deadLetters.isEmpty {
            let destination = self.destination
            let table = DeadLetterTable(
                deadLetters: deadLetters, showsStatus: filter.status != .waiting,
                destination: { destination ?? $0.originQueue ?? "(none: use --to)" })
            print(table.text)
        }
        var audit = audit
        audit.deadLetterIDs = deadLetters.map(\.id)
        try await store.audit(audit)
        print("dry run: would replay \(deadLetters.count)")
        return true
    }

    /// Replays what `filter` selects, prints the summary line, audits the run; true when
    /// nothing failed.
    private func replay(_ filter: DeadLetterFilter, session: OperatorSession, audit: AuditEntry) async throws -> Bool {
        let ids = try await session.store.ids(filter, limit: limit)
        let tally = try await publish(ids, statuses: filter.status.statuses, session: session)
        print(tally.summary)
        var audit = audit
        audit.deadLetterIDs = tally.replayed
        do {
            try await session.store.audit(audit)
        } catch {
            session.logger.error(
                "could not record the replay in dlq_replays", metadata: ["error": "\(error)", "replayed": "\(tally.replayed)"])
            return false
        }
        return tally.failed == 0
    }

    /// Publishes `ids` with a publisher of its own in a `ServiceGroup` that SIGINT and SIGTERM
    /// stop gracefully.
    private func publish(_ ids: [Int64], statuses: [DeadLetter.Status], session: OperatorSession) async throws -> ReplayTally {
        guard !ids.isEmpty, let broker = session.configuration.broker else { return ReplayTally() }
        let publisher = Publisher(
            configuration: broker.configuration, connectionName: session.configuration.identity.connectionName("replay"),
            options: broker.publisherOptions, logger: Logger(label: "amqp"))
        let job = ReplayJob(
            ids: ids, statuses: statuses, destination: destination, rate: rate, store: session.store, publisher: publisher,
            logger: session.logger)
        let group = ServiceGroup(
            configuration: .init(
                services: [
                    .init(service: publisher),
                    .init(service: job, successTerminationBehavior: .gracefullyShutdownGroup, failureTerminationBehavior: .gracefullyShutdownGroup),
                ],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: session.logger))
        try await group.run()
        return job.tally
    }

    private func auditFilter(_ filter: DeadLetterFilter) -> [String: JSONValue] {
        var record = filter.auditRecord
        if all { record["all"] = .bool(true) }
        if let limit { record["limit"] = .integer(Int64(limit)) }
        if let rate { record["rate_per_second"] = .number(rate.perSecond) }
        return record
    }
}
