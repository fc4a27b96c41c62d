/// Where an order is in its life. The allowed transitions are the state machine of
/// ``OrderStatus/canTransition(to:)``; anything else is an ``IllegalTransition``.
///
/// ```
/// PENDING ──▶ PROCESSING ──▶ PROCESSED
///    │  │          │  └──────▶ FAILED
///    │  └──────────┼─────────▶ FAILED
///    └─────────────┴─────────▶ CANCELLED
/// ```
public enum OrderStatus: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
    case pending = "PENDING"
    case processing = "PROCESSING"
    case processed = "PROCESSED"
    case failed = "FAILED"
    case cancelled = "CANCELLED"

    public var description: String { rawValue }

    /// True for the states an order never leaves.
    public var isTerminal: Bool {
        switch self {
        case .processed, .failed, .cancelled: true
        case .pending, .processing: false
        }
    }

    /// True while a customer may still cancel: processing has not finished.
    public var isCancellable: Bool { !isTerminal }

    public func canTransition(to next: OrderStatus) -> Bool {
        switch (self, next) {
        case (.pending, .processing), (.pending, .failed), (.pending, .cancelled),
            (.processing, .processed), (.processing, .failed), (.processing, .cancelled):
            true
        default:
            false
        }
    }

    /// Returns `next` if the transition is allowed, throws ``IllegalTransition`` otherwise.
    public func transition(to next: OrderStatus) throws(IllegalTransition) -> OrderStatus {
        guard canTransition(to: next) else { throw IllegalTransition(from: self, to: next) }
        return next
    }
}

/// An attempt to move an order between two states the state machine does not connect.
public struct IllegalTransition: Error, Equatable, CustomStringConvertible {
    public let from: OrderStatus
    public let to: OrderStatus

    public init(from: OrderStatus, to: OrderStatus) {
        self.from = from
        self.to = to
    }

    public var description: String { "an order cannot go from \(from) to \(to)" }
}
