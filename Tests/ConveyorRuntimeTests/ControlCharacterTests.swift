import ConveyorRuntime
import Testing

@Suite struct ControlCharacterTests {
    @Test func controlCharactersAreGeneralCategoryCc() {
        for value in UInt32(0)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            #expect(scalar.isControlCharacter == (scalar.properties.generalCategory == .control), "U+\(String(value, radix: 16))")
        }
    }
}
