import Orders
import Testing

@Suite struct TraceContextTests {
    @Test func parsesAValidTraceparent() throws {
        let trace = try #require(TraceContext(traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"))
        #expect(trace.traceID == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(trace.parentID == "00f067aa0ba902b7")
        #expect(trace.flags == "01")
        #expect(trace.traceparent == "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
    }

    @Test(arguments: [
        "",
        "garbage",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",  // no flags
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01",  // zero trace id
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",  // zero parent id
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",  // upper case
        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",  // forbidden version
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",  // version 00 has 4 fields
        "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",  // short trace id
    ])
    func rejectsAnInvalidTraceparent(_ value: String) {
        #expect(TraceContext(traceparent: value) == nil)
    }

    @Test func readsALaterVersionByItsFirstFourFields() throws {
        let trace = try #require(TraceContext(traceparent: "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-future"))
        #expect(trace.traceID == "4bf92f3577b34da6a3ce929d0e0e4736")
    }

    @Test func randomTracesAreValidAndDistinct() throws {
        let traces = (0..<100).map { _ in TraceContext.random() }
        for trace in traces {
            let parsed = try #require(TraceContext(traceparent: trace.traceparent))
            #expect(parsed == trace)
        }
        #expect(Set(traces.map(\.traceID)).count == traces.count)
    }
}
