import ConveyorRuntime
import Foundation
import Testing

@Suite struct TextTests {
    /// Every scalar up to U+FFFF and a few beyond, trimmable or not, except U+200B ZERO WIDTH
    /// SPACE: Foundation's sets still count it as a space (Unicode stopped in 4.0.1), Conveyor's
    /// trimming does not (tested below).
    private static let scalars: [Unicode.Scalar] = (0...0xFFFF).filter { $0 != 0x200B }.compactMap(Unicode.Scalar.init)
        + [0x1_0000, 0x1_F600, 0xE_0020, 0x10_FFFF].compactMap(Unicode.Scalar.init)

    @Test func trimmingSpacesRemovesFoundationsWhitespaces() {
        for scalar in Self.scalars {
            let text = "\(scalar)a\(scalar)b\(scalar)"
            #expect(text.trimmingSpaces() == text.trimmingCharacters(in: .whitespaces), "U+\(String(scalar.value, radix: 16))")
        }
    }

    @Test func trimmingWhitespaceRemovesFoundationsWhitespacesAndNewlines() {
        for scalar in Self.scalars {
            let text = "\(scalar)a\(scalar)b\(scalar)"
            #expect(
                text.trimmingWhitespace() == text.trimmingCharacters(in: .whitespacesAndNewlines),
                "U+\(String(scalar.value, radix: 16))")
        }
    }

    @Test func trimmingKeepsInnerTextAndWorksOnSubstrings() {
        #expect(" \t a b \u{3000}".trimmingSpaces() == "a b")
        #expect("\n a \n".trimmingSpaces() == "\n a \n")
        #expect("\r\n a \u{2028}".trimmingWhitespace() == "a")
        #expect("   ".trimmingSpaces() == "")
        #expect("".trimmingWhitespace() == "")
        #expect("x, y ,z".split(separator: ",").map { $0.trimmingSpaces() } == ["x", "y", "z"])
        #expect("\u{200B}a\u{200B}".trimmingSpaces() == "\u{200B}a\u{200B}")
        #expect("\u{200B}a\u{200B}".trimmingWhitespace() == "\u{200B}a\u{200B}")
    }

    @Test(arguments: [
        "", "plain", "a%20b", "%41%42%43", "%e2%82%ac and %E2%82%AC", "100%25", "p%40ss%3Aword%2F", "+stays+",
        "%", "%4", "%zz", "abc%", "%ff", "%c3", "%c3%28", "%00",
    ])
    func percentDecodingAgreesWithFoundation(text: String) {
        #expect(text.percentDecoded() == text.removingPercentEncoding)
        #expect(text[...].percentDecoded() == text.removingPercentEncoding)
    }

    @Test func standardStreamsWriteWholeTextToADescriptor() throws {
        var descriptors: [Int32] = [0, 0]
        try #require(pipe(&descriptors) == 0)
        defer { close(descriptors[0]) }
        let text = String(repeating: "line é €\n", count: 1000)
        StandardStreams.write(text, to: descriptors[1])
        close(descriptors[1])
        let read = FileHandle(fileDescriptor: descriptors[0]).readDataToEndOfFile()
        #expect(String(decoding: read, as: UTF8.self) == text)
    }
}
