import Foundation
import Logging
import PenguinsPipeline
import PenguinsStorage
import ServiceLifecycle
import Synchronization

/// A store call that was not made, or not answered: the role is down.
public struct StoreDown: Error, Sendable, Equatable, CustomStringConvertible {
    /// The role that did not answer.
    public var role: StoreRole
    /// Why, in one line (the store's own message, or that the call timed out).
    public var reason: String
    /// True when the call was not made because the role was already known to be down.
    public var skipped: Bool

    public init(role: StoreRole, reason: String, skipped: Bool = false) {
        self.role = role
        self.reason = reason
        self.skipped = skipped
    }

    public var description: String { reason }
}

extension StoreRole {
    /// The role's name in JSON bodies and metric labels (`model_registry`, `prediction_log`).
    public var apiName: String {
        switch self {
        case .lake: "lake"
        case .warehouse: "warehouse"
        case .cache: "cache"
        case .registry: "model_registry"
        case .predictionLog: "prediction_log"
        case .quarantine: "quarantine"
        }
    }

    /// The role's name in sentences ("the model registry").
    var displayName: String {
        self == .registry ? "model registry" : rawValue
    }
}

/// How the server guards its store calls: one ``CircuitBreaker`` per role, the last error of
/// each role, and bounded waits. A role that failed is skipped (its calls fail at once with
/// ``StoreDown``) until a probe finds it answering again; the probe is either a request's call
/// after ``CircuitBreaker/retryInterval`` or ``StoreMonitor``'s background check, whichever
/// comes first. Every outcome updates the per-role metrics (errors, up/down).
public final class StoreHealth: Sendable {
    private struct RoleState {
        var breaker: CircuitBreaker
        var lastError: String?
    }

    private let states: Mutex<[StoreRole: RoleState]>
    /// The longest a point call (a read by key, a cache call, a readiness probe) may take.
    public let pointTimeout: Duration
    let metrics: ServerMetrics
    let logger: Logger

    /// Health of every role, all taken to be up.
    public init(
        retryInterval: Duration = .seconds(1), pointTimeout: Duration = .seconds(2),
        metrics: ServerMetrics = ServerMetrics(), logger: Logger = Logger(label: "penguins.server")
    ) {
        let breaker = CircuitBreaker(retryInterval: retryInterval, probeTimeout: pointTimeout * 2)
        states = Mutex(Dictionary(uniqueKeysWithValues: StoreRole.allCases.map { ($0, RoleState(breaker: breaker)) }))
        self.pointTimeout = pointTimeout
        self.metrics = metrics
        self.logger = logger
        for role in StoreRole.allCases { metrics.storeUp(role, true) }
    }

    /// The roles now taken to be down, with their last error, in ``StoreRole`` order.
    public var failing: [(role: StoreRole, reason: String)] {
        states.withLock { states in
            StoreRole.allCases.compactMap { role in
                guard let state = states[role], !state.breaker.isClosed else { return nil }
                return (role, state.lastError ?? "does not answer")
            }
        }
    }

    /// True while `role` is taken to be up.
    public func isUp(_ role: StoreRole) -> Bool {
        states.withLock { $0[role]?.breaker.isClosed ?? true }
    }

    /// Runs a store call of `role` unless the role is down (then throws ``StoreDown`` at once),
    /// recording the outcome. With a `timeout`, a call still running then throws ``StoreDown``
    /// (the call itself finishes in the background). Errors that are answers, not failures
    /// (``StorageError/notFound(_:)``, ``StorageError/nothingToRollBack``, workflow errors and
    /// problems), pass through and count as success.
    public func call<T: Sendable>(
        _ role: StoreRole, timeout: Duration? = nil, _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        let admission = admit(role)
        if admission == .skip { throw StoreDown(role: role, reason: lastError(role), skipped: true) }
        do {
            let value: T
            if let timeout {
                value = try await Self.withTimeout(timeout, role: role, body)
            } else {
                value = try await body()
            }
            record(role, error: nil)
            return value
        } catch {
            guard Self.isStoreFailure(error) else {
                record(role, error: nil)
                throw error
            }
            record(role, error: error)
            throw StoreDown(role: role, reason: Self.reason(error))
        }
    }

