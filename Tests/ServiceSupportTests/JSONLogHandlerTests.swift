import Foundation
import Logging
import ServiceSupport
import Synchronization
import Testing

@Suite struct JSONLogHandlerTests {
    final class Capture: Sendable {
        let lines = Mutex<[String]>([])
        var output: LogOutput { LogOutput { line in self.lines.withLock { $0.append(line) } } }
    }

    @Test func writesOneJSONObjectPerLineWithMetadata() throws {
        let capture = Capture()
        var logger = Logger(label: "consumer") { label in
            JSONLogHandler(label: label, service: "order-processor", output: capture.output)
        }
        logger[metadataKey: "queue"] = "order-processor.work"
        logger.info(
            "order \"processed\"\nnext",
            metadata: ["orderId": "5b4d", "attempts": .stringConvertible(3), "tags": ["a", "b"], "error": "connection refused"])
        logger.debug("not written at info level")

        let lines = capture.lines.withLock { $0 }
        #expect(lines.count == 1)
        let line = try #require(lines.first)
        #expect(line.hasSuffix("}\n"))
        #expect(line.dropLast().contains("\n") == false)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["service"] as? String == "order-processor")
        #expect(object["logger"] as? String == "consumer")
        #expect(object["level"] as? String == "info")
        #expect(object["message"] as? String == "order \"processed\"\nnext")
        #expect(object["orderId"] as? String == "5b4d")
        #expect(object["attempts"] as? String == "3")
        #expect(object["queue"] as? String == "order-processor.work")
        #expect(object["tags"] as? [String] == ["a", "b"])
        #expect(object["error"] as? String == "connection refused")
        #expect((object["timestamp"] as? String)?.hasSuffix("Z") == true)
    }

    @Test func metadataProviderAddsContextSuchAsTraceIds() throws {
        let capture = Capture()
        let provider = Logger.MetadataProvider { ["traceId": "4bf92f3577b34da6a3ce929d0e0e4736"] }
        let logger = Logger(label: "http") { label in
            JSONLogHandler(label: label, service: "api-gateway", metadataProvider: provider, output: capture.output)
        }
        logger.warning("slow")
        let line = try #require(capture.lines.withLock { $0.first })
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["traceId"] as? String == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect((object["source"] as? String)?.contains("JSONLogHandlerTests.swift") == true)
    }

    @Test func escapesWhatJSONAndJavaScriptNeedEscapedAndStampsTheTimeInUTC() throws {
        let capture = Capture()
        let logger = Logger(label: "mail") { label in
            JSONLogHandler(label: label, service: "notifier", output: capture.output)
        }
        let before = Date()
        let message = "tab\there, bell \u{7}, \u{2028}\u{2029} and caf\u{E9} \u{1F4E6} \\ \""
        logger.info("\(message)", metadata: ["detail": .dictionary(["z": "1", "a": ["x\u{1}"]])])
        let after = Date()

        let line = try #require(capture.lines.withLock { $0.first })
        #expect(line.contains(#""message":"tab\there, bell \u0007, \u2028\u2029 and caf\#u{E9} \#u{1F4E6} \\ \"""#))
        #expect(line.contains(#""detail":{"a":["x\u0001"],"z":"1"}"#))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["message"] as? String == message)

        let timestamp = try #require(object["timestamp"] as? String)
        #expect(timestamp.wholeMatch(of: /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/) != nil)
        let stamped = try Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(timestamp)
        #expect(stamped >= before.addingTimeInterval(-0.001) && stamped <= after)
    }
}
