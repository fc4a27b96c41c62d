import Foundation
import NIOCore
import NIOPosix
import Synchronization

/// Posts `orders` orders to `POST /orders` over `concurrency` keep-alive connections and times
/// every answer. Without a `rate`, each connection sends its next order as soon as the previous
/// one is answered (the most the system accepts). With a `rate`, order `i` is due `i / rate`
/// seconds after the start and is sent then (or as soon as a connection is free): its latency
/// counts from when it was due, so a system that falls behind shows it.
struct OrderPoster: Sendable {
    let host: String
    let port: Int
    let orders: Int
    let concurrency: Int
    /// Orders per second, or nil for as fast as they are answered.
    let rate: Double?
    let mix: OrderMix
    /// Send an `orderId` of the generator's choosing (random, version 4) with each order, as a
    /// client that names its orders does; else the gateway names them.
    let clientOrderIDs: Bool

    /// An order the gateway accepted, and the mailbox its e-mail goes to.
    struct Accepted: Sendable {
        var order: UUID
        var mailbox: UUID
    }

    /// What came back.
    struct Outcome: Sendable {
        /// Orders answered 201, in the order they were posted.
        var accepted: [Accepted] = []
        /// The same orders with their positions in the run, before the workers' lists are merged.
        fileprivate var numbered: [(index: Int, accepted: Accepted)] = []
        /// Milliseconds from sending each request to its complete answer (any status).
        var latencies: [Double] = []
        /// With a rate: milliseconds from when each order was due to when it was sent. The
        /// generator's own delays (timers, threads waiting for a core) count in `latencies` too;
        /// this shows how much of them there was.
        var sendDelays: [Double] = []
        /// Answers by HTTP status.
        var statuses: [Int: Int] = [:]
        /// Requests that got no answer (connection refused, reset, closed).
        var transportErrors = 0
        var firstProblem: String?
        /// From the first request sent to the last answer received.
        var seconds: Double = 0

        mutating func merge(_ other: Outcome) {
            numbered += other.numbered
            latencies += other.latencies
            sendDelays += other.sendDelays
            statuses.merge(other.statuses, uniquingKeysWith: +)
            transportErrors += other.transportErrors
            firstProblem = firstProblem ?? other.firstProblem
        }
    }

    /// The index of the next order to post, shared by the workers.
    private final class Ticket: Sendable {
        let next = Atomic<Int>(0)
        func take() -> Int { next.add(1, ordering: .relaxed).oldValue }
    }

    func run() async throws -> Outcome {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let ticket = Ticket()
        let start = ContinuousClock.now
        var total = Outcome()
        do {
            try await withThrowingTaskGroup(of: Outcome.self) { tasks in
                for _ in 0..<concurrency {
                    tasks.addTask { try await worker(ticket: ticket, start: start, group: group) }
                }
                for try await outcome in tasks {
                    total.merge(outcome)
                }
            }
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
        total.seconds = (ContinuousClock.now - start).seconds
        total.accepted = total.numbered.sorted { $0.index < $1.index }.map(\.accepted)
        total.numbered = []
        try? await group.shutdownGracefully()
        return total
    }

    /// Posts orders until none are left; reconnects after a transport error.
    private func worker(ticket: Ticket, start: ContinuousClock.Instant, group: any EventLoopGroup) async throws -> Outcome {
        var outcome = Outcome()
        var index = ticket.take()
        var consecutiveFailures = 0
        while index < orders {
            do {
                try await HTTPConnection.with(host: host, port: port, group: group) { connection in
                    while index < orders {
                        let mailbox = UUID()
                        let chosenID = clientOrderIDs ? mailbox : nil
                        let body = ByteBuffer(string: mix.json(index: index, mailbox: mailbox, orderID: chosenID))
                        var sent = ContinuousClock.now
                        if let rate {
                            let due = start + .seconds(Double(index) / rate)
                            if sent < due { try await Task.sleep(until: due, clock: .continuous) }
                            sent = due
                        }
                        if rate != nil { outcome.sendDelays.append((ContinuousClock.now - sent).milliseconds) }
                        let response = try await connection.send(.POST, "/orders", json: body)
                        outcome.latencies.append((ContinuousClock.now - sent).milliseconds)
                        outcome.statuses[response.status, default: 0] += 1
                        if response.status == 201, let id = chosenID ?? Self.orderID(in: response.body) {
                            outcome.numbered.append((index, Accepted(order: id, mailbox: mailbox)))
                        } else if response.status == 201 {
                            outcome.firstProblem = outcome.firstProblem ?? "HTTP 201 without an orderId: \(String(buffer: response.body).prefix(300))"
                        } else if outcome.firstProblem == nil {
                            outcome.firstProblem = "HTTP \(response.status): \(String(buffer: response.body).prefix(300))"
                        }
                        consecutiveFailures = 0
                        index = ticket.take()
                    }
                }
            } catch {
                // The order in flight counts as not accepted; the next one goes on a new connection.
                outcome.transportErrors += 1
                outcome.firstProblem = outcome.firstProblem ?? "\(error)"
                consecutiveFailures += 1
                if consecutiveFailures >= 20 {
                    throw LoadError("no answer from \(host):\(port) after \(consecutiveFailures) attempts: \(error)")
                }
                try await Task.sleep(for: .milliseconds(50 * consecutiveFailures))
                index = ticket.take()
            }
        }
        return outcome
    }

    /// The `orderId` of a 201 answer's body.
    private static func orderID(in body: ByteBuffer) -> UUID? {
        struct Created: Decodable { var orderId: UUID }
        return try? JSONDecoder().decode(Created.self, from: Data(body.readableBytesView)).orderId
    }
}

extension Duration {
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    var milliseconds: Double { seconds * 1000 }
}
