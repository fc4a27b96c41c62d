extension Double: PostgresBindable, PostgresDecodable {
    /// Doubles bind as `float8`.
    public static var postgresType: PostgresDataType { .float8 }

    public var postgresText: String? {
        if isNaN { return "NaN" }
        if isInfinite { return self > 0 ? "Infinity" : "-Infinity" }
        return description
    }

    /// Reads `float4`, `float8` and `numeric`.
    public static func decode(postgresText text: String, type: PostgresDataType) throws(PostgresDecodingError.Reason) -> Double {
        switch type {
        case .float4, .float8, .numeric:
            switch text {
            case "NaN": return .nan
            case "Infinity": return .infinity
            case "-Infinity": return -.infinity
            default:
                guard let value = Double(text) else { throw .invalidValue("\"\(text)\" is not a number") }
                return value
            }
        default:
            throw .typeMismatch(type)
        }
    }
}
