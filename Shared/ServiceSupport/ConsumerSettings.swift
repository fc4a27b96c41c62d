import Messaging

/// How a worker consumes its queue and handles failures.
///
/// - `RETRY_DELAYS`: the retry tiers, comma-separated; default `1s,5s,30s,2m`.
/// - `MAX_ATTEMPTS`: attempts in total before a message is dead-lettered, 1–100; default 5.
/// - `DELIVERY_LIMIT`: the work queue's `x-delivery-limit`, the guard against a message that
///   crashes consumers again and again, 1–1000; default 20.
/// - `PREFETCH`: unacknowledged deliveries held at once, 1–10000; default 100.
/// - `CONCURRENCY`: handler runs at once, 1–1000; default 8 (below the default
///   `DATABASE_POOL_SIZE`, so handlers do not wait for connections).
/// - `BATCH_SIZE`: the most messages one handler run takes (one database transaction),
///   1–1000; default 50.
/// - `BATCH_WAIT`: how long a batch that is not full waits for more messages, 0–1s; default
///   10ms. Under light load messages then share a transaction instead of taking one each.
public struct ConsumerSettings: Sendable {
    public var retryPolicy: RetryPolicy
    public var deliveryLimit: Int
    public var prefetch: Int
    public var concurrency: Int
    public var batchSize: Int
    public var batchWait: Duration

    public init(reader: inout ConfigurationReader) {
        let defaults = RetryPolicy()
        let delays = reader.durations("RETRY_DELAYS", default: defaults.delays)
        let maxAttempts = reader.int("MAX_ATTEMPTS", default: defaults.maxAttempts, range: 1...100)
        retryPolicy = RetryPolicy(delays: delays, maxAttempts: maxAttempts)
        deliveryLimit = reader.int("DELIVERY_LIMIT", default: 20, range: 1...1000)
        prefetch = reader.int("PREFETCH", default: 100, range: 1...10_000)
        concurrency = reader.int("CONCURRENCY", default: 8, range: 1...1000)
        batchSize = reader.int("BATCH_SIZE", default: 50, range: 1...1000)
        batchWait = reader.duration("BATCH_WAIT", default: .milliseconds(10), range: .zero ... .seconds(1))
        if concurrency > prefetch {
            reader.report("CONCURRENCY", expected: "at most PREFETCH (\(prefetch))", found: "\(concurrency)")
        }
    }

    /// The topology of consumer `name` bound to `routingKeys`.
    public func topology(consumer name: String, routingKeys: [String]) -> ConsumerTopology {
        ConsumerTopology(consumer: name, routingKeys: routingKeys, retryPolicy: retryPolicy, deliveryLimit: deliveryLimit)
    }
}
