import Foundation
import Orders
import Testing

@Suite struct JSONParseTests {
    private func parse(_ text: String) throws(JSONSyntaxError) -> JSONValue {
        try JSONValue.parse(Array(text.utf8))
    }

    @Test(arguments: [
        #"{"customerId":"cust-123","items":[{"sku":"SKU-1","qty":2},{"sku":"SKU-2","qty":1}]}"#,
        #"  {"a" : [ 1 , -2 , 3.25 , -0.5e-3 , 1E+2 , true , false , null , "" , {} , [] ] }  "#,
        #"{"escapes":"\"\\\/\b\f\n\r\t","unicode":"\u00e9\u4e2d\ud83d\ude00","raw":"é中😀"}"#,
        #"[2, 2.0, 1e2, 0.1e1, -0, 9223372036854775807, -9223372036854775808, 9223372036854775808, 1.5]"#,
        #""just a string""#,
        "12",
        "null",
    ])
    func agreesWithFoundationsDecoder(_ text: String) throws {
        let expected = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        #expect(try parse(text) == expected)
    }

    @Test func numbersThatAreWholeAreIntegers() throws {
        #expect(try parse("[2, 2.0, 1e2, -0, 1.5, 9223372036854775808]")
            == .array([.integer(2), .integer(2), .integer(100), .integer(0), .number(1.5), .number(9_223_372_036_854_775_808)]))
    }

    @Test func aByteOrderMarkIsSkipped() throws {
        #expect(try JSONValue.parse([0xEF, 0xBB, 0xBF] + Array("[1]".utf8)) == .array([.integer(1)]))
    }

    @Test(arguments: [
        ("", 0, "the document is empty"),
        ("   ", 3, "the document holds only whitespace"),
        (#"{"customerId": "#, 15, "the document ends where a value was expected"),
        ("[1,]", 3, "unexpected ']' where a value was expected"),
        (#"{"a":1,}"#, 7, "unexpected '}' where an object key (a string) was expected"),
        (#"{"a" 1}"#, 5, "unexpected '1' where ':' was expected after an object key"),
        (#"{"a":1 "b":2}"#, 7, "unexpected '\"' where ',' or '}' was expected in an object"),
        ("[1 2]", 3, "unexpected '2' where ',' or ']' was expected in an array"),
        ("[1] x", 4, "unexpected 'x' after the JSON value"),
        ("01", 1, "a number may not start with 0 followed by more digits"),
        ("-", 1, "a number needs a digit after '-', not end of the document"),
        ("1.", 2, "a number needs a digit after '.', not end of the document"),
        (".5", 0, "unexpected '.' where a value was expected"),
        ("[1e]", 3, "a number needs a digit in its exponent, not ']'"),
        ("1e400", 0, "the number 1e400 is out of range"),
        ("nul", 0, "expected 'null'"),
        ("[tru]", 1, "expected 'true'"),
        (#""abc"#, 0, "a string is not closed"),
        (#""a\"#, 2, "a string is not closed"),
        ("\"a\u{01}\"", 2, "a control character (byte 0x01) must be escaped in a string"),
        (#""\x""#, 1, "'x' after a backslash is not a JSON escape"),
        (#""\u12""#, 1, #"a \u escape needs four hexadecimal digits"#),
        (#""\ud800""#, 1, #"a \u escape holds an unpaired surrogate"#),
        (#""\ud800\u0041""#, 1, #"a \u escape holds an unpaired surrogate"#),
        (#""\udc00""#, 1, #"a \u escape holds an unpaired surrogate"#),
        ("'single'", 0, "unexpected ''' where a value was expected"),
        (#"{"dup":1,"x":{"dup":2},"dup":3}"#, 23, #"the key "dup" appears twice in one object"#),
    ] as [(String, Int, String)])
    func malformedDocumentsSayWhereAndWhy(_ text: String, offset: Int, reason: String) {
        #expect(throws: JSONSyntaxError(offset: offset, reason: reason)) { try parse(text) }
    }

    @Test func invalidUTF8InAStringIsAnError() {
        let bytes: [UInt8] = Array(#"{"a":""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8)
        #expect(throws: JSONSyntaxError(offset: 6, reason: "a string is not valid UTF-8")) { try JSONValue.parse(bytes) }
    }

    @Test func nestingIsBounded() throws {
        let allowed = String(repeating: "[", count: JSONValue.maximumNesting) + String(repeating: "]", count: JSONValue.maximumNesting)
        #expect(throws: Never.self) { try parse(allowed) }
        let tooDeep = "[" + allowed + "]"
        #expect(throws: JSONSyntaxError(offset: JSONValue.maximumNesting, reason: "arrays and objects nest deeper than 64 levels")) {
            try parse(tooDeep)
        }
        // Deep input fails cleanly instead of exhausting the stack.
        #expect(throws: JSONSyntaxError.self) { try parse(String(repeating: "[", count: 100_000)) }
    }
}

@Suite struct JSONTextTests {
    @Test(arguments: [
        JSONValue.object([:]),
        .object(["b": .integer(-3), "a": .string("x\"\\\n\u{1}é😀/"), "c": .array([.null, .bool(true), .bool(false), .number(1.5)])]),
        .object(["reference": .string("PAY-1"), "amountMinorUnits": .integer(Int64.max)]),
        .array([.number(1e300), .number(-0.25), .integer(Int64.min)]),
    ])
    func parsesBackToTheSameValue(_ value: JSONValue) throws {
        #expect(try JSONValue.parse(Array(value.jsonText.utf8)) == value)
        #expect(try JSONDecoder().decode(JSONValue.self, from: Data(value.jsonText.utf8)) == value)
    }

    @Test func sortsKeysAndWritesCompactly() {
        #expect(JSONValue.object(["b": .integer(1), "a": .array([.null, .string("x")])]).jsonText == #"{"a":[null,"x"],"b":1}"#)
        #expect(JSONValue.number(.nan).jsonText == "null")
    }
}
