import ArgumentParser

/// `dlq-replayer list`: the dead letters a filter selects, newest first.
struct ListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List dead letters, newest first (waiting ones unless --status says otherwise).",
        discussion: "Example: dlq-replayer list --queue order-processor.dlq --reason injected-failure --since 2h"
    )

    @OptionGroup var selection: FilterOptions

    @Option(help: "At most this many.")
    var limit: Int = 100

    @Flag(help: "Print a JSON array instead of a table.")
    var json = false

    func validate() throws {
        guard limit > 0 else { throw ValidationError("--limit must be positive") }
    }

    func run() async throws {
        let filter = try selection.filter()
        let session = OperatorSession.open(needsBroker: false)
        let deadLetters = try await session.run { try await $0.list(filter, limit: limit) }
        if json {
            let data = try DeadLetterSummary.encoder.encode(deadLetters.map(DeadLetterSummary.init))
            print(String(decoding: data, as: UTF8.self))
        } else if deadLetters.isEmpty {
            print("no dead letters match")
        } else {
            print(DeadLetterTable(deadLetters: deadLetters, showsStatus: filter.status != .waiting).text)
        }
    }
}
