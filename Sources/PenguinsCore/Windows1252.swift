/// Decodes Windows-1252 bytes, losslessly: every byte becomes exactly one character.
///
/// Bytes below 0x80 are ASCII and 0xA0...0xFF are the Latin-1 characters of the same code;
/// 0x80...0x9F hold the typographic characters Windows adds (`€`, `‚`, `“`, `—`, `Œ`, ...).
/// The five bytes the code page leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) become the
/// C1 control characters of the same code, as the WHATWG Encoding Standard decodes them, so
/// no byte is ever replaced by U+FFFD.
enum Windows1252 {
    /// The characters of bytes 0x80...0x9F.
    private static let highControlRange: [Unicode.Scalar] = [
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
        0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
        0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
        0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
    ].map { Unicode.Scalar($0)! }

    /// True when every byte is ASCII (below 0x80).
    @inline(__always)
    static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var union: UInt8 = 0
        for byte in bytes { union |= byte }
        return union < 0x80
    }

    /// The text of `bytes` read as Windows-1252.
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        guard !isASCII(bytes) else { return String(decoding: bytes, as: UTF8.self) }
        var text = String.UnicodeScalarView()
        for byte in bytes {
            if byte >= 0x80 && byte < 0xA0 {
                text.append(highControlRange[Int(byte - 0x80)])
            } else {
                text.append(Unicode.Scalar(byte))
            }
        }
        return String(text)
    }
}
