import NIOCore
import PostgresNIO

/// A one-dimensional PostgreSQL array bound as one parameter, written straight into
/// PostgreSQL's binary array format, NULL elements included (postgres-nio's own array binding
/// has no optional elements).
///
/// Bulk writes bind one array per column and expand them server-side with `unnest`, so a
/// batch of thousands of rows is one statement with a handful of parameters.
struct PostgresArray: PostgresDynamicTypeEncodable {
    /// The array type, e.g. `.float8Array`.
    let psqlType: PostgresDataType
    var psqlFormat: PostgresFormat { .binary }

    private let elementType: PostgresDataType
    private var elements = ByteBuffer()
    private var count = 0
    private var hasNull = false

    /// An empty array of `elementType` (`.text`, `.float8`, `.int4`, `.bool`, `.jsonb`) with room for `capacity` bytes.
    init(of elementType: PostgresDataType, capacity: Int = 0) {
        self.elementType = elementType
        psqlType = switch elementType {
        case .text: .textArray
        case .float8: .float8Array
        case .int4: .int4Array
        case .bool: .boolArray
        case .jsonb: .jsonbArray
        default: preconditionFailure("PostgresArray has no array type for \(elementType)")
        }
        elements.reserveCapacity(capacity)
    }

    /// Appends a text element.
    mutating func append(_ text: String?) {
        guard let text else { return appendNull() }
        let lengthIndex = elements.writerIndex
        elements.writeInteger(Int32(0))
        let written = elements.writeString(text)
        elements.setInteger(Int32(written), at: lengthIndex)
        count += 1
    }

    /// Appends a `float8` element.
    mutating func append(_ number: Double?) {
        guard let number else { return appendNull() }
        elements.writeInteger(Int32(8))
        elements.writeInteger(number.bitPattern)
        count += 1
    }

    /// Appends an `int4` element.
    mutating func append(_ number: Int32?) {
        guard let number else { return appendNull() }
        elements.writeInteger(Int32(4))
        elements.writeInteger(number)
        count += 1
    }

    /// Appends a `bool` element.
    mutating func append(_ flag: Bool) {
        elements.writeInteger(Int32(1))
        elements.writeInteger(UInt8(flag ? 1 : 0))
        count += 1
    }

    /// Appends a `jsonb` element from the UTF-8 bytes of a JSON text.
    mutating func appendJSONB(_ utf8: UnsafeBufferPointer<UInt8>) {
        elements.writeInteger(Int32(utf8.count + 1))
        elements.writeInteger(UInt8(1))  // jsonb binary format version
        elements.writeBytes(UnsafeRawBufferPointer(utf8))
        count += 1
    }

    mutating func appendNull() {
        elements.writeInteger(Int32(-1))
        hasNull = true
        count += 1
    }

    func encode<JSONEncoder: PostgresJSONEncoder>(into buffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) {
        buffer.writeInteger(Int32(count == 0 ? 0 : 1))  // dimensions
        buffer.writeInteger(Int32(hasNull ? 1 : 0))
        buffer.writeInteger(elementType.rawValue)
        guard count > 0 else { return }
        buffer.writeInteger(Int32(count))  // length of the dimension
        buffer.writeInteger(Int32(1))  // lower bound
        var elements = elements
        buffer.writeBuffer(&elements)
    }
}

extension PostgresArray: Sendable {}
