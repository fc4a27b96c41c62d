import ConveyorRuntime
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The keyset position after the last order of a page: its `created_at` (as PostgreSQL
/// printed it, so it compares exactly) and id, base64url-encoded. Opaque to clients.
struct OrderCursor: Equatable, Sendable {
    var createdAt: String
    var id: UUID

    init(createdAt: String, id: UUID) {
        self.createdAt = createdAt
        self.id = id
    }

    init?(encoded: String) {
        var base64 = encoded.replacing("-", with: "+").replacing("_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard encoded.count <= 200, let data = Data(base64Encoded: base64), let text = String(data: data, encoding: .utf8) else {
            return nil
        }
        let parts = text.split(separator: "|", maxSplits: 1)
        guard parts.count == 2, let id = UUID(parsing: parts[1]) else { return nil }
        // PostgreSQL's ISO output: 2026-11-21 18:45:08.123456+00
        let timestamp = String(parts[0])
        guard timestamp.count >= 19, timestamp.count <= 40,
            timestamp.allSatisfy({ $0.isNumber || " -:.+".contains($0) })
        else { return nil }
        createdAt = timestamp
        self.id = id
    }

    var encoded: String {
        Data("\(createdAt)|\(id.lowercasedString)".utf8).base64EncodedString()
            .replacing("+", with: "-").replacing("/", with: "_")
            .replacing("=", with: "")
    }
}
