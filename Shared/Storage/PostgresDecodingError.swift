/// A result value could not be read as the requested Swift type.
public struct PostgresDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Why decoding failed.
    public enum Reason: Error, Sendable, Equatable {
        /// The column is `NULL` and the Swift type is not optional.
        case unexpectedNull
        /// The column's PostgreSQL type cannot be read as the Swift type.
        case typeMismatch(PostgresDataType)
        /// The text does not parse as the Swift type; the associated value says why.
        case invalidValue(String)
        /// The result has no column of that name.
        case missingColumn
        /// The column index is outside the result's columns.
        case indexOutOfRange(Int)
    }

    public var reason: Reason
    /// The column's name (or `#index` when it was looked up by position and is missing).
    public var column: String
    /// The Swift type that was requested.
    public var swiftType: String

    public init(reason: Reason, column: String, swiftType: String) {
        self.reason = reason
        self.column = column
        self.swiftType = swiftType
    }

    public var description: String {
        switch reason {
        case .unexpectedNull:
            "column \"\(column)\" is NULL; decode \(swiftType)? to accept NULL"
        case .typeMismatch(let type):
            "column \"\(column)\" has type \(type), which cannot be decoded as \(swiftType)"
        case .invalidValue(let why):
            "column \"\(column)\" cannot be decoded as \(swiftType): \(why)"
        case .missingColumn:
            "the result has no column \"\(column)\" (requested as \(swiftType))"
        case .indexOutOfRange(let index):
            "the result has no column at index \(index) (requested as \(swiftType))"
        }
    }
}
