import Storage

/// Collects a listener's events so tests can wait for them with a bound.
actor EventRecorder {
    private(set) var events: [PostgresListener.Event] = []
    private var reader: Task<Void, Never>?

    init(listener: PostgresListener) {
        let stream = listener.events
        reader = nil
        Task { await self.startReading(stream) }
    }

    private func startReading(_ stream: AsyncStream<PostgresListener.Event>) {
        reader = Task {
            for await event in stream {
                self.append(event)
            }
        }
    }

    private func append(_ event: PostgresListener.Event) {
        events.append(event)
    }

    /// Waits up to `timeout` for `condition` to hold for the events so far.
    func waitFor(within timeout: Duration, _ condition: ([PostgresListener.Event]) -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition(events) { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return condition(events)
    }
}

extension PostgresListener.Event {
    /// The notification's payload, or nil for other events.
    var payload: String? {
        if case .notification(let notification) = self { notification.payload } else { nil }
    }
}
