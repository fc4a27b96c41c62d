import ArgumentParser
import ConveyorRuntime
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The options that select dead letters, shared by `list`, `replay` and `purge`.
struct FilterOptions: ParsableArguments {
    @Option(name: .customLong("id"), help: "A dead letter's id or event id; repeat for more.")
    var ids: [String] = []

    @Option(help: "Only dead letters from this DLQ, e.g. order-processor.dlq.")
    var queue: String?

    @Option(help: "Only this failure reason, e.g. injected-failure or malformed.")
    var reason: String?

    @Option(name: .customLong("type"), help: "Only this event type, e.g. order.created.")
    var eventType: String?

    @Option(name: .customLong("order-id"), help: "Only dead letters of this order.")
    var orderID: String?

    @Option(help: "Failed at or after this time: RFC 3339 (2026-05-01T12:00:00Z) or a duration ago (30m, 2h, 7d).")
    var since: String?

    @Option(help: "Failed before this time: RFC 3339 or a duration ago.")
    var until: String?

    @Option(help: "waiting, replayed, purged or all.")
    var status: DeadLetterFilter.StatusChoice = .waiting

    func validate() throws {
        _ = try filter()
    }

    /// The filter these options describe, relative times counted back from `now`.
    func filter(now: Date = Date()) throws(ValidationError) -> DeadLetterFilter {
        var filter = DeadLetterFilter()
        for text in ids {
            guard let reference = DeadLetterReference(text) else {
                throw ValidationError("--id '\(text)' is neither a dead letter id (a positive number) nor an event id (a UUID)")
            }
            filter.references.append(reference)
        }
        filter.queue = queue
        filter.reason = reason
        filter.eventType = eventType
        if let orderID {
            guard let uuid = UUID(parsing: orderID) else { throw ValidationError("--order-id '\(orderID)' is not a UUID") }
            filter.orderID = uuid
        }
        filter.since = try Self.time(since, option: "--since", now: now)
        filter.until = try Self.time(until, option: "--until", now: now)
        if let since = filter.since, let until = filter.until, since >= until {
            throw ValidationError("--since must be before --until")
        }
        filter.status = status
        return filter
    }

    private static func time(_ text: String?, option: String, now: Date) throws(ValidationError) -> Date? {
        guard let text else { return nil }
        guard let date = FilterTime.parse(text, now: now) else {
            throw ValidationError("\(option) '\(text)' is neither an RFC 3339 time (2026-05-01T12:00:00Z) nor a duration ago (30m, 2h, 7d)")
        }
        return date
    }
}
