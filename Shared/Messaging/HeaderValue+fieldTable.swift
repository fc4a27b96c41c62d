import CRabbitMQ
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension HeaderValue {
    /// Encodes a header dictionary as an AMQP table in `scope`'s memory. Keys are sorted so the
    /// encoding is deterministic.
    static func fieldTable(_ values: [String: HeaderValue], in scope: CMemoryScope) -> amqp_table_t {
        guard !values.isEmpty else { return conveyor_amqp_empty_table() }
        let entries = scope.allocate(amqp_table_entry_t.self, count: values.count)
        for (index, key) in values.keys.sorted().enumerated() {
            entries[index].key = scope.bytes(key)
            entries[index].value = values[key]!.fieldValue(in: scope)
        }
        return amqp_table_t(num_entries: Int32(values.count), entries: entries)
    }

    /// Decodes an AMQP table; entries of a kind Conveyor does not carry (void) are left out.
    static func dictionary(from table: amqp_table_t) -> [String: HeaderValue] {
        var result: [String: HeaderValue] = [:]
        guard table.num_entries > 0, let entries = table.entries else { return result }
        for index in 0..<Int(table.num_entries) {
            let entry = entries[index]
            if let value = HeaderValue(fieldValue: entry.value) {
                result[String(decoding: entry.key.buffer, as: UTF8.self)] = value
            }
        }
        return result
    }

    func fieldValue(in scope: CMemoryScope) -> amqp_field_value_t {
        var field = amqp_field_value_t()
        switch self {
        case .string(let value):
            field.kind = Self.kind(AMQP_FIELD_KIND_UTF8)
            field.value.bytes = scope.bytes(value)
        case .int(let value):
            field.kind = Self.kind(AMQP_FIELD_KIND_I64)
            field.value.i64 = value
        case .double(let value):
            field.kind = Self.kind(AMQP_FIELD_KIND_F64)
            field.value.f64 = value
        case .bool(let value):
            field.kind = Self.kind(AMQP_FIELD_KIND_BOOLEAN)
            field.value.boolean = value ? 1 : 0
        case .timestamp(let date):
            field.kind = Self.kind(AMQP_FIELD_KIND_TIMESTAMP)
            field.value.u64 = UInt64(max(0, date.timeIntervalSince1970.rounded(.down)))
        case .bytes(let value):
            field.kind = Self.kind(AMQP_FIELD_KIND_BYTES)
            field.value.bytes = scope.bytes(value)
        case .array(let values):
            field.kind = Self.kind(AMQP_FIELD_KIND_ARRAY)
            let entries = scope.allocate(amqp_field_value_t.self, count: values.count)
            for (index, value) in values.enumerated() {
                entries[index] = value.fieldValue(in: scope)
            }
            field.value.array = amqp_array_t(num_entries: Int32(values.count), entries: values.isEmpty ? nil : entries)
        case .table(let values):
            field.kind = Self.kind(AMQP_FIELD_KIND_TABLE)
            field.value.table = Self.fieldTable(values, in: scope)
        }
        return field
    }

    init?(fieldValue field: amqp_field_value_t) {
        let value = field.value
        switch UInt32(field.kind) {
        case AMQP_FIELD_KIND_BOOLEAN.rawValue: self = .bool(value.boolean != 0)
        case AMQP_FIELD_KIND_I8.rawValue: self = .int(Int64(value.i8))
        case AMQP_FIELD_KIND_U8.rawValue: self = .int(Int64(value.u8))
        case AMQP_FIELD_KIND_I16.rawValue: self = .int(Int64(value.i16))
        case AMQP_FIELD_KIND_U16.rawValue: self = .int(Int64(value.u16))
        case AMQP_FIELD_KIND_I32.rawValue: self = .int(Int64(value.i32))
        case AMQP_FIELD_KIND_U32.rawValue: self = .int(Int64(value.u32))
        case AMQP_FIELD_KIND_I64.rawValue: self = .int(value.i64)
        case AMQP_FIELD_KIND_U64.rawValue: self = .int(Int64(clamping: value.u64))
        case AMQP_FIELD_KIND_F32.rawValue: self = .double(Double(value.f32))
        case AMQP_FIELD_KIND_F64.rawValue: self = .double(value.f64)
        case AMQP_FIELD_KIND_DECIMAL.rawValue:
            let decimal = value.decimal
            self = .double(Double(decimal.value) / pow(10, Double(decimal.decimals)))
        case AMQP_FIELD_KIND_UTF8.rawValue:
            let bytes = value.bytes.buffer
            if let string = String(validating: bytes, as: UTF8.self) {
                self = .string(string)
            } else {
                self = .bytes(Array(bytes))
            }
        case AMQP_FIELD_KIND_BYTES.rawValue: self = .bytes(Array(value.bytes.buffer))
        case AMQP_FIELD_KIND_TIMESTAMP.rawValue:
            self = .timestamp(Date(timeIntervalSince1970: TimeInterval(value.u64)))
        case AMQP_FIELD_KIND_ARRAY.rawValue:
            var values: [HeaderValue] = []
            if value.array.num_entries > 0, let entries = value.array.entries {
                for index in 0..<Int(value.array.num_entries) {
                    if let element = HeaderValue(fieldValue: entries[index]) {
                        values.append(element)
                    }
                }
            }
            self = .array(values)
        case AMQP_FIELD_KIND_TABLE.rawValue: self = .table(Self.dictionary(from: value.table))
        default: return nil
        }
    }

    private static func kind(_ kind: amqp_field_value_kind_t) -> UInt8 {
        UInt8(kind.rawValue)
    }
}

extension amqp_bytes_t {
    /// The bytes as a buffer, valid while the memory they point to is.
    var buffer: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: bytes, count: len)
    }

    /// A Swift copy of the bytes as UTF-8 text.
    var string: String {
        String(decoding: buffer, as: UTF8.self)
    }
}
