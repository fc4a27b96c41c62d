#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A value in an AMQP field table: message headers and queue or exchange arguments.
///
/// Integers of every AMQP width decode to ``int(_:)``, floats and decimals to ``double(_:)``.
public enum HeaderValue: Sendable, Hashable {
    case string(String)
    case int(Int64)
    case double(Double)
    case bool(Bool)
    /// An AMQP timestamp: whole seconds since 1970.
    case timestamp(Date)
    case bytes([UInt8])
    case array([HeaderValue])
    case table([String: HeaderValue])

    /// The string, if this is one.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The integer, if this is one, or a string holding a decimal integer.
    public var intValue: Int64? {
        switch self {
        case .int(let value): return value
        case .string(let value): return Int64(value)
        default: return nil
        }
    }

    /// The boolean, if this is one.
    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }
}

extension HeaderValue: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) {
        self = .string(value)
    }
}

extension HeaderValue: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: Int64) {
        self = .int(value)
    }
}

extension HeaderValue: ExpressibleByBooleanLiteral {
    public init(booleanLiteral value: Bool) {
        self = .bool(value)
    }
}

extension HeaderValue: ExpressibleByFloatLiteral {
    public init(floatLiteral value: Double) {
        self = .double(value)
    }
}
