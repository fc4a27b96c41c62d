import ServiceSupport
import Testing

@Suite struct ConfigurationReaderTests {
    @Test func readsValuesAndDefaults() throws {
        var reader = ConfigurationReader(environment: [
            "HTTP_PORT": "8081", "FLAG": "yes", "TIMEOUT": "250ms", "TIERS": "1s, 5s,2m", "NAME": "  api  ",
        ])
        #expect(reader.int("HTTP_PORT", default: 8080, range: 1...65535) == 8081)
        #expect(reader.int("MISSING", default: 7, range: 1...10) == 7)
        let flag = reader.bool("FLAG", default: false)
        #expect(flag)
        #expect(reader.duration("TIMEOUT", default: .seconds(1)) == .milliseconds(250))
        #expect(reader.durations("TIERS", default: []) == [.seconds(1), .seconds(5), .seconds(120)])
        #expect(reader.string("NAME", default: "x") == "api")
        try reader.validate()
    }

    @Test func collectsEveryProblemWithTheVariableAndWhatItExpects() {
        var reader = ConfigurationReader(environment: [
            "HTTP_PORT": "eighty", "FLAG": "maybe", "TIMEOUT": "soon", "AMQP_URL": "http://example.com", "LOG_LEVEL": "loud",
        ])
        _ = reader.int("HTTP_PORT", default: 8080, range: 1...65535)
        _ = reader.bool("FLAG", default: false)
        _ = reader.duration("TIMEOUT", default: .seconds(1))
        _ = reader.url("AMQP_URL", schemes: ["amqp", "amqps"])
        _ = reader.url("DATABASE_URL", schemes: ["postgres", "postgresql"])
        _ = LoggingConfiguration(reader: &reader)
        do {
            try reader.validate()
            Issue.record("validate() should throw")
        } catch {
            let messages = error.problems.map(\.description)
            #expect(messages == [
                "HTTP_PORT must be an integer from 1 to 65535, not 'eighty'",
                "FLAG must be true or false, not 'maybe'",
                "TIMEOUT must be a duration like 500ms, 5s, 2m or 1h, not 'soon'",
                "AMQP_URL must be a URL (amqp://… or amqps://…), not 'a malformed value'",
                "DATABASE_URL is required: a URL (postgres://… or postgresql://…)",
                "LOG_LEVEL must be one of trace, debug, info, notice, warning, error, critical, not 'loud'",
            ])
        }
    }

    @Test func urlProblemsNeverEchoTheValue() {
        var reader = ConfigurationReader(environment: ["AMQP_URL": "amqp//user:hunter2@host"])
        _ = reader.url("AMQP_URL", schemes: ["amqp"])
        #expect(reader.problems.count == 1)
        #expect(!reader.problems.description.contains("hunter2"))
    }

    @Test func durationRangesAreEnforced() {
        var reader = ConfigurationReader(environment: ["HEARTBEAT": "0s"])
        _ = reader.duration("HEARTBEAT", default: .seconds(10), range: .seconds(1)...(.seconds(60)))
        #expect(reader.problems.map(\.description) == ["HEARTBEAT must be a duration like 500ms, 5s, 2m or 1h from 1s to 1m, not '0s'"])
    }

    @Test(arguments: [("5ms", Duration.milliseconds(5)), ("1.5s", .milliseconds(1500)), ("2m", .seconds(120)), ("1h", .seconds(3600)), ("3", .seconds(3))])
    func parsesDurations(text: String, expected: Duration) {
        #expect(DurationParser.parse(text) == expected)
    }

    @Test(arguments: ["", "s", "-1s", "5d", "1e999s", "fast"])
    func rejectsDurations(text: String) {
        #expect(DurationParser.parse(text) == nil)
    }

    @Test func formatsDurationsShortest() {
        #expect(DurationParser.format(.seconds(120)) == "2m")
        #expect(DurationParser.format(.seconds(5)) == "5s")
        #expect(DurationParser.format(.milliseconds(1500)) == "1500ms")
    }
}
