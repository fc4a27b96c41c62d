#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Reads a service's configuration from environment variables and collects every problem, so
/// a misconfigured service names all of its bad variables at once.
///
/// ```swift
/// var reader = ConfigurationReader(environment: ProcessInfo.processInfo.environment)
/// let port = reader.int("HTTP_PORT", default: 8080, range: 1...65535)
/// try reader.validate()   // throws ConfigurationError listing every problem
/// ```
public struct ConfigurationReader: Sendable {
    public let environment: [String: String]
    public private(set) var problems: [ConfigurationProblem] = []

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    /// Throws ``ConfigurationError`` when any read so far found a problem.
    public func validate() throws(ConfigurationError) {
        guard problems.isEmpty else { throw ConfigurationError(problems: problems) }
    }

    /// Records a problem found by a check of the caller's own (for example two values that conflict).
    public mutating func report(_ variable: String, expected: String, found: String? = nil) {
        problems.append(ConfigurationProblem(variable: variable, expected: expected, found: found))
    }

    /// The value of `name`, with surrounding whitespace removed; nil when unset or empty.
    public func raw(_ name: String) -> String? {
        guard let value = environment[name]?.trimmingWhitespace(), !value.isEmpty else {
            return nil
        }
        return value
    }

    /// A required string.
    public mutating func requiredString(_ name: String, expected: String) -> String {
        guard let value = raw(name) else {
            report(name, expected: expected)
            return ""
        }
        return value
    }

    public func string(_ name: String, default defaultValue: String) -> String {
        raw(name) ?? defaultValue
    }

    public func optionalString(_ name: String) -> String? {
        raw(name)
    }

    /// An integer within `range`.
    public mutating func int(_ name: String, default defaultValue: Int, range: ClosedRange<Int>) -> Int {
        guard let text = raw(name) else { return defaultValue }
        guard let value = Int(text), range.contains(value) else {
            report(name, expected: "an integer from \(range.lowerBound) to \(range.upperBound)", found: text)
            return defaultValue
        }
        return value
    }

    /// A boolean: `true`/`false`, `1`/`0`, `yes`/`no`, `on`/`off`.
    public mutating func bool(_ name: String, default defaultValue: Bool) -> Bool {
        guard let text = raw(name) else { return defaultValue }
        switch text.lowercased() {
        case "true", "1", "yes", "on": return true
        case "false", "0", "no", "off": return false
        default:
            report(name, expected: "true or false", found: text)
            return defaultValue
        }
    }

    /// A duration such as `250ms`, `5s`, `2m` or `1h`; a bare number means seconds.
    public mutating func duration(_ name: String, default defaultValue: Duration, range: ClosedRange<Duration>? = nil) -> Duration {
        guard let text = raw(name) else { return defaultValue }
        guard let value = DurationParser.parse(text), range.map({ $0.contains(value) }) ?? (value >= .zero) else {
            let bounds = range.map { " from \(DurationParser.format($0.lowerBound)) to \(DurationParser.format($0.upperBound))" } ?? ""
            report(name, expected: "a duration like 500ms, 5s, 2m or 1h\(bounds)", found: text)
            return defaultValue
        }
        return value
    }

    /// A comma-separated list of durations, e.g. `1s,5s,30s,2m`.
    public mutating func durations(_ name: String, default defaultValue: [Duration]) -> [Duration] {
        guard let text = raw(name) else { return defaultValue }
        let parts = text.split(separator: ",").map { $0.trimmingSpaces() }
        let values = parts.compactMap(DurationParser.parse)
        guard !values.isEmpty, values.count == parts.count, values.allSatisfy({ $0 > .zero }) else {
            report(name, expected: "a comma-separated list of positive durations like 1s,5s,30s,2m", found: text)
            return defaultValue
        }
        return values
    }

    /// One of a fixed set of words.
    public mutating func choice<T: RawRepresentable & CaseIterable>(_ name: String, default defaultValue: T) -> T where T.RawValue == String {
        guard let text = raw(name) else { return defaultValue }
        guard let value = T(rawValue: text.lowercased()) else {
            report(name, expected: "one of " + T.allCases.map(\.rawValue).joined(separator: ", "), found: text)
            return defaultValue
        }
        return value
    }

    /// A URL with one of `schemes`; required unless `default` is given. Never echoes the value
    /// back in errors, because URLs carry passwords.
    public mutating func url(_ name: String, schemes: [String], default defaultValue: String? = nil) -> String {
        guard let text = raw(name) ?? defaultValue else {
            report(name, expected: "a URL (" + schemes.map { "\($0)://…" }.joined(separator: " or ") + ")")
            return ""
        }
        guard let scheme = text.split(separator: ":", maxSplits: 1).first.map({ $0.lowercased() }),
            schemes.contains(scheme), URLComponents(string: text)?.host?.isEmpty == false
        else {
            report(name, expected: "a URL (" + schemes.map { "\($0)://…" }.joined(separator: " or ") + ")", found: "a malformed value")
            return ""
        }
        return text
    }
}

/// One bad or missing configuration variable.
public struct ConfigurationProblem: Hashable, Sendable, CustomStringConvertible {
    public var variable: String
    /// What the variable should hold, e.g. "an integer from 1 to 65535".
    public var expected: String
    /// What it held, when it was set (never a secret).
    public var found: String?

    public var description: String {
        if let found {
            "\(variable) must be \(expected), not '\(found)'"
        } else {
            "\(variable) is required: \(expected)"
        }
    }
}

/// A service's configuration is unusable; the service exits with status 2.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    public var problems: [ConfigurationProblem]

    public var description: String {
        "invalid configuration: " + problems.map(\.description).joined(separator: "; ")
    }
}
