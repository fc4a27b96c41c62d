import ArgumentParser
import ConveyorRuntime
import ServiceSupport

/// The entry point: parses the command line and runs the command, with Conveyor's exit
/// statuses: 0 done (and help), 1 something failed, 2 bad usage (ArgumentParser's own usage
/// errors exit 64; here they exit 2, like a bad configuration).
@main
enum DLQReplayerMain {
    static let usageStatus: Int32 = 2

    static func main() async {
        MallocTuning.limitArenas()
        do {
            var command = try DLQReplayerCommand.parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(for: error)
        }
    }

    static func exitStatus(for error: any Error) -> Int32 {
        let code = DLQReplayerCommand.exitCode(for: error)
        return code == .validationFailure ? usageStatus : code.rawValue
    }

    private static func exit(for error: any Error) -> Never {
        let status = exitStatus(for: error)
        let message = DLQReplayerCommand.fullMessage(for: error)
        if status == 0 {
            print(message)
        } else if !message.isEmpty {
            StandardStreams.writeError(message + "\n")
        }
        StandardStreams.exitProcess(status)
    }
}
