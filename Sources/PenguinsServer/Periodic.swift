import ServiceLifecycle

/// Runs `tick` every `interval` (the first time one interval from now) until the service
/// group shuts down gracefully or the task is cancelled: the loop of the server's background
/// services.
func repeatUntilShutdown(every interval: Duration, _ tick: () async -> Void) async {
    while !Task.isShuttingDownGracefully && !Task.isCancelled {
        do {
            try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        } catch {
            return
        }
        await tick()
    }
}
