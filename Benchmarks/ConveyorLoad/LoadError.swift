/// A failure of the load run itself (not of an order), with a message for the operator.
struct LoadError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}
