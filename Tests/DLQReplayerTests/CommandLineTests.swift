import ArgumentParser
import Testing

@testable import DLQReplayer

@Suite struct CommandLineTests {
    /// The exit status the command line gets for `arguments`, stopping after parsing.
    func status(_ arguments: [String]) -> Int32 {
        do {
            _ = try DLQReplayerCommand.parseAsRoot(arguments)
            return 0
        } catch {
            return DLQReplayerMain.exitStatus(for: error)
        }
    }

    @Test func usageErrorsExitTwo() {
        #expect(status(["replay"]) == 2, "an unfiltered replay without --all")
        #expect(status(["replay", "--status", "all"]) == 2, "a status alone is no filter")
        #expect(status(["purge", "--all"]) == 2, "purge without --yes")
        #expect(status(["purge", "--yes"]) == 2, "an unfiltered purge without --all")
        #expect(status(["list", "--bogus"]) == 2)
        #expect(status(["list", "--limit", "0"]) == 2)
        #expect(status(["show"]) == 2)
        #expect(status(["show", "first"]) == 2)
        #expect(status(["launch"]) == 2)
    }

    @Test func helpExitsZero() {
        #expect(status(["--help"]) == 0)
        #expect(status(["replay", "--help"]) == 0)
    }

    @Test func validCommandsParse() {
        #expect(status(["replay", "--all", "--dry-run"]) == 0)
        #expect(status(["replay", "--order-id", "0b5f3a52-7d1e-4c1a-9f53-2a4d8e6c1b07", "--rate", "20/s", "--to", "order-processor.work"]) == 0)
        #expect(status(["purge", "--reason", "malformed", "--yes"]) == 0)
        #expect(status(["show", "42"]) == 0)
        #expect(status(["list", "--json", "--since", "2h"]) == 0)
    }

    @Test func ratesReadPerSecondOrPerMinute() {
        #expect(ReplayRate(argument: "20/s") == ReplayRate(perSecond: 20))
        #expect(ReplayRate(argument: "120/m") == ReplayRate(perSecond: 2))
        #expect(ReplayRate(argument: "5") == ReplayRate(perSecond: 5))
        #expect(ReplayRate(argument: "0/s") == nil)
        #expect(ReplayRate(argument: "fast") == nil)
        #expect(ReplayRate(perSecond: 4).interval == .milliseconds(250))
    }
}
