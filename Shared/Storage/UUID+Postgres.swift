import Foundation

extension UUID: PostgresBindable, PostgresDecodable {
    public static var postgresType: PostgresDataType { .uuid }
    public var postgresText: String? { uuidString.lowercased() }

    /// Reads `uuid` columns, and character columns holding a UUID.
    public static func decode(postgresText text: String, type: PostgresDataType) throws(PostgresDecodingError.Reason) -> UUID {
        guard type == .uuid || type.isTextual else { throw .typeMismatch(type) }
        guard let uuid = UUID(uuidString: text) else { throw .invalidValue("\"\(text)\" is not a UUID") }
        return uuid
    }
}
