/// Whether to call a store, as a pure state machine over explicit instants (so every
/// transition is tested without a clock or a server).
///
/// Closed, every call goes through. A failure opens it: calls are skipped (answered at once
/// without the store) until `retryInterval` has passed; then one call goes through as a probe
/// while the others are still skipped. The probe's success closes it; its failure opens it
/// again for another interval. A probe that never reports back (its task was lost) is
/// replaced by a new one after `probeTimeout`.
public struct CircuitBreaker: Sendable, Equatable {
    /// Where the breaker stands.
    public enum State: Sendable, Equatable {
        /// The store answers: call it.
        case closed
        /// The store failed: skip it until `retryAt`.
        case open(retryAt: ContinuousClock.Instant)
        /// One call, started at `since`, is finding out whether the store answers again.
        case probing(since: ContinuousClock.Instant)
    }

    /// What to do with one call.
    public enum Admission: Sendable, Equatable {
        /// Call the store (the breaker is closed).
        case call
        /// Call the store as the probe: report the outcome with ``succeeded()`` or ``failed(at:)``.
        case probe
        /// Do not call the store: it is down.
        case skip
    }

    public private(set) var state: State = .closed
    /// Failures in a row (0 while the store answers).
    public private(set) var consecutiveFailures = 0
    /// How long calls are skipped after a failure.
    public let retryInterval: Duration
    /// How long a probe may stay unanswered before another call probes.
    public let probeTimeout: Duration

    public init(retryInterval: Duration = .seconds(1), probeTimeout: Duration = .seconds(5)) {
        self.retryInterval = retryInterval
        self.probeTimeout = probeTimeout
    }

    /// True while calls go through (the store is taken to be up).
    public var isClosed: Bool { state == .closed }

    /// Decides about a call made at `now`.
    public mutating func admit(at now: ContinuousClock.Instant) -> Admission {
        switch state {
        case .closed:
            return .call
        case .open(let retryAt):
            guard now >= retryAt else { return .skip }
            state = .probing(since: now)
            return .probe
        case .probing(let since):
            guard now - since >= probeTimeout else { return .skip }
            state = .probing(since: now)
            return .probe
        }
    }

    /// A call (or probe) succeeded: close.
    public mutating func succeeded() {
        state = .closed
        consecutiveFailures = 0
    }

    /// A call (or probe) failed at `now`: open until `now + retryInterval`.
    public mutating func failed(at now: ContinuousClock.Instant) {
        state = .open(retryAt: now + retryInterval)
        consecutiveFailures += 1
    }
}
