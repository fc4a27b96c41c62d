import Messaging

extension DeadLetter {
    /// Headers a replayed copy leaves out: the failure headers of the attempt that dead-lettered
    /// it (the copy starts again at attempt 1, and its work queue's failure handling writes
    /// them anew) and the broker's record of the old copy's path.
    static let headersDroppedOnReplay: Set<String> = [
        ConveyorHeader.attempt, ConveyorHeader.failureReason, ConveyorHeader.failureDetail, ConveyorHeader.failedAt,
        ConveyorHeader.originQueue,
        "x-death", "x-first-death-exchange", "x-first-death-queue", "x-first-death-reason",
        "x-last-death-exchange", "x-last-death-queue", "x-last-death-reason", "x-delivery-count",
    ]

    /// The message a replay publishes: the stored body and properties (message id, type,
    /// correlation id, content type, timestamp, …), the headers without
    /// ``headersDroppedOnReplay``, `conveyor-origin-routing-key` kept (or restored from the row,
    /// for a copy the broker dead-lettered) so the work queue's handler still knows the event
    /// type, `traceparent` kept, and `conveyor-replay-count` one more than before.
    ///
    /// An expiration the original carried is not copied: a replayed message waits for its
    /// consumer, not for a clock that ran out long ago.
    func replayMessage() throws -> Message {
        var headers = try decodedHeaders()
        let previousReplays = max(headers[ConveyorHeader.replayCount]?.intValue ?? 0, Int64(replayCount))
        for name in Self.headersDroppedOnReplay {
            headers.removeValue(forKey: name)
        }
        if headers[ConveyorHeader.originRoutingKey] == nil, let originRoutingKey {
            headers[ConveyorHeader.originRoutingKey] = .string(originRoutingKey)
        }
        headers[ConveyorHeader.replayCount] = .int(previousReplays + 1)
        var message = try decodedProperties().message(body: body, headers: headers)
        message.expiration = nil
        return message
    }
}
