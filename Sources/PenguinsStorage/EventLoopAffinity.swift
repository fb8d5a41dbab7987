import NIOCore
import NIOPosix
import Synchronization

/// Chooses which connection of a small pool a call uses, each connection living on an event
/// loop of its own: the one on the caller's event loop when there is one, else the next in turn.
///
/// The `penguins` executable runs Swift concurrency on SwiftNIO's event loops, and a task
/// stays on the loop that resumed it. A call through a connection on the caller's own loop
/// then writes, reads and resumes on one thread; a connection on another loop costs two
/// thread wake-ups per call, about as much as the round trip itself.
final class EventLoopAffinity: Sendable {
    /// The event loop of each connection, by index.
    let loops: [any EventLoop]
    private let turn = Atomic<Int>(0)

    /// `count` connections spread over the loops of `group` in turn.
    init(count: Int, group: any EventLoopGroup) {
        precondition(count > 0, "at least one connection")
        let available = Array(group.makeIterator())
        loops = (0..<count).map { available[$0 % available.count] }
    }

    /// The index of the connection to use for the next call.
    func next() -> Int {
        let count = loops.count
        let start = (turn.wrappingAdd(1, ordering: .relaxed).oldValue % count + count) % count
        for offset in 0..<count {
            let index = (start + offset) % count
            if loops[index].inEventLoop { return index }
        }
        return start
    }
}
