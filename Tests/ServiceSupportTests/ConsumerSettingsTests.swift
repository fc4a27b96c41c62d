import ServiceSupport
import Testing

@Suite struct ConsumerSettingsTests {
    @Test func batchesDefaultToFiftyMessagesWaitingTenMilliseconds() throws {
        var reader = ConfigurationReader(environment: [:])
        let settings = ConsumerSettings(reader: &reader)
        try reader.validate()
        #expect(settings.batchSize == 50)
        #expect(settings.batchWait == .milliseconds(10))
    }

    @Test func theBatchWaitIsADurationUpToOneSecond() throws {
        for (text, expected) in [("0", Duration.zero), ("25ms", .milliseconds(25)), ("1s", .seconds(1))] {
            var reader = ConfigurationReader(environment: ["BATCH_WAIT": text])
            let settings = ConsumerSettings(reader: &reader)
            try reader.validate()
            #expect(settings.batchWait == expected, "BATCH_WAIT=\(text)")
        }
        for text in ["2s", "-5ms", "soon"] {
            var reader = ConfigurationReader(environment: ["BATCH_WAIT": text])
            _ = ConsumerSettings(reader: &reader)
            #expect(reader.problems.map(\.description).contains { $0.hasPrefix("BATCH_WAIT must be a duration") }, "BATCH_WAIT=\(text)")
        }
    }
}
