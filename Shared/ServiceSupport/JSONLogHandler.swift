import ConveyorRuntime
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging
import Synchronization

/// A `LogHandler` that writes one JSON object per line to standard output:
///
/// ```json
/// {"timestamp":"2026-11-21T18:45:08.123Z","level":"info","service":"order-processor","logger":"consumer","message":"order processed","orderId":"…","eventId":"…","traceId":"…"}
/// ```
///
/// Metadata from the logger, the handler's metadata provider and the call site become
/// top-level keys; nested values become JSON arrays and objects.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    public var logLevel: Logger.Level
    private let label: String
    private let service: String
    private let output: LogOutput

    public init(label: String, service: String, level: Logger.Level = .info, metadataProvider: Logger.MetadataProvider? = nil, output: LogOutput = .standardOutput) {
        self.label = label
        self.service = service
        self.logLevel = level
        self.metadataProvider = metadataProvider
        self.output = output
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get(), !provided.isEmpty {
            merged.merge(provided) { _, new in new }
        }
        if let explicit = event.metadata, !explicit.isEmpty {
            merged.merge(explicit) { _, new in new }
        }
        var json = JSONText()
        let now = Date()
        json.raw(#"{"timestamp":"#)
        json.string(UTCTimestamp.format(now) ?? now.formatted(.iso8601))
        json.raw(#","level":"#)
        json.string(event.level.rawValue)
        json.raw(#","service":"#)
        json.string(service)
        json.raw(#","logger":"#)
        json.string(label)
        json.raw(#","message":"#)
        json.string(event.message.description)
        if let error = event.error, merged["error"] == nil {
            json.pair("error", .string(String(describing: error)))
        }
        if event.level >= .warning || logLevel <= .debug {
            let file = event.file.split(separator: "/").last.map(String.init) ?? event.file
            json.pair("source", .string("\(event.source)/\(file):\(event.line)"))
        }
        for key in merged.keys.sorted() where !JSONLogHandler.reservedKeys.contains(key) {
            json.pair(key, merged[key]!)
        }
        json.raw("}\n")
        output.write(json.text)
    }

    static let reservedKeys: Set<String> = ["timestamp", "level", "service", "logger", "message", "source"]
}

/// Where ``JSONLogHandler`` writes its lines. Lines from all threads are written whole.
public struct LogOutput: Sendable {
    private let sink: @Sendable (String) -> Void

    public init(_ sink: @escaping @Sendable (String) -> Void) {
        self.sink = sink
    }

    func write(_ line: String) {
        sink(line)
    }

    /// File descriptor 1, written with one `write(2)` per line under a lock.
    public static let standardOutput = LogOutput.fileDescriptor(1)

    /// File descriptor 2, for command-line tools whose standard output carries their results.
    public static let standardError = LogOutput.fileDescriptor(2)

    private static func fileDescriptor(_ descriptor: Int32) -> LogOutput {
        let lock = Mutex(())
        return LogOutput { line in
            lock.withLock { _ in
                StandardStreams.write(line, to: descriptor)
            }
        }
    }
}
