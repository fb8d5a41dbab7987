import Dispatch
import Foundation

/// Ends the process when a graceful shutdown has not ended `grace` after SIGINT or SIGTERM.
///
/// ServiceLifecycle's group can deadlock while it cancels its services after they have
/// finished: the `merge` of swift-async-algorithms it uses may take its own lock twice on one
/// thread when a cancellation races a continuation (an open upstream bug). The services have
/// drained their requests and flushed the prediction log by then, so nothing is lost, but the
/// process would otherwise never exit. Only a process that serves and nothing else arms it
/// (the CLI's `serve` and `up`): it takes over how SIGINT and SIGTERM end the process.
public enum ShutdownWatchdog {
    /// The signal sources, kept for the life of the process.
    nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []
    private static let lock = NSLock()

    /// Arms the watchdog once: the first SIGINT or SIGTERM starts a countdown of `grace`.
    public static func arm(grace: Duration) {
        lock.lock()
        defer { lock.unlock() }
        guard sources.isEmpty else { return }
        let fired = NSLock()
        nonisolated(unsafe) var started = false
        for signalNumber in [SIGINT, SIGTERM] {
            // The default action would end the process at once; ServiceLifecycle ignores the
            // signals too and handles them through sources of its own, which still fire.
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
                fired.lock()
                defer { fired.unlock() }
                guard !started else { return }
                started = true
                let seconds = Double(grace.components.seconds) + Double(grace.components.attoseconds) / 1e18
                DispatchQueue.global().asyncAfter(deadline: .now() + seconds) {
                    FileHandle.standardError.write(Data("penguins: shutdown did not end within \(Int(seconds)) s; exiting\n".utf8))
                    exit(0)
                }
            }
            source.resume()
            sources.append(source)
        }
    }
}
