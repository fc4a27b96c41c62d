import ConveyorRuntime
import Foundation
import Testing

@Suite struct UUIDTextTests {
    @Test func textFormsAreFoundationsText() {
        var samples = (0..<1000).map { _ in UUID() }
        samples.append(UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)))
        samples.append(UUID(uuid: (255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255)))
        for uuid in samples {
            #expect(uuid.lowercasedString == uuid.uuidString.lowercased())
            #expect(uuid.uppercasedString == uuid.uuidString)
        }
    }

    @Test func parsingReadsBothCasesAndSubstrings() {
        for _ in 0..<1000 {
            let uuid = UUID()
            #expect(UUID(parsing: uuid.uuidString) == uuid)
            #expect(UUID(parsing: uuid.lowercasedString) == uuid)
            #expect(UUID(parsing: "<\(uuid.lowercasedString)>".dropFirst().dropLast()) == uuid)
        }
        #expect(UUID(parsing: "6BA7B810-9dad-11D1-80b4-00C04FD430C8") == UUID(uuidString: "6ba7b810-9dad-11d1-80b4-00c04fd430c8"))
    }

    @Test(arguments: [
        "", "6ba7b810", "6ba7b810-9dad-11d1-80b4-00c04fd430c", "6ba7b810-9dad-11d1-80b4-00c04fd430c8a",
        "6ba7b8109dad11d180b400c04fd430c8", "6ba7b810-9dad-11d1-80b4_00c04fd430c8", "6ba7b81-09dad-11d1-80b4-00c04fd430c8",
        "6ba7b810-9dad-11d1-80b4-00c04fd430cg", "{6ba7b810-9dad-11d1-80b4-00c04fd430c8}", " 6ba7b810-9dad-11d1-80b4-00c04fd430c",
        "6ba7b810-9dad-11d1-80b4-00c04fd430c\u{E9}", "6ba7b810-9dad-11d1-80b4-00c04fd430c8\n",
    ])
    func parsingRefusesAnythingButTheTextForm(text: String) {
        // Stricter than `UUID(uuidString:)`, which reads " 6ba7b810-…-00c04fd430c" (a space
        // in front, a digit short) as a UUID.
        #expect(UUID(parsing: text) == nil)
    }
}
