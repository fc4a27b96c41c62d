import Foundation

/// A one-dimensional array parameter: `text[]`, `bigint[]` or `uuid[]`, for queries such as
/// `WHERE sku = ANY($1)`, or for writing many rows in one statement with `unnest`.
///
///     try await db.query("SELECT * FROM catalog WHERE sku = ANY($1)", [PostgresArray(["SKU-1", "SKU-2"])])
public struct PostgresArray: PostgresBindable, Hashable {
    /// The elements in PostgreSQL's text format; nil is `NULL`.
    private let elements: [String?]

    /// The elements as they bind one by one (`nil` elements are `NULL`).
    public init<Element: PostgresBindable>(_ values: [Element]) {
        elements = values.map { $0.postgresText }
    }

    /// The server infers the array's type from where it is used (`sku = ANY($1)`); a statement
    /// can also state it (`$1::bigint[]`).
    public static var postgresType: PostgresDataType { .unspecified }

    /// The array literal: every element double-quoted, with `"` and `\` escaped; `NULL` bare.
    public var postgresText: String? {
        var text: [UInt8] = [UInt8(ascii: "{")]
        text.reserveCapacity(2 + elements.reduce(0) { $0 + ($1?.utf8.count ?? 4) + 3 })
        for (index, element) in elements.enumerated() {
            if index > 0 { text.append(UInt8(ascii: ",")) }
            guard let element else {
                text += "NULL".utf8
                continue
            }
            text.append(UInt8(ascii: "\""))
            for byte in element.utf8 {
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { text.append(UInt8(ascii: "\\")) }
                text.append(byte)
            }
            text.append(UInt8(ascii: "\""))
        }
        text.append(UInt8(ascii: "}"))
        return String(decoding: text, as: UTF8.self)
    }
}
