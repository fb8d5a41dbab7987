import ArgumentParser
import NIOCore
import NIOPosix

/// Runs an asynchronous command (the generic constraint selects the `async` entry point).
func run<Command: AsyncParsableCommand>(_ command: Command.Type) async {
    await command.main()
}

// Swift concurrency runs on SwiftNIO's event loops, the threads that already do the network
// I/O of the stores and the server: an awaited read then resumes without a switch of threads.
NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
await run(PenguinsCommand.self)
