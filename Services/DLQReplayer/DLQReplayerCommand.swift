import ArgumentParser

/// `dlq-replayer`: moves dead letters out of the DLQs into PostgreSQL (`serve`) and lets an
/// operator list, inspect, replay and purge them there.
struct DLQReplayerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dlq-replayer",
        abstract: "Keeps Conveyor's dead letters safe and replays them.",
        discussion: """
            `serve` moves every message of the DLQs into the dead_letters table; the other commands \
            work on that table. DATABASE_URL is required by every command, AMQP_URL by serve and \
            replay. Logs go to standard error; tables, JSON and summaries to standard output.

            Exit status: 0 all done, 1 something failed, 2 bad usage or configuration.
            """,
        subcommands: [ServeCommand.self, ListCommand.self, ShowCommand.self, ReplayCommand.self, PurgeCommand.self]
    )
}
