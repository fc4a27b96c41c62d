import ConveyorRuntime
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A validated `POST /orders` body.
///
/// Prices are not part of a request: they come from the catalog. Build one with
/// ``CreateOrderRequest/validate(_:)``, which reports every problem at once as
/// ``FieldError``s.
public struct CreateOrderRequest: Hashable, Sendable {
    /// One requested line: a catalog sku and a quantity.
    public struct Item: Hashable, Sendable, Codable {
        public var sku: String
        public var qty: Int

        public init(sku: String, qty: Int) {
            self.sku = sku
            self.qty = qty
        }
    }

    public var orderId: UUID?
    public var customer: Customer
    public var currency: Currency
    public var items: [Item]

    public static let maximumItems = 100
    public static let quantityRange = 1...1000
    public static let defaultCurrency = Currency.usd
    static let fields: Set<String> = ["orderId", "customerId", "customerName", "customerEmail", "currency", "items"]

    public init(orderId: UUID? = nil, customer: Customer, currency: Currency = .usd, items: [Item]) {
        self.orderId = orderId
        self.customer = customer
        self.currency = currency
        self.items = items
    }

    /// Decodes and validates a JSON body. Throws ``ValidationFailure`` listing every bad field;
    /// a body that is not JSON at all is a ``JSONSyntaxError``.
    public static func decode(from body: some Collection<UInt8>) throws -> CreateOrderRequest {
        try validate(try JSONValue.parse(body))
    }

    /// Validates an already-parsed JSON body.
    public static func validate(_ body: JSONValue) throws(ValidationFailure) -> CreateOrderRequest {
        guard case .object(let object) = body else {
            throw ValidationFailure([FieldError(field: "", message: "must be a JSON object, not \(body.typeName)")])
        }
        var errors: [FieldError] = []
        if !object.keys.allSatisfy(fields.contains) {
            for key in object.keys.sorted() where !fields.contains(key) {
                errors.append(FieldError(field: key, message: "is not a known field"))
            }
        }

        let customerId = requiredString(object, "customerId", maxLength: 128, errors: &errors)
        let customerName = optionalString(object, "customerName", maxLength: 200, errors: &errors)
        var customerEmail = optionalString(object, "customerEmail", maxLength: 254, errors: &errors)
        if let email = customerEmail, !EmailAddress.isValid(email) {
            errors.append(FieldError(field: "customerEmail", message: "must be an e-mail address like name@example.com"))
            customerEmail = nil
        }

        var currency = defaultCurrency
        if let code = optionalString(object, "currency", maxLength: 3, errors: &errors) {
            if let known = Currency(code: code) {
                currency = known
            } else {
                errors.append(FieldError(field: "currency", message: "must be a supported ISO 4217 code such as USD or EUR"))
            }
        }

        var orderId: UUID?
        if let text = optionalString(object, "orderId", maxLength: 36, errors: &errors) {
            orderId = UUID(parsing: text)
            if orderId == nil {
                errors.append(FieldError(field: "orderId", message: "must be a UUID"))
            }
        }

        let items = validateItems(object["items"], errors: &errors)

        guard errors.isEmpty, let customerId else { throw ValidationFailure(errors) }
        return CreateOrderRequest(
            orderId: orderId,
            customer: Customer(id: customerId, name: customerName, email: customerEmail),
            currency: currency,
            items: items
        )
    }

    private static func validateItems(_ value: JSONValue?, errors: inout [FieldError]) -> [Item] {
        guard let value, value != .null else {
            errors.append(FieldError(field: "items", message: "is required"))
            return []
        }
        guard case .array(let elements) = value else {
            errors.append(FieldError(field: "items", message: "must be an array, not \(value.typeName)"))
            return []
        }
        guard (1...maximumItems).contains(elements.count) else {
            errors.append(FieldError(field: "items", message: "must hold between 1 and \(maximumItems) items, not \(elements.count)"))
            return []
        }
        var items: [Item] = []
        var firstIndexOfSku: [String: Int] = [:]
        for (index, element) in elements.enumerated() {
            // Field names are only built for errors: a valid item costs no string building.
            let path = { "items[\(index)]" }
            guard case .object(let fields) = element else {
                errors.append(FieldError(field: path(), message: "must be an object with sku and qty"))
                continue
            }
            if fields.keys.contains(where: { $0 != "sku" && $0 != "qty" }) {
                for key in fields.keys.sorted() where key != "sku" && key != "qty" {
                    errors.append(FieldError(field: "\(path()).\(key)", message: "is not a known field"))
                }
            }
            let sku = requiredString(fields, "sku", maxLength: 64, path: path, errors: &errors)
            if let sku, !Sku.isValid(sku) {
                errors.append(FieldError(field: "\(path()).sku", message: "may contain only letters, digits, '.', '_' and '-'"))
            } else if let sku, let first = firstIndexOfSku[sku] {
                errors.append(FieldError(field: "\(path()).sku", message: "repeats items[\(first)]: order each sku once with its total quantity"))
            } else if let sku {
                firstIndexOfSku[sku] = index
            }
            let qty = validateQuantity(fields["qty"], path: { "\(path()).qty" }, errors: &errors)
            if let sku, let qty {
                items.append(Item(sku: sku, qty: qty))
            }
        }
        return items
    }

    private static func validateQuantity(_ value: JSONValue?, path: () -> String, errors: inout [FieldError]) -> Int? {
        let range = quantityRange
        switch value {
        case nil, .null?:
            errors.append(FieldError(field: path(), message: "is required"))
        case .integer(let qty)?:
            if range.contains(Int(clamping: qty)) { return Int(qty) }
            errors.append(FieldError(field: path(), message: "must be between \(range.lowerBound) and \(range.upperBound)"))
        case .number?:
            errors.append(FieldError(field: path(), message: "must be a whole number"))
        case let other?:
            errors.append(FieldError(field: path(), message: "must be a number, not \(other.typeName)"))
        }
        return nil
    }

    /// `path` names the object holding `key` (nil: the body), for error messages only.
    private static func requiredString(
        _ object: [String: JSONValue], _ key: String, maxLength: Int, path: (() -> String)? = nil, errors: inout [FieldError]
    ) -> String? {
        let field = { path.map { "\($0()).\(key)" } ?? key }
        guard let value = object[key], value != .null else {
            errors.append(FieldError(field: field(), message: "is required"))
            return nil
        }
        return string(value, field: field, maxLength: maxLength, errors: &errors)
    }

    private static func optionalString(
        _ object: [String: JSONValue], _ key: String, maxLength: Int, errors: inout [FieldError]
    ) -> String? {
        guard let value = object[key], value != .null else { return nil }
        return string(value, field: { key }, maxLength: maxLength, errors: &errors)
    }

    private static func string(_ value: JSONValue, field: () -> String, maxLength: Int, errors: inout [FieldError]) -> String? {
        guard case .string(let raw) = value else {
            errors.append(FieldError(field: field(), message: "must be a string, not \(value.typeName)"))
            return nil
        }
        let text = raw.trimmingSpaces()
        if text.isEmpty {
            errors.append(FieldError(field: field(), message: "must not be empty"))
            return nil
        }
        // A character is at least one byte: only a long text needs its characters counted.
        if text.utf8.count > maxLength && text.count > maxLength {
            errors.append(FieldError(field: field(), message: "must be at most \(maxLength) characters"))
            return nil
        }
        if text.containsControlCharacters {
            errors.append(FieldError(field: field(), message: "must not contain control characters"))
            return nil
        }
        return text
    }
}
