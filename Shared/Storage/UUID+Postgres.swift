import ConveyorRuntime
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension UUID: PostgresBindable, PostgresDecodable {
    public static var postgresType: PostgresDataType { .uuid }
    public var postgresText: String? { lowercasedString }

    /// Reads `uuid` columns, and character columns holding a UUID.
    public static func decode(postgresText text: String, type: PostgresDataType) throws(PostgresDecodingError.Reason) -> UUID {
        guard type == .uuid || type.isTextual else { throw .typeMismatch(type) }
        guard let uuid = UUID(parsing: text) else { throw .invalidValue("\"\(text)\" is not a UUID") }
        return uuid
    }
}
