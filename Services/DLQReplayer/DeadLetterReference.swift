import ConveyorRuntime
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// How an operator names one dead letter: its row id (`42`) or its event id (a UUID; several
/// rows share one when the same event was dead-lettered more than once).
enum DeadLetterReference: Sendable, Hashable, CustomStringConvertible {
    case id(Int64)
    case eventID(UUID)

    init?(_ text: String) {
        let trimmed = text.trimmingSpaces()
        if let id = Int64(trimmed), id > 0 {
            self = .id(id)
        } else if let uuid = UUID(parsing: trimmed) {
            self = .eventID(uuid)
        } else {
            return nil
        }
    }

    var description: String {
        switch self {
        case .id(let id): "\(id)"
        case .eventID(let uuid): uuid.lowercasedString
        }
    }
}