    /// Calls `probe` for `role` whatever the breaker says (readiness and the background check
    /// use it), within ``pointTimeout``, and records the outcome. Returns the failure, if any.
    @discardableResult
    public func check(_ role: StoreRole, _ probe: @escaping @Sendable () async throws -> Void) async -> StoreDown? {
        do {
            try await Self.withTimeout(pointTimeout, role: role, probe)
            record(role, error: nil)
            return nil
        } catch {
            record(role, error: error)
            return StoreDown(role: role, reason: Self.reason(error))
        }
    }

    private func admit(_ role: StoreRole) -> CircuitBreaker.Admission {
        let now = ContinuousClock.now
        return states.withLock { $0[role]?.breaker.admit(at: now) ?? .call }
    }

    private func lastError(_ role: StoreRole) -> String {
        states.withLock { $0[role]?.lastError } ?? "the \(role.displayName) does not answer"
    }

    /// Records an outcome: a success closes the role's breaker, a failure opens it; both are
    /// logged when they change the role's state and shown by the metrics.
    func record(_ role: StoreRole, error: (any Error)?) {
        let now = ContinuousClock.now
        let reason = error.map(Self.reason)
        let (wasUp, isUp) = states.withLock { states -> (Bool, Bool) in
            var state = states[role] ?? RoleState(breaker: CircuitBreaker())
            let wasUp = state.breaker.isClosed
            if let reason {
                state.breaker.failed(at: now)
                state.lastError = reason
            } else {
                state.breaker.succeeded()
                state.lastError = nil
            }
            states[role] = state
            return (wasUp, state.breaker.isClosed)
        }
        if let reason {
            metrics.storeError(role)
            if wasUp { logger.warning("the \(role.displayName) is down, serving without it: \(reason)") }
        } else if !wasUp {
            logger.info("the \(role.displayName) answers again")
        }
        if wasUp != isUp { metrics.storeUp(role, isUp) }
    }

    /// True for errors that mean the store failed, rather than answered.
    static func isStoreFailure(_ error: any Error) -> Bool {
        switch error {
        case is Problem, is PipelineError, is FeedbackRefused, is PromotionRefused, is CancellationError: return false
        case let error as StorageError:
            switch error {
            case .notFound, .nothingToRollBack, .alreadyExists: return false
            case .unavailable, .corrupt: return true
            }
        default: return true
        }
    }

    /// The one-line reason of a store failure.
    static func reason(_ error: any Error) -> String {
        if let down = error as? StoreDown { return down.reason }
        return String(describing: error).split(whereSeparator: \.isNewline).joined(separator: " ")
    }

    /// Runs `body`, throwing ``StoreDown`` when it has not finished after `timeout`. The body
    /// runs in a task of its own, left to finish in the background on a timeout (a store call
    /// may not honour cancellation while it waits on a server that does not answer).
    static func withTimeout<T: Sendable>(
        _ timeout: Duration, role: StoreRole, _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        let outcome = Outcome<T>()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                outcome.start(continuation)
                let work = Task {
                    do { outcome.finish(.success(try await body())) } catch { outcome.finish(.failure(error)) }
                }
                let timer = Task {
                    try await Task.sleep(for: timeout)
                    if outcome.finish(.failure(StoreDown(role: role, reason: "the \(role.displayName) did not answer within \(timeout)"))) {
                        work.cancel()
                    }
                }
                outcome.onFinish { timer.cancel() }
            }
        } onCancel: {
            outcome.finish(.failure(CancellationError()))
        }
    }
}

