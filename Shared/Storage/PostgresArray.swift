import Foundation

/// A one-dimensional array parameter: `text[]`, `bigint[]` or `uuid[]`, for queries such as
/// `WHERE sku = ANY($1)`.
///
///     try await db.query("SELECT * FROM catalog WHERE sku = ANY($1)", [PostgresArray(["SKU-1", "SKU-2"])])
public struct PostgresArray: PostgresBindable, Hashable {
    /// The elements in PostgreSQL's text format.
    private let elements: [String]

    public init(_ strings: [String]) {
        elements = strings
    }

    public init(_ integers: [Int64]) {
        elements = integers.map { String($0) }
    }

    public init(_ uuids: [UUID]) {
        elements = uuids.map { $0.uuidString.lowercased() }
    }

    /// The server infers the array's type from where it is used (`sku = ANY($1)`); a statement
    /// can also state it (`$1::bigint[]`).
    public static var postgresType: PostgresDataType { .unspecified }

    /// The array literal: every element double-quoted, with `"` and `\` escaped.
    public var postgresText: String? {
        var text = "{"
        for (index, element) in elements.enumerated() {
            if index > 0 { text += "," }
            text += "\""
            for character in element {
                if character == "\"" || character == "\\" { text += "\\" }
                text.append(character)
            }
            text += "\""
        }
        return text + "}"
    }
}
