import ArgumentParser

/// `dlq-replayer`: moves dead letters out of the DLQs into PostgreSQL (`serve`) and lets an
/// operator list, inspect, replay and purge them.
@main
struct DLQReplayerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dlq-replayer",
        abstract: "Keeps Conveyor's dead letters safe and replays them.",
        discussion: """
            Connection settings come from the environment: AMQP_URL, DATABASE_URL (and the
            optional settings the README lists).
            """,
        subcommands: [ServeCommand.self]
    )
}
