import NIOCore
import Synchronization

/// Admits at most `limit` analyses at a time: the requests that compute over a whole warehouse
/// (statistics, regressions, drift, the pages built on them, drift simulations and store
/// benchmarks). One more is turned away at once with 429 and `Retry-After` rather than queued,
/// so a few clients cannot take the cores that predictions and lookups need.
public final class HeavyWorkLimiter: Sendable {
    /// The most analyses that run at once.
    public let limit: Int
    private let running = Mutex(0)

    /// `limit` below 1 counts as 1.
    public init(limit: Int) {
        self.limit = max(1, limit)
    }

    /// One per core, and at least two.
    public static var defaultLimit: Int { max(2, System.coreCount) }

    /// Takes a slot if one is free; each `true` must be matched by one ``release()``.
    public func tryAcquire() -> Bool {
        running.withLock { count in
            guard count < limit else { return false }
            count += 1
            return true
        }
    }

    /// Gives back a slot taken by ``tryAcquire()``.
    public func release() {
        running.withLock { count in count = max(0, count - 1) }
    }

    /// The analyses running now.
    public var inFlight: Int { running.withLock { $0 } }
}
