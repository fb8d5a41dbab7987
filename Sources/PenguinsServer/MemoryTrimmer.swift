#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Gives freed heap back to the operating system after a heavy request (a drift report over
/// the whole log, a 10,000-penguin batch, a store benchmark): glibc keeps freed memory in its
/// arenas, so without this a server's resident size would stay at its largest request's peak.
///
/// One trim runs shortly after the request, and at most one is pending at a time; the hot
/// endpoints never ask for one.
final class MemoryTrimmer: Sendable {
    private let pending = Atomic<Bool>(false)
    private let delay: Duration

    init(delay: Duration = .milliseconds(50)) {
        self.delay = delay
    }

    /// Schedules a trim (after `delay`, when the response has been written) unless one is pending.
    func trimSoon() {
        guard pending.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else { return }
        let delay = delay
        Task.detached(priority: .background) { [self] in
            try? await Task.sleep(for: delay)
            pending.store(false, ordering: .releasing)
            Self.trim()
        }
    }

    /// glibc's `malloc_trim`, looked up at run time (the C library's module map leaves
    /// `malloc.h` out); nil on other C libraries.
    private static let mallocTrim: (@convention(c) (Int) -> Int32)? = {
        #if canImport(Glibc)
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int) -> Int32).self)
        #else
        return nil
        #endif
    }()

    static func trim() {
        _ = mallocTrim?(0)
    }
}
