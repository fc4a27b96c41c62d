import Orders
import Testing

@Suite struct OrderStatusTests {
    @Test func allowsTheDocumentedTransitions() throws {
        #expect(try OrderStatus.pending.transition(to: .processing) == .processing)
        #expect(try OrderStatus.processing.transition(to: .processed) == .processed)
        #expect(try OrderStatus.processing.transition(to: .failed) == .failed)
        #expect(try OrderStatus.pending.transition(to: .cancelled) == .cancelled)
        #expect(try OrderStatus.processing.transition(to: .cancelled) == .cancelled)
    }

    @Test(arguments: [OrderStatus.processed, .failed, .cancelled])
    func terminalStatesGoNowhere(terminal: OrderStatus) {
        #expect(terminal.isTerminal)
        #expect(!terminal.isCancellable)
        for next in OrderStatus.allCases {
            #expect(throws: IllegalTransition(from: terminal, to: next)) {
                try terminal.transition(to: next)
            }
        }
    }

    @Test func pendingCannotJumpToProcessed() {
        #expect(throws: IllegalTransition(from: .pending, to: .processed)) {
            try OrderStatus.pending.transition(to: .processed)
        }
        #expect(!OrderStatus.processing.canTransition(to: .pending))
        #expect(!OrderStatus.pending.canTransition(to: .pending))
    }

    @Test func errorNamesBothStates() {
        #expect(IllegalTransition(from: .processed, to: .cancelled).description == "an order cannot go from PROCESSED to CANCELLED")
    }
}
