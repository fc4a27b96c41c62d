import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Orders

/// `dlq-replayer purge`: marks dead letters purged (an operator decided they need no replay).
/// Rows are kept, with their status; nothing is deleted.
struct PurgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "purge",
        abstract: "Mark dead letters purged (they stay in the table). Needs --yes.",
        discussion: "Example: dlq-replayer purge --reason malformed --until 7d --yes"
    )

    @OptionGroup var selection: FilterOptions

    @Flag(help: "Purge everything the status selects; required when no other filter is given.")
    var all = false

    @Option(help: "At most this many, oldest first.")
    var limit: Int?

    @Flag(help: "Confirm: without it, purge changes nothing and exits 2.")
    var yes = false

    @Option(help: "Who purges, for the audit trail; default $USER.")
    var actor: String?

    func validate() throws {
        guard yes else {
            throw ValidationError("purge marks dead letters as purged: add --yes to confirm (list shows what the filter selects)")
        }
        if !all, try !selection.filter().isNarrowed {
            throw ValidationError(
                "purge needs a filter (--id, --queue, --reason, --type, --order-id, --since, --until) or --all to purge everything")
        }
        if let limit, limit <= 0 { throw ValidationError("--limit must be positive") }
    }

    func run() async throws {
        let filter = try selection.filter()
        var record = filter.auditRecord
        if all { record["all"] = .bool(true) }
        if let limit { record["limit"] = .integer(Int64(limit)) }
        let audit = AuditEntry(
            action: .purge, deadLetterIDs: [], filter: record, actor: ActorName.resolve(actor), destination: nil, dryRun: false)
        let session = OperatorSession.open(needsBroker: false)
        let ids = try await session.run { try await $0.purge(filter, limit: limit, audit: audit) }
        print("purged \(ids.count)")
    }
}
