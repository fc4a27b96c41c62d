/// One dependency a service needs before it can do its work, e.g. "amqp" or "database".
public struct ReadinessCheck: Sendable {
    public var name: String
    /// Returns nil when ready, or why not.
    public var probe: @Sendable () async -> String?

    public init(_ name: String, probe: @escaping @Sendable () async -> String?) {
        self.name = name
        self.probe = probe
    }
}

/// The readiness of a whole service: ready when every check is.
public struct Readiness: Sendable {
    public var checks: [ReadinessCheck]

    public init(_ checks: [ReadinessCheck] = []) {
        self.checks = checks
    }

    public struct Report: Sendable {
        public var isReady: Bool { failures.isEmpty }
        /// Check name → nil when ready or the reason it is not.
        public var results: [(name: String, failure: String?)]
        public var failures: [(name: String, failure: String)] {
            results.compactMap { result in result.failure.map { (result.name, $0) } }
        }
    }

    /// Runs every check concurrently.
    public func evaluate() async -> Report {
        await withTaskGroup(of: (Int, String?).self) { group in
            for (index, check) in checks.enumerated() {
                group.addTask { (index, await check.probe()) }
            }
            var results = checks.map { (name: $0.name, failure: String?.none) }
            for await (index, failure) in group {
                results[index].failure = failure
            }
            return Report(results: results)
        }
    }
}
