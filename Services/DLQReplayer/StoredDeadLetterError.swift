/// A stored dead letter cannot be used as it is: its headers or properties are not what
/// `serve` writes, or it lacks what a replay needs.
struct StoredDeadLetterError: Error, Sendable, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}
