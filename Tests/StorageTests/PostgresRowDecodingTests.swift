import Foundation
import Testing

@testable import Storage

/// Decoding from PostgreSQL's text format, without a server.
@Suite struct PostgresRowDecodingTests {
    private func row(_ cells: [(String, PostgresDataType, String?)]) -> PostgresRow {
        let storage = PostgresRows.Storage(
            columns: cells.map { PostgresColumn(name: $0.0, type: $0.1) },
            values: cells.map(\.2),
            rowCount: 1,
            commandTag: "SELECT 1",
            affectedRows: 1
        )
        return PostgresRows(storage: storage)[0]
    }

    @Test func decodesEachTypeByNameAndIndex() throws {
        let row = row([
            ("name", .text, "Ada"),
            ("count", .int4, "-12"),
            ("big", .int8, "9223372036854775807"),
            ("ok", .bool, "t"),
            ("id", .uuid, "6f9619ff-8b86-d011-b42d-00c04fc964ff"),
            ("at", .timestamptz, "2024-05-01 12:34:56.123456+00"),
            ("total", .numeric, "1234.50"),
            ("doc", .jsonb, #"{"a": 1}"#),
            ("raw", .bytea, #"\x00abff"#),
            ("status", .varchar, "PENDING"),
        ])
        #expect(try row.decode(String.self, "name") == "Ada")
        #expect(try row.decode(Int.self, "count") == -12)
        #expect(try row.decode(Int32.self, at: 1) == -12)
        #expect(try row.decode(Int64.self, "big") == .max)
        #expect(try row.decode(Bool.self, "ok"))
        #expect(try row.decode(UUID.self, "id") == UUID(uuidString: "6F9619FF-8B86-D011-B42D-00C04FC964FF"))
        #expect(try row.decode(Date.self, "at") == Date(timeIntervalSince1970: 1_714_566_896.123456))
        #expect(try row.decode(Decimal.self, "total") == Decimal(string: "1234.5"))
        #expect(try row.decode(String.self, "doc") == #"{"a": 1}"#)
        #expect(try row.decode([UInt8].self, "doc") == Array(#"{"a": 1}"#.utf8))
        #expect(try row.decode(PostgresJSON.self, "doc").text == #"{"a": 1}"#)
        struct Doc: Decodable, Equatable { var a: Int }
        #expect(try row.decodeJSON(Doc.self, "doc") == Doc(a: 1))
        #expect(try row.decode([UInt8].self, "raw") == [0x00, 0xAB, 0xFF])
        #expect(try row.decode(String.self, at: 9) == "PENDING")
    }

    @Test func timestampsWithOffsetsFractionsAndInfinity() throws {
        let row = row([
            ("a", .timestamptz, "2024-05-01 14:34:56+02"),
            ("b", .timestamptz, "2024-05-01 07:04:56.5-05:30"),
            ("c", .timestamp, "1970-01-01 00:00:01"),
            ("d", .timestamptz, "infinity"),
            ("e", .timestamptz, "0001-01-01 00:00:00+00 BC"),
        ])
        #expect(try row.decode(Date.self, "a") == Date(timeIntervalSince1970: 1_714_566_896))
        #expect(try row.decode(Date.self, "b") == Date(timeIntervalSince1970: 1_714_566_896.5))
        #expect(try row.decode(Date.self, "c") == Date(timeIntervalSince1970: 1))
        #expect(try row.decode(Date.self, "d") == .distantFuture)
        #expect(try row.decode(Date.self, "e") < Date(timeIntervalSince1970: -62_135_596_800))
    }

    @Test func nullIsAnErrorUnlessOptional() throws {
        let row = row([("reason", .text, nil), ("id", .int8, "5")])
        #expect(try row.decode(String?.self, "reason") == nil)
        #expect(try row.decode(Int?.self, "id") == 5)
        #expect(try row.isNull("reason"))
        #expect(throws: PostgresDecodingError(reason: .unexpectedNull, column: "reason", swiftType: "String")) {
            try row.decode(String.self, "reason")
        }
    }

    @Test func typeMismatchesAndBadValuesNameTheColumn() throws {
        let row = row([
            ("n", .int8, "5000000000"),
            ("t", .text, "abc"),
            ("b", .bool, "yes"),
            ("u", .text, "not-a-uuid"),
            ("m", .numeric, "12abc"),
        ])
        #expect(throws: PostgresDecodingError(reason: .typeMismatch(.int8), column: "n", swiftType: "Int32")) {
            try row.decode(Int32.self, "n")
        }
        #expect(throws: PostgresDecodingError(reason: .typeMismatch(.text), column: "t", swiftType: "Int")) {
            try row.decode(Int.self, "t")
        }
        #expect(throws: PostgresDecodingError(reason: .typeMismatch(.int8), column: "n", swiftType: "String")) {
            try row.decode(String.self, "n")
        }
        #expect(throws: PostgresDecodingError(reason: .invalidValue("\"yes\" is not t or f"), column: "b", swiftType: "Bool")) {
            try row.decode(Bool.self, "b")
        }
        #expect(throws: PostgresDecodingError(reason: .invalidValue("\"not-a-uuid\" is not a UUID"), column: "u", swiftType: "UUID")) {
            try row.decode(UUID.self, "u")
        }
        #expect(throws: PostgresDecodingError.self) { try row.decode(Decimal.self, "m") }
        #expect(throws: PostgresDecodingError(reason: .missingColumn, column: "nope", swiftType: "Int")) {
            try row.decode(Int.self, "nope")
        }
        #expect(throws: PostgresDecodingError(reason: .indexOutOfRange(9), column: "#9", swiftType: "Int")) {
            try row.decode(Int.self, at: 9)
        }
        let message = "\(PostgresDecodingError(reason: .typeMismatch(.text), column: "t", swiftType: "Int"))"
        #expect(message == "column \"t\" has type text, which cannot be decoded as Int")
    }
}
