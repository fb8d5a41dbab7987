/// An operation did not finish within its time limit.
struct DeadlineExceeded: Error, CustomStringConvertible {
    var timeout: Duration
    var description: String { "no answer within \(timeout)" }
}

/// Runs `operation`, cancelling it and throwing ``DeadlineExceeded`` when it takes longer
/// than `timeout`. The operation must honour cancellation (postgres-nio's connection lease does).
func withDeadline<Result: Sendable>(
    _ timeout: Duration, _ operation: @escaping @Sendable () async throws -> Result
) async throws -> Result {
    try await withThrowingTaskGroup(of: Result?.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: timeout)
            return nil
        }
        defer { group.cancelAll() }
        while let next = try await group.next() {
            if let result = next { return result }
            throw DeadlineExceeded(timeout: timeout)
        }
        throw CancellationError()
    }
}
