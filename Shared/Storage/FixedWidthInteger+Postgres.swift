extension FixedWidthInteger {
    /// Parses an integer column of one of `accepted` types.
    static func decodePostgresInteger(
        _ text: String,
        type: PostgresDataType,
        accepted: Set<PostgresDataType>
    ) throws(PostgresDecodingError.Reason) -> Self {
        guard accepted.contains(type) else { throw .typeMismatch(type) }
        guard let value = Self(text) else { throw .invalidValue("\"\(text)\" is not an integer in range") }
        return value
    }
}

extension Int: PostgresBindable, PostgresDecodable {
    public static var postgresType: PostgresDataType { .int8 }
    public var postgresText: String? { String(self) }

    public static func decode(postgresText text: String, type: PostgresDataType) throws(PostgresDecodingError.Reason) -> Int {
        try decodePostgresInteger(text, type: type, accepted: [.int2, .int4, .int8, .oid])
    }
}

extension Int64: PostgresBindable, PostgresDecodable {
    public static var postgresType: PostgresDataType { .int8 }
    public var postgresText: String? { String(self) }

    public static func decode(postgresText text: String, type: PostgresDataType) throws(PostgresDecodingError.Reason) -> Int64 {
        try decodePostgresInteger(text, type: type, accepted: [.int2, .int4, .int8, .oid])
    }
}

extension Int32: PostgresBindable, PostgresDecodable {
    public static var postgresType: PostgresDataType { .int4 }
    public var postgresText: String? { String(self) }

    public static func decode(postgresText text: String, type: PostgresDataType) throws(PostgresDecodingError.Reason) -> Int32 {
        try decodePostgresInteger(text, type: type, accepted: [.int2, .int4])
    }
}

extension Int16: PostgresBindable, PostgresDecodable {
    public static var postgresType: PostgresDataType { .int2 }
    public var postgresText: String? { String(self) }

    public static func decode(postgresText text: String, type: PostgresDataType) throws(PostgresDecodingError.Reason) -> Int16 {
        try decodePostgresInteger(text, type: type, accepted: [.int2])
    }
}
