
/// A one-dimensional array parameter: `text[]`, `bigint[]` or `uuid[]`, for queries such as
/// `WHERE sku = ANY($1)`, or for writing many rows in one statement with `unnest`.
///
///     try await db.query("SELECT * FROM catalog WHERE sku = ANY($1)", [PostgresArray(["SKU-1", "SKU-2"])])
public struct PostgresArray: PostgresBindable, Hashable {
    /// The array literal: every element double-quoted, with `"` and `\` escaped; `NULL` bare.
    @usableFromInline let literal: String

    /// The elements as they bind one by one (`nil` elements are `NULL`).
    @inlinable public init<Element: PostgresBindable>(_ values: [Element]) {
        // Inlinable, so the elements' text conversion is specialized where it is called.
        var text: [UInt8] = [UInt8(ascii: "{")]
        text.reserveCapacity(2 + values.count * 24)
        for (index, value) in values.enumerated() {
            if index > 0 { text.append(UInt8(ascii: ",")) }
            Self.appendElement(value.postgresText, to: &text)
        }
        text.append(UInt8(ascii: "}"))
        literal = String(decoding: text, as: UTF8.self)
    }

    @usableFromInline static func appendElement(_ element: String?, to text: inout [UInt8]) {
        guard var element else {
            text += "NULL".utf8
            return
        }
        text.append(UInt8(ascii: "\""))
        element.withUTF8 { utf8 in
            var runStart = 0
            for (position, byte) in utf8.enumerated() where byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                text.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<position]))
                text.append(UInt8(ascii: "\\"))
                runStart = position
            }
            text.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
        }
        text.append(UInt8(ascii: "\""))
    }

    /// The server infers the array's type from where it is used (`sku = ANY($1)`); a statement
    /// can also state it (`$1::bigint[]`).
    public static var postgresType: PostgresDataType { .unspecified }

    public var postgresText: String? { literal }
}
