import Messaging
import Testing

@Suite struct RetryPolicyTests {
    let policy = RetryPolicy()

    @Test func defaultsMatchTheDesign() {
        #expect(policy.maxAttempts == 5)
        #expect(policy.delays == [.seconds(1), .seconds(5), .seconds(30), .seconds(120)])
    }

    @Test func doneAcknowledges() {
        #expect(policy.plan(for: .done, attempt: 1) == .acknowledge)
    }

    @Test func retriesClimbTheTiersAndStayOnTheLast() {
        let outcome = HandlerOutcome.retry(reason: "db", detail: "timeout")
        #expect(policy.plan(for: outcome, attempt: 1) == .retry(tier: 0, nextAttempt: 2, reason: "db", detail: "timeout"))
        #expect(policy.plan(for: outcome, attempt: 2) == .retry(tier: 1, nextAttempt: 3, reason: "db", detail: "timeout"))
        #expect(policy.plan(for: outcome, attempt: 4) == .retry(tier: 3, nextAttempt: 5, reason: "db", detail: "timeout"))
        let longer = RetryPolicy(delays: [.seconds(1), .seconds(2)], maxAttempts: 6)
        #expect(longer.plan(for: outcome, attempt: 5) == .retry(tier: 1, nextAttempt: 6, reason: "db", detail: "timeout"))
    }

    @Test func theLastAttemptGoesToTheDeadLetterQueue() {
        let outcome = HandlerOutcome.retry(reason: "db", detail: "timeout")
        #expect(policy.plan(for: outcome, attempt: 5) == .deadLetter(reason: "db", detail: "timeout"))
        #expect(policy.plan(for: outcome, attempt: 9) == .deadLetter(reason: "db", detail: "timeout"))
        #expect(RetryPolicy(delays: [], maxAttempts: 1).plan(for: outcome, attempt: 1) == .deadLetter(reason: "db", detail: "timeout"))
    }

    @Test func malformedAndGiveUpSkipRetries() {
        #expect(policy.plan(for: .malformed(detail: "bad json"), attempt: 1) == .deadLetter(reason: "malformed", detail: "bad json"))
        #expect(policy.plan(for: .giveUp(reason: "fail-me", detail: "x"), attempt: 1) == .deadLetter(reason: "fail-me", detail: "x"))
    }

    @Test func anUnavailableDependencyBurnsNoAttempt() {
        #expect(policy.plan(for: .dependencyUnavailable(detail: "db down"), attempt: 5) == .awaitDependency(detail: "db down"))
    }

    @Test func readsTheAttemptHeader() {
        #expect(RetryPolicy.attempt(of: Message(body: [])) == 1)
        #expect(RetryPolicy.attempt(of: Message(body: [], headers: [ConveyorHeader.attempt: 3])) == 3)
        #expect(RetryPolicy.attempt(of: Message(body: [], headers: [ConveyorHeader.attempt: "4"])) == 4)
        #expect(RetryPolicy.attempt(of: Message(body: [], headers: [ConveyorHeader.attempt: 0])) == 1)
        #expect(RetryPolicy.attempt(of: Message(body: [], headers: [ConveyorHeader.attempt: "x"])) == 1)
    }
}
