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

    /// Where log lines go: standard output for services, standard error for command-line
    /// tools whose standard output carries their results.
    public enum Stream: Sendable {
        case standardOutput
        case standardError
    }

    public var level: Logger.Level
    public var format: Format

    public init(level: Logger.Level = .info, format: Format = .json) {
        self.level = level
        self.format = format
    }

    /// Reads `LOG_LEVEL` and `LOG_FORMAT`; a command-line tool may default to fewer, plainer lines.
    public init(reader: inout ConfigurationReader, defaultLevel: Logger.Level = .info, defaultFormat: Format = .json) {
        level = reader.choice("LOG_LEVEL", default: defaultLevel)
        format = reader.choice("LOG_FORMAT", default: defaultFormat)
    }

    /// Installs the process-wide log handler. Call once, first thing in `main`.
    public func bootstrap(service: String, metadataProvider: Logger.MetadataProvider? = nil, stream: Stream = .standardOutput) {
        let level = self.level
        switch format {
        case .json:
            let output: LogOutput = stream == .standardOutput ? .standardOutput : .standardError
            LoggingSystem.bootstrap(
                { label, provider in
                    JSONLogHandler(label: label, service: service, level: level, metadataProvider: provider, output: output)
                },
                metadataProvider: metadataProvider)
        case .text:
            LoggingSystem.bootstrap(
                { label, provider in
                    var handler =
                        stream == .standardOutput
                        ? StreamLogHandler.standardOutput(label: "\(service).\(label)", metadataProvider: provider)
                        : StreamLogHandler.standardError(label: "\(service).\(label)", metadataProvider: provider)
                    handler.logLevel = level
                    return handler
                },
                metadataProvider: metadataProvider)
        }
    }
}
