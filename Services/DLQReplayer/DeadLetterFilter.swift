import ConveyorRuntime
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Orders
import Storage

/// Which dead letters a `list`, `replay` or `purge` works on. Conditions combine with AND;
/// ``references`` match a row by id or event id.
struct DeadLetterFilter: Sendable, Equatable {
    /// The `--status` choices: one status, or every row.
    enum StatusChoice: String, Sendable, CaseIterable, Codable {
        case waiting
        case replayed
        case purged
        case all

        var statuses: [DeadLetter.Status] {
            switch self {
            case .waiting: [.waiting]
            case .replayed: [.replayed]
            case .purged: [.purged]
            case .all: DeadLetter.Status.allCases
            }
        }
    }

    var references: [DeadLetterReference] = []
    var queue: String?
    var reason: String?
    var eventType: String?
    var orderID: UUID?
    var since: Date?
    var until: Date?
    var status: StatusChoice = .waiting

    /// True when something narrows the selection beyond the status: what `replay` and `purge`
    /// require unless `--all` is given.
    var isNarrowed: Bool {
        !references.isEmpty || queue != nil || reason != nil || eventType != nil || orderID != nil || since != nil
            || until != nil
    }

    /// The SQL condition (without `WHERE`), appending its values to `parameters`.
    func condition(parameters: inout [any PostgresBindable]) -> String {
        var conditions: [String] = []
        func bind(_ value: any PostgresBindable) -> String {
            parameters.append(value)
            return "$\(parameters.count)"
        }
        conditions.append("status = ANY(\(bind(PostgresArray(status.statuses.map(\.rawValue))))::text[])")
        if !references.isEmpty {
            var alternatives: [String] = []
            let ids = references.compactMap { if case .id(let id) = $0 { id } else { nil } }
            let eventIDs = references.compactMap { if case .eventID(let uuid) = $0 { uuid } else { nil } }
            if !ids.isEmpty { alternatives.append("id = ANY(\(bind(PostgresArray(ids)))::bigint[])") }
            if !eventIDs.isEmpty { alternatives.append("event_id = ANY(\(bind(PostgresArray(eventIDs)))::uuid[])") }
            conditions.append("(" + alternatives.joined(separator: " OR ") + ")")
        }
        if let queue { conditions.append("queue = \(bind(queue))") }
        if let reason { conditions.append("reason = \(bind(reason))") }
        if let eventType { conditions.append("event_type = \(bind(eventType))") }
        if let orderID { conditions.append("order_id = \(bind(orderID))") }
        if let since { conditions.append("failed_at >= \(bind(since))") }
        if let until { conditions.append("failed_at < \(bind(until))") }
        return conditions.joined(separator: " AND ")
    }

    /// The filter as the audit trail records it (`dlq_replays.filter`).
    var auditRecord: [String: JSONValue] {
        var record: [String: JSONValue] = ["status": .string(status.rawValue)]
        if !references.isEmpty { record["ids"] = .array(references.map { .string($0.description) }) }
        if let queue { record["queue"] = .string(queue) }
        if let reason { record["reason"] = .string(reason) }
        if let eventType { record["type"] = .string(eventType) }
        if let orderID { record["order_id"] = .string(orderID.lowercasedString) }
        if let since { record["since"] = .string(since.formatted(.iso8601)) }
        if let until { record["until"] = .string(until.formatted(.iso8601)) }
        return record
    }
}
