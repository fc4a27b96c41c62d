/// The settlements waiting for the I/O loop, and whether a loop runs to take them.
struct SettlementQueue {
    var accepting = false
    var items: [QueuedSettlement] = []
}
