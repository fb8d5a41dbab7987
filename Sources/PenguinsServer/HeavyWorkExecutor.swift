import Dispatch

/// Runs the work of heavy requests (statistics, regression and drift over the whole warehouse,
/// batch predictions) on threads of their own.
///
/// The `penguins` executable runs Swift concurrency on SwiftNIO's event loops, which also carry
/// every connection's I/O; a computation of a second there would stall the requests of every
/// connection on that loop. A route marked heavy runs its handler with this executor as its
/// task executor preference, so its computation runs here and the event loops keep answering.
final class HeavyWorkExecutor: TaskExecutor {
    /// The executor shared by every heavy route.
    static let shared = HeavyWorkExecutor()

    private let queue = DispatchQueue(label: "penguins.heavy-requests", qos: .utility, attributes: .concurrent)
    private static let marker = DispatchSpecificKey<Bool>()

    init() {
        queue.setSpecific(key: Self.marker, value: true)
    }

    /// Whether the caller runs on this executor's threads.
    static var isCurrent: Bool { DispatchQueue.getSpecific(key: marker) ?? false }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }
}
