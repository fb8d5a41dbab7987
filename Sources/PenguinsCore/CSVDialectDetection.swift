extension CSVDialect {
    /// The data records looked at to tell a decimal comma from a decimal point.
    static let decimalSampleRecords = 1_000

    /// Detects the dialect of a file from its first bytes; the parts in `overrides` are taken as given.
    ///
    /// - Encoding: a UTF-8 byte order mark, or bytes that are valid UTF-8 (plain ASCII included),
    ///   mean UTF-8; anything else is read as Windows-1252, the usual encoding of a spreadsheet
    ///   saved as "CSV" on a Western European Windows.
    /// - Separator: the candidate (`,`, `;`, tab, `|`) found most often outside quotes in the
    ///   header line; a tie or none at all means `,`.
    /// - Decimal mark: a comma-separated file uses a point. Otherwise the fields of the first
    ///   records that are numbers with a fraction vote: `39,1` for a comma, `39.1` for a point;
    ///   a point wins a tie.
    ///
    /// - Parameters:
    ///   - sample: the first bytes of the file (the reader's first chunk).
    ///   - isWholeFile: the sample ends where the file ends, so a multi-byte character cut off at its
    ///     end is an error rather than the start of a character the next chunk completes.
    public static func detect(in sample: UnsafeBufferPointer<UInt8>, isWholeFile: Bool, overrides: Overrides = .none) -> CSVDialect {
        let hasByteOrderMark = sample.starts(with: [0xEF, 0xBB, 0xBF])
        let body = UnsafeBufferPointer(rebasing: sample[(hasByteOrderMark ? 3 : 0)...])
        let encoding = overrides.encoding
            ?? (hasByteOrderMark || isValidUTF8(body, mayEndMidCharacter: !isWholeFile) ? .utf8 : .windows1252)
        let delimiter = overrides.delimiter ?? headerDelimiter(in: body)
        let decimalMark = overrides.decimalMark
            ?? (delimiter == .comma ? .point : sampledDecimalMark(in: body, delimiter: delimiter, isWholeFile: isWholeFile))
        return CSVDialect(delimiter: delimiter, decimalMark: decimalMark, encoding: encoding, hasByteOrderMark: hasByteOrderMark)
    }

    /// True when `bytes` are valid UTF-8, allowing the last character to be cut off when
    /// `mayEndMidCharacter`.
    static func isValidUTF8(_ bytes: UnsafeBufferPointer<UInt8>, mayEndMidCharacter: Bool) -> Bool {
        if String(validating: bytes, as: UTF8.self) != nil { return true }
        guard mayEndMidCharacter else { return false }
        // A character is at most 4 bytes: the lead byte of an unfinished one is among the last 3.
        for cut in 1...min(3, bytes.count) {
            let lead = bytes[bytes.count - cut]
            guard lead >= 0x80 else { return false }  // ASCII: nothing is unfinished
            guard lead >= 0xC0 else { continue }  // a continuation byte: the lead is further back
            let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
            guard cut < length else { return false }
            return String(validating: UnsafeBufferPointer(rebasing: bytes[..<(bytes.count - cut)]), as: UTF8.self) != nil
        }
        return false
    }

    /// The candidate separator found most often outside quotes in the first line.
    static func headerDelimiter(in bytes: UnsafeBufferPointer<UInt8>) -> Delimiter {
        var counts = [Int](repeating: 0, count: Delimiter.allCases.count)
        var insideQuotes = false
        for byte in bytes {
            if byte == UInt8(ascii: "\"") {
                insideQuotes.toggle()
            } else if !insideQuotes {
                if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") { break }
                if let index = Delimiter.allCases.firstIndex(where: { $0.byte == byte }) { counts[index] += 1 }
            }
        }
        // `max` keeps the first of equal counts, and comma comes first.
        let best = counts.indices.max { counts[$0] < counts[$1] }!
        return counts[best] > 0 ? Delimiter.allCases[best] : .comma
    }

    /// The decimal mark most numbers of the first records use.
    private static func sampledDecimalMark(in bytes: UnsafeBufferPointer<UInt8>, delimiter: Delimiter, isWholeFile: Bool) -> DecimalMark {
        var commaNumbers = 0
        var pointNumbers = 0
        var position = 0
        var recordsSeen = 0
        scanning: while recordsSeen <= decimalSampleRecords {
            let result = CSVReader.scanRecord(
                in: bytes, from: position, atEndOfFile: isWholeFile, fieldCountHint: 16,
                delimiter: delimiter.byte, encoding: .windows1252)
            switch result {
            case .record(let fields, _, let next, _, _):
                if recordsSeen > 0 {  // the header holds names, not numbers
                    for field in fields {
                        switch fractionMark(of: field) {
                        case .comma?: commaNumbers += 1
                        case .point?: pointNumbers += 1
                        case nil: break
                        }
                    }
                }
                recordsSeen += 1
                position = next
            case .blankLine(let next):
                position = next
            case .needMoreData, .endOfFile, .unterminatedQuote:
                break scanning
            }
        }
        return commaNumbers > pointNumbers ? .comma : .point
    }

    /// The mark of a number written with a fraction (`-12,5`, `39.1`), or nil for any other text.
    static func fractionMark(of field: String) -> DecimalMark? {
        var mark: DecimalMark?
        var digitsBefore = 0
        var digitsAfter = 0
        for (index, byte) in field.utf8.enumerated() {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                if mark == nil { digitsBefore += 1 } else { digitsAfter += 1 }
            case UInt8(ascii: "-"), UInt8(ascii: "+"):
                guard index == 0 else { return nil }
            case UInt8(ascii: ","), UInt8(ascii: "."):
                guard mark == nil else { return nil }
                mark = byte == UInt8(ascii: ",") ? .comma : .point
            case UInt8(ascii: " "):
                continue
            default:
                return nil
            }
        }
        guard digitsBefore > 0, digitsAfter > 0 else { return nil }
        return mark
    }
}
