extension String: PostgresBindable, PostgresDecodable {
    /// Unspecified, so a string parameter works for text, enum, uuid or date columns alike.
    public static var postgresType: PostgresDataType { .unspecified }
    public var postgresText: String? { self }

    /// Reads character types, user-defined types (enums, domains), `uuid` and JSON as text.
    public static func decode(postgresText text: String, type: PostgresDataType) throws(PostgresDecodingError.Reason) -> String {
        guard type.isTextual || type == .uuid || type == .json || type == .jsonb else {
            throw .typeMismatch(type)
        }
        return text
    }
}
