import CLibPQ
import Logging

/// Receives a connection's NOTICE, WARNING and other non-error messages from libpq (which
/// would print them to stderr) and logs them.
///
/// libpq calls it on the connection's own thread while a call is in progress.
final class NoticeSink: Sendable {
    let logger: Logger

    init(logger: Logger) {
        self.logger = logger
    }

    func receive(_ result: OpaquePointer) {
        let severity = Self.field(result, "V") ?? Self.field(result, "S") ?? "NOTICE"
        let message = Self.field(result, "M") ?? String(cString: PQresultErrorMessage(result))
        var metadata: Logger.Metadata = ["db.severity": "\(severity)"]
        if let sqlState = Self.field(result, "C") { metadata["db.sqlstate"] = "\(sqlState)" }
        if let detail = Self.field(result, "D") { metadata["db.detail"] = "\(detail)" }
        let level: Logger.Level =
            switch severity {
            case "DEBUG": .debug
            case "LOG", "INFO": .info
            case "NOTICE": .notice
            // ERROR and FATAL reach the notice receiver only outside a statement, when the
            // server ends an idle session (for example on shutdown); the pool then replaces it.
            default: .warning
            }
        logger.log(level: level, "PostgreSQL \(severity): \(message)", metadata: metadata)
    }

    /// One diagnostic field of a notice or error (`PG_DIAG_*` codes are single characters).
    static func field(_ result: OpaquePointer, _ code: Character) -> String? {
        guard let ascii = code.asciiValue, let value = PQresultErrorField(result, Int32(ascii)) else { return nil }
        return String(cString: value)
    }
}
