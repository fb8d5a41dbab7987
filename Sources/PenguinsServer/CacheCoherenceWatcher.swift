import Logging
import PenguinsPipeline
import PenguinsStorage
import ServiceLifecycle
import Synchronization

/// A counter that moves each time the server removes stale predictions from a cache (the
/// penguins' or one dataset's).
///
/// A lookup that misses the cache reads the warehouse, predicts, then refills the cache. When
/// the row changes between that read and the refill, the refill would put back a prediction of
/// the old values after the watcher removed it. So the lookup takes the generation before its
/// read and refills only if it has not moved since.
public final class CacheGeneration: Sendable {
    private let value = Atomic<UInt64>(0)

    public init() {}

    /// The generation now.
    public var current: UInt64 { value.load(ordering: .acquiring) }

    /// Moves the generation on: refills that began before it are dropped.
    func advance() { value.add(1, ordering: .releasing) }
}

/// Follows a warehouse's change log and removes from its prediction cache the rows whose
/// prediction inputs changed, whichever process changed them (see ``CacheCoherence``), every
/// `interval`: the penguins' as a service of its own, each dataset's from ``DatasetCacheWatchers``.
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
    /// Whose cache this is, in log messages: "penguins" or "dataset NAME".
    var subject = "penguins"

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
                logger.info("the prediction cache of the \(subject) follows the warehouse's changes again")
            }
        } catch {
            if !state.failing {
                state.failing = true
                logger.warning("cannot keep the prediction cache of the \(subject) coherent with the warehouse: \(error); retrying every \(interval)")
            }
        }
    }

    /// What the watcher remembers between ticks.
    struct State {
        /// The last change handled, or nil before the first tick.
        var position: Int64?
        /// Rows removed on the previous tick, to be removed once more.
        var removeAgain: [String] = []
        var failing = false
    }

    /// One pass: the second removal of the previous pass's rows, then the new changes.
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
            logger.info("emptied the prediction cache of the \(subject): more than \(coherence.clearThreshold) rows changed at once, or the change log was pruned")
        } else if result.invalidated > 0 {
            metrics.cacheInvalidated(result.invalidated)
            logger.debug("removed the cached predictions of \(result.invalidated) changed rows of the \(subject)")
            state.removeAgain = changes.ids
        }
        if let recorded = try await coherence.cache.coherentThrough(), recorded >= result.through {
            // Another process has recorded as far or further.
        } else {
            try await coherence.cache.setCoherentThrough(result.through)
        }
        state.position = result.through
    }
}

/// The coherence watchers of the datasets' caches: every `interval`, one step of a
/// ``CacheCoherenceWatcher`` for each dataset that requests have opened, each with a position of
/// its own, starting where the dataset's first opening here made its cache coherent
/// (``DatasetSessions/Session/coherentFrom``).
struct DatasetCacheWatchers: Service {
    let sessions: DatasetSessions
    let interval: Duration
    let health: StoreHealth
    let metrics: ServerMetrics
    let logger: Logger

    func run() async throws {
        var states: [String: CacheCoherenceWatcher.State] = [:]
        await repeatUntilShutdown(every: interval) { await step(&states) }
    }

    /// One step for each opened dataset.
    func step(_ states: inout [String: CacheCoherenceWatcher.State]) async {
        for (name, session) in sessions.opened {
            let watcher = CacheCoherenceWatcher(
                coherence: CacheCoherence(stores: session.stores), generation: session.generation, interval: interval,
                health: health, metrics: metrics, logger: logger, subject: "dataset \(name)")
            await watcher.step(&states[name, default: CacheCoherenceWatcher.State(position: session.coherentFrom)])
        }
    }
}
