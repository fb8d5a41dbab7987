import Foundation

/// Folds chunks of a whole-table read on a thread of its own, of the low priority of
/// ``BackgroundThreads``, while the reader reads the next chunk: the read and the fold of a
/// large table take turns on two cores instead of one. At most one chunk waits to be folded,
/// so no more than two are held at once.
///
/// The reader hands each chunk to ``offer(_:)`` and calls ``finish()`` once, also when its
/// read fails (the thread ends then).
public final class ChunkFolder<State: Sendable, Chunk: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var waiting: Chunk?
    private var state: State
    private let fold: @Sendable (inout State, Chunk) -> Bool
    /// No more chunks come.
    private var closed = false
    /// The fold answered false: the result is nil and further chunks are not folded.
    private var stopped = false
    /// The thread has folded everything handed to it and ended.
    private var done = false

    /// Starts the thread, folding into `initial` with `fold`, which answers false to stop.
    public init(into initial: State, _ fold: @escaping @Sendable (inout State, Chunk) -> Bool) {
        state = initial
        self.fold = fold
        let thread = Thread { [self] in work() }
        thread.name = "penguins-fold"
        thread.start()
    }

    /// Hands `chunk` over, waiting while the one before it still waits; false once the fold
    /// has stopped (the reader stops reading then).
    public func offer(_ chunk: Chunk) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while waiting != nil && !stopped { condition.wait() }
        guard !stopped else { return false }
        waiting = chunk
        condition.broadcast()
        return true
    }

    /// Waits until every chunk handed over is folded; the result, nil when the fold stopped.
    public func finish() -> State? {
        condition.lock()
        defer { condition.unlock() }
        closed = true
        condition.broadcast()
        while !done { condition.wait() }
        return stopped ? nil : state
    }

    private func work() {
        BackgroundThreads.lowerCurrentThread()
        while true {
            condition.lock()
            while waiting == nil && !closed { condition.wait() }
            guard let chunk = waiting else {
                done = true
                condition.broadcast()
                condition.unlock()
                return
            }
            waiting = nil
            condition.broadcast()
            let folding = !stopped
            condition.unlock()
            // The state is the thread's alone until `done`.
            if folding, !fold(&state, chunk) {
                condition.lock()
                stopped = true
                condition.broadcast()
                condition.unlock()
            }
        }
    }
}
