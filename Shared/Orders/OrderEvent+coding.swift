import ConveyorRuntime
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Order events are written and read on every step of every order, so they have coding of
/// their own: the same JSON as `Codable` through `JSONEncoder`/`JSONDecoder` (sorted keys, the
/// event id in lower case, `orderId` as `UUID` encodes it, times as ``Timestamp`` formats them),
/// without the cost of going through `Encoder` and `Decoder`.
extension EventEnvelope where Payload == OrderEventData {
    /// The JSON bytes of the event.
    public func encoded() -> [UInt8] {
        var json = JSONWriter()
        json.beginObject()
        json.key("data")
        data.write(to: &json)
        json.member("datacontenttype", Self.dataContentType)
        json.member("id", id.lowercasedString)
        json.member("source", source)
        json.member("specversion", Self.specVersion)
        json.member("subject", subject)
        json.member("time", Timestamp.format(time))
        json.member("traceparent", traceparent)
        json.member("type", type)
        json.endObject()
        return json.bytes
    }

    /// Decodes and validates an order event from its JSON bytes.
    ///
    /// - Throws: ``JSONSyntaxError`` when the bytes are not JSON, ``OrderEventError`` naming
    ///   the first attribute or field that is missing or wrong.
    public static func decode(from bytes: some Collection<UInt8>) throws -> OrderEvent {
        let fields = try OrderEventFields(try JSONValue.parse(bytes), path: "")
        let version = try fields.string("specversion")
        guard version == specVersion else {
            throw OrderEventError(path: "specversion", problem: "unsupported CloudEvents specversion '\(version)'")
        }
        if let contentType = try fields.optionalString("datacontenttype"), !contentType.hasPrefix(dataContentType) {
            throw OrderEventError(path: "datacontenttype", problem: "data must be application/json, not '\(contentType)'")
        }
        let id = try fields.uuid("id")
        let type = try fields.string("type")
        let source = try fields.string("source")
        guard !type.isEmpty, !source.isEmpty else {
            throw OrderEventError(path: "type", problem: "type and source must not be empty")
        }
        return OrderEvent(
            id: id, type: type, source: source, time: try fields.timestamp("time"), subject: try fields.optionalString("subject"),
            traceparent: try fields.optionalString("traceparent"), data: try OrderEventData(try fields.object("data")))
    }
}

/// Why bytes that are JSON are not an order event.
public struct OrderEventError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Where, e.g. `data.items[1].unitPrice.currency`.
    public var path: String
    public var problem: String

    public var description: String { "\(path): \(problem)" }
}

extension OrderEventData {
    fileprivate func write(to json: inout JSONWriter) {
        json.beginObject()
        json.key("customer")
        json.beginObject()
        json.member("email", customer.email)
        json.member("id", customer.id)
        json.member("name", customer.name)
        json.endObject()
        json.key("items")
        json.beginArray()
        for item in items {
            json.beginObject()
            json.member("name", item.name)
            json.key("quantity")
            json.integer(item.quantity)
            json.member("sku", item.sku)
            json.key("unitPrice")
            item.unitPrice.write(to: &json)
            json.endObject()
        }
        json.endArray()
        json.member("orderId", orderId.uppercasedString)
        json.member("reason", reason)
        json.member("status", status.rawValue)
        json.key("total")
        total.write(to: &json)
        json.endObject()
    }

    fileprivate init(_ fields: OrderEventFields) throws(OrderEventError) {
        let customer = try fields.object("customer")
        let items = try fields.array("items")
        self.init(
            orderId: try fields.uuid("orderId"),
            status: try fields.status("status"),
            customer: Customer(
                id: try customer.string("id"), name: try customer.optionalString("name"), email: try customer.optionalString("email")),
            items: try items.map { (element: OrderEventFields) throws(OrderEventError) in
                LineItem(
                    sku: try element.string("sku"), name: try element.string("name"), quantity: try element.int("quantity"),
                    unitPrice: try Money(try element.object("unitPrice")))
            },
            total: try Money(try fields.object("total")),
            reason: try fields.optionalString("reason"))
    }
}

extension Money {
    fileprivate func write(to json: inout JSONWriter) {
        json.beginObject()
        json.member("currency", currency.code)
        json.key("minorUnits")
        json.integer(minorUnits)
        json.endObject()
    }

    fileprivate init(_ fields: OrderEventFields) throws(OrderEventError) {
        let code = try fields.string("currency")
        guard let currency = Currency(code: code) else {
            throw OrderEventError(path: fields.path("currency"), problem: "'\(code)' is not a supported ISO 4217 currency code")
        }
        self.init(minorUnits: try fields.int64("minorUnits"), currency: currency)
    }
}

/// The members of one JSON object of an event, read with the path for error messages.
private struct OrderEventFields {
    let members: [String: JSONValue]
    let prefix: String

    init(_ value: JSONValue, path: String) throws(OrderEventError) {
        guard case .object(let members) = value else {
            throw OrderEventError(path: path.isEmpty ? "event" : path, problem: "must be an object, not \(value.typeName)")
        }
        self.members = members
        prefix = path.isEmpty ? "" : path + "."
    }

    func path(_ key: String) -> String { prefix + key }

    private func required(_ key: String) throws(OrderEventError) -> JSONValue {
        guard let value = members[key], value != .null else {
            throw OrderEventError(path: path(key), problem: "is missing")
        }
        return value
    }

    func string(_ key: String) throws(OrderEventError) -> String {
        guard let text = try optionalString(key) else {
            throw OrderEventError(path: path(key), problem: "is missing")
        }
        return text
    }

    func optionalString(_ key: String) throws(OrderEventError) -> String? {
        guard let value = members[key], value != .null else { return nil }
        guard case .string(let text) = value else {
            throw OrderEventError(path: path(key), problem: "must be a string")
        }
        return text
    }

    func int64(_ key: String) throws(OrderEventError) -> Int64 {
        guard case .integer(let number) = try required(key) else {
            throw OrderEventError(path: path(key), problem: "must be a whole number")
        }
        return number
    }

    func int(_ key: String) throws(OrderEventError) -> Int {
        guard let number = Int(exactly: try int64(key)) else {
            throw OrderEventError(path: path(key), problem: "is out of range")
        }
        return number
    }

    func uuid(_ key: String) throws(OrderEventError) -> UUID {
        try string(key, as: "a UUID", UUID.init(parsing:))
    }

    func timestamp(_ key: String) throws(OrderEventError) -> Date {
        try string(key, as: "an RFC 3339 timestamp", Timestamp.parse)
    }

    func status(_ key: String) throws(OrderEventError) -> OrderStatus {
        try string(key, as: "an order status", OrderStatus.init(rawValue:))
    }

    /// The string at `key` read by `read`; `what` names what it should have been.
    private func string<Value>(_ key: String, as what: String, _ read: (String) -> Value?) throws(OrderEventError) -> Value {
        let text = try string(key)
        guard let value = read(text) else {
            throw OrderEventError(path: path(key), problem: "'\(text)' is not \(what)")
        }
        return value
    }

    func object(_ key: String) throws(OrderEventError) -> OrderEventFields {
        try OrderEventFields(try required(key), path: path(key))
    }

    func array(_ key: String) throws(OrderEventError) -> [OrderEventFields] {
        guard case .array(let elements) = try required(key) else {
            throw OrderEventError(path: path(key), problem: "must be an array")
        }
        var objects: [OrderEventFields] = []
        objects.reserveCapacity(elements.count)
        for (index, element) in elements.enumerated() {
            objects.append(try OrderEventFields(element, path: "\(path(key))[\(index)]"))
        }
        return objects
    }
}
