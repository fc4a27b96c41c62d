import Foundation
import Testing

@testable import Mail

@Suite struct HeaderTextTests {
    @Test func forbiddenCharactersAreTheControlCharactersButTabAndTheLineSeparators() {
        for value in UInt32(0)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let expected =
                scalar != "\t" && scalar.properties.generalCategory == .control || scalar == "\u{2028}" || scalar == "\u{2029}"
            #expect(HeaderText.isForbidden(scalar) == expected, "U+\(String(value, radix: 16))")
        }
    }

    @Test(arguments: [
        ("plain subject", false), ("tab\tseparated", false), ("Zürich – café ☕", false), ("line\nbreak", true),
        ("carriage\rreturn", true), ("nul\u{0}", true), ("delete\u{7F}", true), ("next line \u{85}", true),
        ("Ç and \u{9F}", true), ("line \u{2028} separator", true), ("paragraph \u{2029}", true), ("en dash \u{2013}", false),
        ("", false),
    ])
    func containsForbiddenFindsThemInText(text: String, forbidden: Bool) {
        #expect(HeaderText.containsForbidden(text) == forbidden)
    }

    @Test func needsEncodingForNonASCIIAndEncodedWordStarts() {
        #expect(!HeaderText.needsEncoding("Order 42: PROCESSED"))
        #expect(!HeaderText.needsEncoding("a = b? c"))
        #expect(HeaderText.needsEncoding("=?utf-8?Q?x?="))
        #expect(HeaderText.needsEncoding("price =?"))
        #expect(HeaderText.needsEncoding("Zürich"))
    }

    @Test func unstructuredFieldsThatFitOnALineAreWrittenAsFoldingWouldWriteThem() {
        let name = "Subject"
        for length in [1, 60, 69, 70, 71, 90, 200] {
            for value in [String(repeating: "x", count: length), String(repeating: "ab ", count: length / 3 + 1), " two  spaces " + String(repeating: "y", count: length)] {
                let folded = HeaderText.fold(name: name, atoms: value.split(separator: " ", omittingEmptySubsequences: false).map(String.init))
                #expect(HeaderText.unstructured(name: name, value: value) == folded, "\(value.utf8.count) bytes")
            }
        }
        #expect(HeaderText.unstructured(name: name, value: String(repeating: "z", count: 69)).utf8.count == 78)
    }

    @Test func mailDatesAreUTCWithTheWeekday() {
        let cases: [(TimeInterval, String)] = [
            (0, "Thu, 01 Jan 1970 00:00:00 +0000"),
            (1_751_373_296, "Tue, 01 Jul 2025 12:34:56 +0000"),
            (951_782_400, "Tue, 29 Feb 2000 00:00:00 +0000"),
            (1_798_761_599.999, "Thu, 31 Dec 2026 23:59:59 +0000"),
        ]
        for (seconds, text) in cases {
            #expect(MailDate.format(Date(timeIntervalSince1970: seconds)) == text)
        }
    }
}
