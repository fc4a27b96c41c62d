/// Joins a content-carrying method (`basic.deliver`, `basic.return`), its header frame and its
/// body frames into one message. Frames of one message arrive in order on a channel.
struct ContentAssembler {
    private var method: InboundMethod?
    private var message: Message?
    private var expectedSize: UInt64 = 0

    /// True while a message is partly read.
    var isAssembling: Bool { method != nil }

    /// Starts a message announced by `method`.
    mutating func begin(_ method: InboundMethod) {
        self.method = method
        message = nil
        expectedSize = 0
    }

    /// Feeds the next frame; returns the method and message once the body is complete.
    ///
    /// - Throws: ``AMQPError/library(operation:message:)`` when frames arrive out of order.
    mutating func accept(_ frame: InboundFrame) throws -> (InboundMethod, Message)? {
        switch frame {
        case .header(let properties, let bodySize):
            guard method != nil, message == nil else { throw Self.outOfOrder("content header") }
            message = properties
            message?.body.reserveCapacity(Int(clamping: bodySize))
            expectedSize = bodySize
        case .body(let bytes):
            guard method != nil, message != nil else { throw Self.outOfOrder("content body") }
            message?.body.append(contentsOf: bytes)
        case .method, .ignored:
            throw Self.outOfOrder("frame inside message content")
        }
        guard let method, let message, UInt64(message.body.count) >= expectedSize else { return nil }
        self.method = nil
        self.message = nil
        return (method, message)
    }

    private static func outOfOrder(_ what: String) -> AMQPError {
        AMQPError.library(operation: "read message", message: "unexpected \(what)")
    }
}
