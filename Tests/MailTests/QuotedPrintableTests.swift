import Testing
import TestSupport

@testable import Mail

@Suite struct QuotedPrintableTests {
    func encode(_ text: String) -> String {
        String(decoding: QuotedPrintable.encode(lines: BodyEncoding.lines(of: text)), as: UTF8.self)
    }

    @Test func escapesEqualsNonASCIIAndTrailingWhitespace() {
        #expect(encode("a=b") == "a=3Db\r\n")
        #expect(encode("é") == "=C3=A9\r\n")
        #expect(encode("tab\t") == "tab=09\r\n")
        #expect(encode("space ") == "space=20\r\n")
        #expect(encode("in between stays") == "in between stays\r\n")
    }

    @Test func breaksLongLinesSoftlyWithinSeventySixCharacters() {
        let line = String(repeating: "a", count: 200)
        let encoded = encode(line)
        let lines = encoded.components(separatedBy: "\r\n").dropLast()
        #expect(lines.allSatisfy { $0.utf8.count <= 76 })
        #expect(lines.dropLast().allSatisfy { $0.hasSuffix("=") })
        #expect(encoded.replacingOccurrences(of: "=\r\n", with: "") == line + "\r\n")
    }

    @Test func neverSplitsAnEscape() {
        let line = String(repeating: "é", count: 60)
        let lines = encode(line).components(separatedBy: "\r\n").dropLast()
        for output in lines.dropLast() {
            // Each full line is whole "=XX" escapes followed by the soft break's "=".
            #expect(output.dropLast().utf8.count % 3 == 0)
            #expect(output.utf8.count <= 76)
        }
        let decoded = ParsedMail.decodeQuotedPrintable(Array(encode(line).utf8))
        #expect(decoded == Array((line + "\r\n").utf8))
    }

    @Test func aLineOfExactlySeventySixCharactersNeedsNoBreak() {
        let line = String(repeating: "b", count: 76)
        #expect(encode(line) == line + "\r\n")
        #expect(encode(line + "b").hasPrefix(String(repeating: "b", count: 75) + "=\r\n"))
    }

    @Test func splitsLinesAtAnyLineBreak() {
        #expect(BodyEncoding.lines(of: "a\r\nb\nc\rd").map { Array($0) } == [[97], [98], [99], [100]])
        #expect(BodyEncoding.lines(of: "a\n").map { Array($0) } == [[97]])
        #expect(BodyEncoding.lines(of: "a\n\n").map { Array($0) } == [[97], []])
        #expect(BodyEncoding.lines(of: "").map { Array($0) } == [[]])
    }
}
