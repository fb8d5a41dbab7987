import GRDB

extension DatabasePool {
    /// Runs a short read on the calling thread. For point lookups, which take microseconds:
    /// less than suspending, hopping to a reader queue and resuming, as the async `read` does.
    func readOnCallingThread<T>(_ value: (Database) throws -> T) throws -> T {
        try read(value)
    }
}
