import Dispatch
import PenguinsCore

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

extension Array where Element: Sendable {
    /// `map` with the elements transformed side by side on every core, in order: for work
    /// per element that dwarfs the cost of a thread hop (a window of drift tests, a tree).
    /// On a thread of low priority (``BackgroundThreads``) it stays on that thread.
    public func concurrentMap<T>(_ transform: @Sendable (Element) -> T) -> [T] {
        guard count > 1, !BackgroundThreads.isCurrent else { return map(transform) }
        var results = [T?](repeating: nil, count: count)
        results.withUnsafeMutableBufferPointer { buffer in
            let output = DisjointWritePointer(buffer)
            DispatchQueue.concurrentPerform(iterations: count) { index in
                output.base[index] = transform(self[index])
            }
        }
        return results.map { $0! }
    }
}

