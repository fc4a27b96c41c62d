import Logging

/// How a service logs.
///
/// - `LOG_LEVEL`: `trace`, `debug`, `info`, `notice`, `warning`, `error` or `critical`; default `info`.
/// - `LOG_FORMAT`: `json` (one object per line, the default) or `text` (for a terminal).
public struct LoggingConfiguration: Sendable {
    public enum Format: String, Sendable, CaseIterable {
        case json
        case text
    }

    public var level: Logger.Level
    public var format: Format

    public init(level: Logger.Level = .info, format: Format = .json) {
        self.level = level
        self.format = format
    }

    public init(reader: inout ConfigurationReader) {
        level = reader.choice("LOG_LEVEL", default: .info)
        format = reader.choice("LOG_FORMAT", default: .json)
    }

    /// Installs the process-wide log handler. Call once, first thing in `main`.
    public func bootstrap(service: String, metadataProvider: Logger.MetadataProvider? = nil) {
        let level = self.level
        switch format {
        case .json:
            LoggingSystem.bootstrap(
                { label, provider in JSONLogHandler(label: label, service: service, level: level, metadataProvider: provider) },
                metadataProvider: metadataProvider)
        case .text:
            LoggingSystem.bootstrap(
                { label, provider in
                    var handler = StreamLogHandler.standardOutput(label: "\(service).\(label)", metadataProvider: provider)
                    handler.logLevel = level
                    return handler
                },
                metadataProvider: metadataProvider)
        }
    }
}
