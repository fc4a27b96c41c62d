/// Percentiles of a set of latencies, in milliseconds.
struct LatencySummary: Codable, Sendable {
    var count: Int
    var p50: Double
    var p99: Double
    var max: Double

    /// Nearest-rank percentiles of `milliseconds`; all zero when it is empty.
    init(milliseconds: [Double]) {
        let sorted = milliseconds.sorted()
        count = sorted.count
        func rank(_ percent: Double) -> Double {
            guard !sorted.isEmpty else { return 0 }
            let index = Int((percent / 100 * Double(sorted.count)).rounded(.up)) - 1
            return sorted[Swift.max(0, Swift.min(sorted.count - 1, index))]
        }
        p50 = rank(50)
        p99 = rank(99)
        max = sorted.last ?? 0
    }
}
