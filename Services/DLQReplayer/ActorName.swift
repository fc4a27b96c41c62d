#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Who an audit row names: `--actor`, else `$USER`, else `unknown`.
enum ActorName {
    static func resolve(_ option: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let option, !option.trimmingSpaces().isEmpty { return option }
        if let user = environment["USER"], !user.isEmpty { return user }
        return "unknown"
    }
}
