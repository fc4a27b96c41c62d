extension Bool: PostgresBindable, PostgresDecodable {
    public static var postgresType: PostgresDataType { .bool }
    public var postgresText: String? { self ? "t" : "f" }

    public static func decode(postgresText text: String, type: PostgresDataType) throws(PostgresDecodingError.Reason) -> Bool {
        guard type == .bool else { throw .typeMismatch(type) }
        switch text {
        case "t": return true
        case "f": return false
        default: throw .invalidValue("\"\(text)\" is not t or f")
        }
    }
}
