import ArgumentParser
import ConveyorRuntime

/// `dlq-replayer show`: everything about one dead letter (or every dead letter of one event).
struct ShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show a dead letter whole: columns, headers, properties and body.",
        discussion: "Example: dlq-replayer show 42, or dlq-replayer show EVENT-ID (every dead letter of that event)."
    )

    @Argument(help: "The dead letter's id, or an event id.")
    var reference: String

    @Flag(help: "Print JSON (an array) instead of text.")
    var json = false

    func validate() throws {
        guard DeadLetterReference(reference) != nil else {
            throw ValidationError("'\(reference)' is neither a dead letter id (a positive number) nor an event id (a UUID)")
        }
    }

    func run() async throws {
        guard let reference = DeadLetterReference(reference) else { throw ValidationError("invalid reference") }
        let session = OperatorSession.open(needsBroker: false)
        let deadLetters = try await session.run { try await $0.find(reference) }
        guard !deadLetters.isEmpty else {
            StandardStreams.writeError("dlq-replayer: no dead letter \(reference)\n")
            throw ExitCode.failure
        }
        let details = try deadLetters.map(DeadLetterDetail.init)
        if json {
            print(String(decoding: try DeadLetterSummary.encoder.encode(details), as: UTF8.self))
        } else {
            print(details.map(\.text).joined(separator: "\n\n"))
        }
    }
}
