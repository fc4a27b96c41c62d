extension Optional: PostgresBindable where Wrapped: PostgresBindable {
    public static var postgresType: PostgresDataType { Wrapped.postgresType }
    @inlinable public var postgresText: String? {
        switch self {
        case .some(let value): value.postgresText
        case .none: nil
        }
    }
}

extension Optional: PostgresDecodable where Wrapped: PostgresDecodable {
    public static func decode(postgresText text: String, type: PostgresDataType) throws(PostgresDecodingError.Reason) -> Wrapped? {
        try Wrapped.decode(postgresText: text, type: type)
    }

    public static var postgresNull: Wrapped?? { .some(.none) }
}