/// The first of a call's outcomes (its result, its timeout or its cancellation) resumes the
/// waiting continuation; later ones are ignored.
private final class Outcome<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T, any Error>?
        var early: Result<T, any Error>?
        var finished = false
        var cleanup: (@Sendable () -> Void)?
    }

    private let state = Mutex(State())

    func start(_ continuation: CheckedContinuation<T, any Error>) {
        let early = state.withLock { state -> Result<T, any Error>? in
            if let early = state.early { return early }
            state.continuation = continuation
            return nil
        }
        if let early { continuation.resume(with: early) }
    }

    /// Registers what to do once an outcome arrives (at once if it already has).
    func onFinish(_ cleanup: @escaping @Sendable () -> Void) {
        let now = state.withLock { state -> Bool in
            if state.finished { return true }
            state.cleanup = cleanup
            return false
        }
        if now { cleanup() }
    }

    /// Delivers an outcome; returns false when another one came first.
    @discardableResult
    func finish(_ result: Result<T, any Error>) -> Bool {
        let (first, continuation, cleanup) = state.withLock { state -> (Bool, CheckedContinuation<T, any Error>?, (@Sendable () -> Void)?) in
            guard !state.finished else { return (false, nil, nil) }
            state.finished = true
            let continuation = state.continuation
            state.continuation = nil
            if continuation == nil { state.early = result }
            let cleanup = state.cleanup
            state.cleanup = nil
            return (true, continuation, cleanup)
        }
        continuation?.resume(with: result)
        cleanup?()
        return first
    }
}

/// What `GET /api/v1/ready` answers, as a pure decision.
public enum Readiness {
    /// The verdict.
    public enum Verdict: Equatable, Sendable {
        /// The model is loaded and every store answers: 200 `{"status":"ready"}`.
        case ready
        /// The model is loaded, so predictions answer, but these roles do not: 200 `{"status":"degraded"}`.
        case degraded(failing: [StoreRole])
        /// No model: nothing can be predicted; 503.
        case notReady
    }

    /// Ready when the model is loaded and no role fails; degraded when the model is loaded and
    /// some roles fail (cached lookups and live predictions still answer; requests that need a
    /// failing role get 503); not ready without a model, whatever the stores say.
    public static func verdict(modelLoaded: Bool, failing: [StoreRole]) -> Verdict {
        guard modelLoaded else { return .notReady }
        if failing.isEmpty { return .ready }
        return .degraded(failing: StoreRole.allCases.filter(failing.contains))
    }

    /// What a failing role means for the API, in one sentence (the `impact` of `/ready`'s `failing` entries).
    public static func impact(of role: StoreRole) -> String {
        switch role {
        case .cache: "lookups are answered from the warehouse or the live model, more slowly"
        case .warehouse: "lookups of uncached penguins, /penguins pages and the analyses answer 503"
        case .lake: "GET /penguins/{id} answers 503"
        case .registry: "model listing and promotion answer 503; the live model keeps serving"
        case .predictionLog: "live predictions are kept in memory and written when it answers again"
        case .quarantine: "the quarantine cannot be read"
        }
    }
}

/// Checks, in the background, the roles that are down, so that a store coming back is used
/// again within about `interval` even when no request probes it.
struct StoreMonitor: Service {
    let health: StoreHealth
    let platform: Platform
    let interval: Duration

    func run() async throws {
        await repeatUntilShutdown(every: interval) {
            await withTaskGroup(of: Void.self) { group in
                for (role, _) in health.failing {
                    group.addTask { await health.check(role, platform.probe(role)) }
                }
            }
        }
    }
}

extension Platform {
    /// A cheap call that succeeds when `role` answers.
    func probe(_ role: StoreRole) -> @Sendable () async throws -> Void {
        let platform = self
        switch role {
        case .lake: return { _ = try await platform.lake.scan(after: nil, limit: 1) }
        case .warehouse: return { _ = try await platform.warehouse.row(id: "") }
        case .cache: return { _ = try await platform.cache.prediction(penguinID: "", modelVersion: 0) }
        case .registry: return { _ = try await platform.registry.versions() }
        case .predictionLog: return { _ = try await platform.predictionLog.recent(limit: 1) }
        case .quarantine: return { _ = try await platform.quarantine.rows(limit: 1) }
        }
    }
}
