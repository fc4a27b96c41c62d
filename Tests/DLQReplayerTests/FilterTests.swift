import ArgumentParser
import Foundation
import Storage
import Testing

@testable import DLQReplayer

@Suite struct FilterTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test(arguments: [("2h", 7200.0), ("30m", 1800), ("90s", 90), ("1500ms", 1.5), ("7d", 604_800), ("2w", 1_209_600), ("1.5h", 5400)])
    func relativeTimesCountBackFromNow(text: String, seconds: Double) throws {
        let date = try #require(FilterTime.parse(text, now: now))
        #expect(abs(now.timeIntervalSince(date) - seconds) < 0.001)
    }

    @Test func rfc3339TimesAreAbsolute() throws {
        #expect(FilterTime.parse("2026-05-01T12:00:00Z", now: now) == Date(timeIntervalSince1970: 1_777_636_800))
        #expect(FilterTime.parse("2026-05-01T14:00:00+02:00", now: now) == Date(timeIntervalSince1970: 1_777_636_800))
        let fractional = try #require(FilterTime.parse("2026-05-01T12:00:00.250Z", now: now))
        #expect(abs(fractional.timeIntervalSince1970 - 1_777_636_800.25) < 0.001)
    }

    @Test(arguments: ["", "yesterday", "-2h", "2x", "h", "2026-13-01T00:00:00Z"])
    func nonsenseIsNoTime(text: String) {
        #expect(FilterTime.parse(text, now: now) == nil)
    }

    @Test func optionsBecomeAFilter() throws {
        let order = UUID()
        let event = UUID()
        let options = try FilterOptions.parse([
            "--queue", "order-processor.dlq", "--reason", "injected-failure", "--type", "order.created",
            "--order-id", order.uuidString, "--since", "2h", "--id", "42", "--id", event.uuidString, "--status", "all",
        ])
        let filter = try options.filter(now: now)
        #expect(filter.queue == "order-processor.dlq")
        #expect(filter.reason == "injected-failure")
        #expect(filter.eventType == "order.created")
        #expect(filter.orderID == order)
        #expect(filter.since == now.addingTimeInterval(-7200))
        #expect(filter.references == [.id(42), .eventID(event)])
        #expect(filter.status == .all)
        #expect(filter.isNarrowed)
    }

    @Test func statusAloneDoesNotNarrow() throws {
        let filter = try FilterOptions.parse(["--status", "replayed"]).filter(now: now)
        #expect(!filter.isNarrowed)
        #expect(filter.status.statuses == [.replayed])
    }

    @Test(arguments: [["--order-id", "nope"], ["--since", "soon"], ["--id", "-3"], ["--since", "1h", "--until", "2h"], ["--status", "lost"]])
    func badOptionsAreUsageErrors(arguments: [String]) {
        #expect(throws: (any Error).self) { try FilterOptions.parse(arguments) }
    }

    @Test func conditionsBindEveryValue() throws {
        let filter = try FilterOptions.parse(["--queue", "notifier.dlq", "--id", "7", "--until", "1h"]).filter(now: now)
        var values: [any PostgresBindable] = []
        let condition = filter.condition(parameters: &values)
        #expect(condition == "status = ANY($1::text[]) AND (id = ANY($2::bigint[])) AND queue = $3 AND failed_at < $4")
        #expect(values.map(\.postgresText) == [#"{"waiting"}"#, #"{"7"}"#, "notifier.dlq", now.addingTimeInterval(-3600).postgresText])
    }
}
