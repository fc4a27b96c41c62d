#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension Delivery {
    /// Failure details longer than this are cut, to keep headers well inside a frame.
    static let maximumFailureDetailLength = 2048

    /// A copy of the message to republish after a failure: every property and header kept
    /// (`conveyor-replay-count` included), the failure headers set, the broker-owned
    /// dead-lettering headers of the old copy left out.
    ///
    /// - Parameter attempt: the `conveyor-attempt` the copy carries: the next attempt for a
    ///   retry, the failed one for the dead-letter queue.
    public func failureCopy(attempt: Int, reason: String, detail: String, failedAt: Date = Date()) -> Message {
        var copy = message
        for header in ConveyorHeader.brokerOwned {
            copy.headers.removeValue(forKey: header)
        }
        copy.headers[ConveyorHeader.attempt] = .int(Int64(attempt))
        copy.headers[ConveyorHeader.failureReason] = .string(reason)
        copy.headers[ConveyorHeader.failureDetail] = .string(String(detail.prefix(Self.maximumFailureDetailLength)))
        copy.headers[ConveyorHeader.failedAt] = .string(failedAt.formatted(.iso8601))
        if copy.headers[ConveyorHeader.originQueue]?.stringValue == nil {
            copy.headers[ConveyorHeader.originQueue] = .string(queue)
        }
        copy.headers[ConveyorHeader.originRoutingKey] = .string(eventRoutingKey)
        return copy
    }
}
