import Synchronization

/// An operation did not finish within its time limit.
struct DeadlineExceeded: Error, CustomStringConvertible {
    var timeout: Duration
    var description: String { "no answer within \(timeout)" }
}

/// Runs `operation` and answers its result, or throws ``DeadlineExceeded`` once `timeout` has
/// passed; the caller's cancellation throws `CancellationError`. Either way the caller returns at
/// the bound: the operation is cancelled but not waited for, so one that does not honour
/// cancellation (a query to a server that stopped answering) cannot hold its caller.
///
/// - Parameter watchdog: runs beside the operation; when it throws, the call fails at once with
///   its error (the operation is cancelled too). Returning has no effect.
func withDeadline<Result: Sendable>(
    _ timeout: Duration, watchdog: (@Sendable () async throws -> Void)? = nil,
    _ operation: @escaping @Sendable () async throws -> Result
) async throws -> Result {
    let race = Race<Result>()
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { continuation in
            race.start(continuation)
            var contenders = [
                Task {
                    do { race.finish(.success(try await operation())) } catch { race.finish(.failure(error)) }
                },
                Task {
                    do {
                        try await Task.sleep(for: timeout)
                        race.finish(.failure(DeadlineExceeded(timeout: timeout)))
                    } catch {}
                },
            ]
            if let watchdog {
                contenders.append(Task {
                    do { try await watchdog() } catch { if !Task.isCancelled { race.finish(.failure(error)) } }
                })
            }
            race.track(contenders)
        }
    } onCancel: {
        race.finish(.failure(CancellationError()))
    }
}

/// The first outcome of the contenders of ``withDeadline(_:watchdog:_:)``: it resumes the
/// caller once and cancels the others.
private final class Race<Value: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<Value, any Error>?
        var outcome: Result<Value, any Error>?
        var contenders: [Task<Void, Never>] = []
    }

    private let state = Mutex(State())

    func start(_ continuation: CheckedContinuation<Value, any Error>) {
        let early = state.withLock { state -> Result<Value, any Error>? in
            guard let outcome = state.outcome else {
                state.continuation = continuation
                return nil
            }
            return outcome
        }
        // Cancelled before it started.
        if let early { continuation.resume(with: early) }
    }

    /// Cancels the contenders at once when the race is already over, else when it ends.
    func track(_ contenders: [Task<Void, Never>]) {
        let over = state.withLock { state -> Bool in
            if state.outcome != nil { return true }
            state.contenders = contenders
            return false
        }
        if over { contenders.forEach { $0.cancel() } }
    }

    /// Ends the race with `outcome` unless it has ended.
    func finish(_ outcome: Result<Value, any Error>) {
        let (continuation, contenders) = state.withLock { state -> (CheckedContinuation<Value, any Error>?, [Task<Void, Never>]) in
            guard state.outcome == nil else { return (nil, []) }
            state.outcome = outcome
            defer {
                state.continuation = nil
                state.contenders = []
            }
            return (state.continuation, state.contenders)
        }
        contenders.forEach { $0.cancel() }
        continuation?.resume(with: outcome)
    }
}
