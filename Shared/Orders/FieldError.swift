/// One problem with one field of a request, e.g. `items[2].qty`: "must be between 1 and 1000".
public struct FieldError: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The field's path in the request body: `customerEmail`, `items[0].sku`.
    public var field: String
    public var message: String

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { "\(field): \(message)" }
}

/// A request that failed validation, with every problem found.
public struct ValidationFailure: Error, Hashable, Sendable, CustomStringConvertible {
    public var errors: [FieldError]

    public init(_ errors: [FieldError]) {
        self.errors = errors
    }

    public var description: String {
        errors.map(\.description).joined(separator: "; ")
    }
}
