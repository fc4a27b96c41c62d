import Foundation
import Storage
import Testing

@Suite struct PostgresBindableTests {
    @Test func scalarsEncodeInTextFormatWithTheirTypes() {
        #expect("héllo".postgresText == "héllo")
        #expect(String.postgresType == .unspecified)
        #expect(42.postgresText == "42")
        #expect(Int.postgresType == .int8)
        #expect(Int32(-7).postgresText == "-7")
        #expect(Int32.postgresType == .int4)
        #expect(Int64.max.postgresText == "9223372036854775807")
        #expect(true.postgresText == "t")
        #expect(false.postgresText == "f")
        #expect(Bool.postgresType == .bool)
    }

    @Test func arraysAreLiteralsWithEveryElementQuoted() {
        let texts: [String?] = ["plain", #"say "hi" \ back"#, nil, "NULL", "", #"\""#]
        #expect(PostgresArray(texts).postgresText == #"{"plain","say \"hi\" \\ back",NULL,"NULL","","\\\""}"#)
        #expect(PostgresArray([Int64.min, 0]).postgresText == #"{"-9223372036854775808","0"}"#)
        #expect(PostgresArray([String]()).postgresText == "{}")
    }

    @Test func uuidEncodesLowercase() throws {
        let uuid = try #require(UUID(uuidString: "6F9619FF-8B86-D011-B42D-00C04FC964FF"))
        #expect(uuid.postgresText == "6f9619ff-8b86-d011-b42d-00c04fc964ff")
        #expect(UUID.postgresType == .uuid)
    }

    @Test func datesEncodeAsUTCWithMicroseconds() {
        #expect(Date(timeIntervalSince1970: 0).postgresText == "1970-01-01 00:00:00.000000+00")
        #expect(Date(timeIntervalSince1970: 1_714_566_896.123456).postgresText == "2024-05-01 12:34:56.123456+00")
        #expect(Date(timeIntervalSince1970: -0.5).postgresText == "1969-12-31 23:59:59.500000+00")
        #expect(Date(timeIntervalSince1970: 951_782_400).postgresText == "2000-02-29 00:00:00.000000+00")
        #expect(Date.postgresType == .timestamptz)
    }

    @Test func decimalsEncodeWithoutExponentOrLocale() throws {
        #expect(try #require(Decimal(string: "12345678901234567890.123456789")).postgresText == "12345678901234567890.123456789")
        #expect(Decimal(-12.5).postgresText == "-12.5")
        #expect(Decimal.nan.postgresText == "NaN")
        #expect(Decimal.postgresType == .numeric)
    }

    @Test func jsonAndBytesAndOptionals() throws {
        struct Payload: Codable, Equatable { var a: Int }
        let json = try PostgresJSON(encoding: Payload(a: 1))
        #expect(json.postgresText == #"{"a":1}"#)
        #expect(PostgresJSON.postgresType == .jsonb)
        #expect(try json.decode(Payload.self) == Payload(a: 1))

        #expect([UInt8]([0x00, 0xAB, 0xFF]).postgresText == #"\x00abff"#)
        #expect([UInt8].postgresType == .bytea)

        let missing: String? = nil
        #expect(missing.postgresText == nil)
        #expect(Optional<Int>.postgresType == .int8)
        #expect(Optional(5).postgresText == "5")
    }
}
