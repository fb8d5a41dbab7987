import Dispatch

/// A file reader that reads its next batch on a thread of its own, so that reading a file
/// overlaps storing what was read.
///
/// Swift concurrency runs on the event loops of SwiftNIO (see `main.swift` of the command line),
/// where a child task stays on its parent's thread: a parser called from a task would take
/// turns with the code that stores the batch before it instead of running beside it. Each
/// ``next()`` reads on a serial dispatch queue and resumes the caller with the batch.
///
/// Calls of ``next()`` must not overlap: the reader is touched only by the queue, one call at a time.
final class ReadAhead<Reader, Batch: Sendable>: @unchecked Sendable {
    private var reader: Reader
    private let read: (inout Reader) throws -> Batch?
    private let queue = DispatchQueue(label: "penguins.read-ahead")

    /// Reads batches from `reader` with `read`, which answers nil at the end of the file.
    init(_ reader: Reader, read: @escaping (inout Reader) throws -> Batch?) {
        self.reader = reader
        self.read = read
    }

    /// The next batch, or nil at the end; read on the reader's own queue.
    func next() async throws -> Batch? {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Result { try self.read(&self.reader) })
            }
        }
    }
}
