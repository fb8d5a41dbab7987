import Logging
import PenguinsPipeline
import PenguinsStorage
import ServiceLifecycle
import Synchronization

/// A counter that moves each time the server removes stale predictions from its cache.
///
/// A lookup that misses the cache reads the warehouse, predicts, then refills the cache. When
/// the penguin is re-measured between that read and the refill, the refill would put back a
/// prediction of the old measurements after the watcher removed it. So the lookup takes the
/// generation before its read and refills only if it has not moved since.
public final class CacheGeneration: Sendable {
    private let value = Atomic<UInt64>(0)

    public init() {}

    /// The generation now.
    public var current: UInt64 { value.load(ordering: .acquiring) }

    /// Moves the generation on: refills that began before it are dropped.
    func advance() { value.add(1, ordering: .releasing) }
}

/// Follows the warehouse's change log and removes from the prediction cache the penguins whose
/// measurements changed, whichever process changed them (see ``CacheCoherence``), every
/// `interval`.
///
/// The watcher keeps its own position in the log, starting (at once, when the server starts)
/// from the cache's recorded one; a cache that recorded none is emptied first. Each penguin is removed twice: when its change
/// is seen, and again one interval later, which catches a refill that checked
/// ``CacheGeneration`` just before the first removal and wrote just after it. While the
/// warehouse or the cache is down the watcher waits; its position stays, so nothing is missed.
struct CacheCoherenceWatcher: Service {
    let coherence: CacheCoherence
    let generation: CacheGeneration
    let interval: Duration
    let health: StoreHealth
    let metrics: ServerMetrics
    let logger: Logger

    func run() async throws {
        var state = State()
        await step(&state)
        await repeatUntilShutdown(every: interval) { await step(&state) }
    }

    /// One ``tick(_:)`` unless the warehouse or the cache is down, logging a failure once.
    func step(_ state: inout State) async {
        guard health.isUp(.warehouse), health.isUp(.cache) else { return }
        do {
            try await tick(&state)
            if state.failing {
                state.failing = false
                logger.info("the prediction cache follows the warehouse's changes again")
            }
        } catch {
            if !state.failing {
                state.failing = true
                logger.warning("cannot keep the prediction cache coherent with the warehouse: \(error); retrying every \(interval)")
            }
        }
    }

    /// What the watcher remembers between ticks.
    struct State {
        /// The last change handled, or nil before the first tick.
        var position: Int64?
        /// Penguins removed on the previous tick, to be removed once more.
        var removeAgain: [String] = []
        var failing = false
    }

    /// One pass: the second removal of the previous pass's penguins, then the new changes.
    func tick(_ state: inout State) async throws {
        if !state.removeAgain.isEmpty {
            try await coherence.remove(state.removeAgain)
            state.removeAgain = []
        }
        guard let position = state.position else {
            generation.advance()
            state.position = try await coherence.reconcile().through
            return
        }
        let changes = try await coherence.changes(after: position)
        guard changes.through != position || !changes.isComplete else { return }
        generation.advance()
        let result = try await coherence.apply(changes)
        if result.cleared {
            metrics.cacheCleared()
            logger.info("emptied the prediction cache: more than \(coherence.clearThreshold) penguins changed at once, or the change log was pruned")
        } else if result.invalidated > 0 {
            metrics.cacheInvalidated(result.invalidated)
            logger.debug("removed the cached predictions of \(result.invalidated) re-measured penguins")
            state.removeAgain = changes.penguinIDs
        }
        if let recorded = try await coherence.cache.coherentThrough(), recorded >= result.through {
            // Another process has recorded as far or further.
        } else {
            try await coherence.cache.setCoherentThrough(result.through)
        }
        state.position = result.through
    }
}
