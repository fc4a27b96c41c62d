import Orders

/// One row of `dlq_replays`: who replayed or purged which dead letters, selected how, to where.
struct AuditEntry: Sendable {
    enum Action: String, Sendable {
        case replay
        case purge
    }

    var action: Action
    /// The rows the action changed (for a dry run: the rows it would have changed).
    var deadLetterIDs: [Int64]
    /// The filter and options the operator gave.
    var filter: [String: JSONValue]
    var actor: String
    /// Where a replay published: a queue name, or `origin` for each row's own work queue.
    var destination: String?
    var dryRun: Bool
}
