/// A statement as the server prepared it: its text and the types its parameters were declared with.
struct PreparedStatementKey: Hashable, Sendable {
    var sql: String
    var types: [UInt32]
}
