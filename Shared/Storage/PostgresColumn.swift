/// A column of a query result.
public struct PostgresColumn: Sendable, Hashable {
    public var name: String
    public var type: PostgresDataType

    public init(name: String, type: PostgresDataType) {
        self.name = name
        self.type = type
    }
}
