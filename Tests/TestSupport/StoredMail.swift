import Foundation

/// A message as the sink stored it, with a small independent reader for its headers and
/// body, used to check what ``EmailMessage`` renders.
public struct StoredMail {
    public struct Envelope: Decodable {
        public let file: String
        public let mail_from: String
        public let rcpt_tos: [String]
        public let peer: String
        public let user: String?
        public let tls: Bool
    }

    public let envelope: Envelope
    public let raw: [UInt8]
}

/// Reads an RFC 5322 message: unfolded headers, the raw body, and the decoders the checks need.
public struct ParsedMail {
    public let headerLines: [String]
    public let headers: [(name: String, value: String)]
    public let body: [UInt8]

    public init(_ raw: [UInt8]) {
        let separator: [UInt8] = [13, 10, 13, 10]
        var split = raw.count
        var index = 0
        while index + 4 <= raw.count {
            if Array(raw[index..<index + 4]) == separator {
                split = index
                break
            }
            index += 1
        }
        let headerText = String(decoding: raw[..<split], as: UTF8.self)
        body = split + 4 <= raw.count ? Array(raw[(split + 4)...]) : []
        headerLines = headerText.components(separatedBy: "\r\n")
        var headers: [(String, String)] = []
        for line in headerLines {
            if line.hasPrefix(" ") || line.hasPrefix("\t") {
                headers[headers.count - 1].1 += line
            } else if let colon = line.firstIndex(of: ":") {
                var value = String(line[line.index(after: colon)...])
                if value.hasPrefix(" ") { value.removeFirst() }
                headers.append((String(line[..<colon]), value))
            }
        }
        self.headers = headers
    }

    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// Decodes `=?utf-8?B?…?=` words; whitespace between two encoded-words is dropped.
    public static func decodeEncodedWords(_ value: String) -> String {
        let pattern = /=\?utf-8\?B\?([A-Za-z0-9+\/=]*)\?=/
        var output = ""
        var rest = Substring(value)
        var previousWasEncoded = false
        while let match = rest.firstMatch(of: pattern) {
            let between = rest[..<match.range.lowerBound]
            if !(previousWasEncoded && between.allSatisfy(\.isWhitespace)) { output += between }
            let bytes = Data(base64Encoded: String(match.1)) ?? Data()
            output += String(decoding: bytes, as: UTF8.self)
            rest = rest[match.range.upperBound...]
            previousWasEncoded = true
        }
        return output + rest
    }

    /// Decodes a quoted-printable body: soft breaks removed, `=XX` to bytes.
    public static func decodeQuotedPrintable(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "="), index + 2 < bytes.count {
                if bytes[index + 1] == 13, bytes[index + 2] == 10 {
                    index += 3
                    continue
                }
                let hex = String(decoding: bytes[(index + 1)...(index + 2)], as: UTF8.self)
                if let value = UInt8(hex, radix: 16) {
                    output.append(value)
                    index += 3
                    continue
                }
            }
            output.append(byte)
            index += 1
        }
        return output
    }

    /// The lines of `bytes` split at CRLF; nil when a CR or LF appears on its own.
    public static func crlfLines(_ bytes: [UInt8]) -> [ArraySlice<UInt8>]? {
        var lines: [ArraySlice<UInt8>] = []
        var start = 0
        var index = 0
        while index < bytes.count {
            if bytes[index] == 13 {
                guard index + 1 < bytes.count, bytes[index + 1] == 10 else { return nil }
                lines.append(bytes[start..<index])
                index += 2
                start = index
            } else if bytes[index] == 10 {
                return nil
            } else {
                index += 1
            }
        }
        if start < bytes.count { lines.append(bytes[start...]) }
        return lines
    }
}
