/// A read-only pointer handed to parallel iterations.
///
/// Sound only while the memory outlives the parallel loop and nobody writes to it.
struct SharedReadPointer<Element>: @unchecked Sendable {
    let base: UnsafePointer<Element>
    init(_ buffer: UnsafeBufferPointer<Element>) { base = buffer.baseAddress! }
    subscript(index: Int) -> Element { base[index] }
}

/// A writable pointer handed to parallel iterations that each write their own,
/// non-overlapping elements.
///
/// Sound only while the memory outlives the parallel loop and no two iterations touch
/// the same element.
struct DisjointWritePointer<Element>: @unchecked Sendable {
    let base: UnsafeMutablePointer<Element>
    init(_ buffer: UnsafeMutableBufferPointer<Element>) { base = buffer.baseAddress! }
}
