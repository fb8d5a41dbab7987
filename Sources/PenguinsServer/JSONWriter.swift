import Foundation
import PenguinsCore

/// A small, allocation-light JSON writer for the responses on the hot paths (predictions,
/// problems), where a `JSONEncoder` per request would dominate the cost of the answer.
///
/// Commas are inserted automatically; the caller pairs `begin`/`end` and writes a `key`
/// before each member value.
struct JSONWriter {
    private(set) var bytes: [UInt8] = []
    /// Whether the next value or key at each open level needs a comma first.
    private var needsComma: [Bool] = [false]
    private var afterKey = false

    init(capacity: Int = 256) {
        bytes.reserveCapacity(capacity)
    }

    var text: String { String(decoding: bytes, as: UTF8.self) }

    private mutating func separate() {
        if afterKey {
            afterKey = false
            return
        }
        if needsComma[needsComma.count - 1] { bytes.append(UInt8(ascii: ",")) }
        needsComma[needsComma.count - 1] = true
    }

    mutating func beginObject() {
        separate()
        bytes.append(UInt8(ascii: "{"))
        needsComma.append(false)
    }

    mutating func endObject() {
        needsComma.removeLast()
        bytes.append(UInt8(ascii: "}"))
    }

    mutating func beginArray() {
        separate()
        bytes.append(UInt8(ascii: "["))
        needsComma.append(false)
    }

    mutating func endArray() {
        needsComma.removeLast()
        bytes.append(UInt8(ascii: "]"))
    }

    mutating func key(_ name: String) {
        separate()
        appendString(name)
        bytes.append(UInt8(ascii: ":"))
        afterKey = true
    }

    mutating func string(_ value: String) {
        separate()
        appendString(value)
    }

    mutating func int(_ value: Int) {
        separate()
        bytes.append(contentsOf: String(value).utf8)
    }

    /// A number; a non-finite value (never produced by the models) is written as null.
    mutating func number(_ value: Double) {
        separate()
        guard value.isFinite else {
            bytes.append(contentsOf: "null".utf8)
            return
        }
        if value == value.rounded(), abs(value) < 1e15 {
            bytes.append(contentsOf: String(Int64(value)).utf8)
        } else {
            bytes.append(contentsOf: value.description.utf8)
        }
    }

    mutating func bool(_ value: Bool) {
        separate()
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }

    mutating func null() {
        separate()
        bytes.append(contentsOf: "null".utf8)
    }

    /// Pre-serialised JSON text (a lake document, a Codable report).
    mutating func raw(_ json: some Sequence<UInt8>) {
        separate()
        bytes.append(contentsOf: json)
    }

    private mutating func appendString(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case UInt8(ascii: "\n"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case UInt8(ascii: "\r"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case UInt8(ascii: "\t"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                          hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}

extension JSONWriter {
    /// A prediction's members: species, probabilities (every species), confidence, model version.
    mutating func predictionMembers(_ prediction: Prediction) {
        key("prediction"); string(prediction.species.rawValue)
        key("species"); string(prediction.species.rawValue)
        key("probabilities")
        beginObject()
        for species in Species.allCases {
            key(species.rawValue); number(prediction.probabilities[species] ?? 0)
        }
        endObject()
        key("confidence"); number(prediction.confidence)
        key("model_version"); int(prediction.modelVersion)
    }

    /// An instant as ISO 8601 UTC with seconds (`2024-05-01T12:00:00Z`), written by hand:
    /// a date formatter per request costs more than the rest of a lookup.
    mutating func date(_ date: Date) {
        separate()
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> [UInt8] { [UInt8(48 + value / 10), UInt8(48 + value % 10)] }
        let year = Int(parts.tm_year) + 1900
        bytes.append(UInt8(ascii: "\""))
        bytes.append(contentsOf: String(year).utf8)
        bytes.append(UInt8(ascii: "-")); bytes.append(contentsOf: two(parts.tm_mon + 1))
        bytes.append(UInt8(ascii: "-")); bytes.append(contentsOf: two(parts.tm_mday))
        bytes.append(UInt8(ascii: "T")); bytes.append(contentsOf: two(parts.tm_hour))
        bytes.append(UInt8(ascii: ":")); bytes.append(contentsOf: two(parts.tm_min))
        bytes.append(UInt8(ascii: ":")); bytes.append(contentsOf: two(parts.tm_sec))
        bytes.append(UInt8(ascii: "Z"))
        bytes.append(UInt8(ascii: "\""))
    }
}
