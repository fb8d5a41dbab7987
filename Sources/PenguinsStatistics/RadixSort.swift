/// Sorting of large `Double` samples in linear time.
///
/// A least-significant-digit radix sort on the values' bit patterns, mapped to unsigned keys
/// whose integer order is the numeric order (negative values have all bits flipped, the others
/// the sign bit set). Six passes of 11 bits; a pass in which every key has the same digit (the
/// high bits of values in a narrow range, the low bits of whole numbers) is skipped. Small samples use the standard library's
/// sort. NaNs must be removed beforehand.
enum RadixSort {
    /// Below this size the comparison sort is faster.
    static let minimumCount = 2_048

    /// Bits per digit: 2¹¹ counters stay in the first-level cache.
    private static let digitBits = 11
    private static let passes = 6  // 6 × 11 ≥ 64 bits

    /// The values in ascending order.
    static func sorted(_ values: [Double]) -> [Double] {
        guard values.count >= minimumCount else { return values.sorted() }
        let count = values.count
        let radix = 1 << digitBits
        let mask = UInt64(radix - 1)
        var keys = values.map(orderedKey)
        var buffer = [UInt64](repeating: 0, count: count)
        // Every pass's digit histogram, counted in one read of the keys.
        var histograms = [Int](repeating: 0, count: radix * passes)
        keys.withUnsafeBufferPointer { source in
            histograms.withUnsafeMutableBufferPointer { counts in
                for key in source {
                    for pass in 0..<passes {
                        counts[pass * radix + Int((key >> UInt64(pass * digitBits)) & mask)] += 1
                    }
                }
            }
        }
        for pass in 0..<passes {
            let shift = UInt64(pass * digitBits)
            let skipped = keys.withUnsafeBufferPointer { source in
                buffer.withUnsafeMutableBufferPointer { destination in
                    histograms.withUnsafeMutableBufferPointer { allCounts in
                        let counts = UnsafeMutableBufferPointer(rebasing: allCounts[(pass * radix)..<((pass + 1) * radix)])
                        if counts[Int((source[0] >> shift) & mask)] == count { return true }
                        var offset = 0
                        for index in counts.indices {
                            let bucket = counts[index]
                            counts[index] = offset
                            offset += bucket
                        }
                        for key in source {
                            let digit = Int((key >> shift) & mask)
                            destination[counts[digit]] = key
                            counts[digit] += 1
                        }
                        return false
                    }
                }
            }
            if !skipped { swap(&keys, &buffer) }
        }
        return keys.map(value)
    }

    /// An unsigned key with the same order as the value.
    @inline(__always)
    private static func orderedKey(_ value: Double) -> UInt64 {
        let bits = value.bitPattern
        return bits & (1 << 63) != 0 ? ~bits : bits | (1 << 63)
    }

    /// The value of an ordered key.
    @inline(__always)
    private static func value(_ key: UInt64) -> Double {
        Double(bitPattern: key & (1 << 63) != 0 ? key & ~(1 << 63) : ~key)
    }
}
