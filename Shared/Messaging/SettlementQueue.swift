/// The settlements waiting for the I/O loop, and whether a loop runs to take them.
struct SettlementQueue {
    var accepting = false
    /// The generation of the connection the loop serves: a delivery of another is not queued.
    var generation: UInt64 = 0
    var items: [QueuedSettlement] = []
}
