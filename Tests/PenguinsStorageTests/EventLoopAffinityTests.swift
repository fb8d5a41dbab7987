import NIOCore
import NIOPosix
@testable import PenguinsStorage
import Testing

struct EventLoopAffinityTests {
    @Test func connectionsAreSpreadOverTheLoopsInTurn() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let affinity = EventLoopAffinity(count: 4, group: group)
        let loops = Array(group.makeIterator())
        #expect(affinity.loops.map { ObjectIdentifier($0) } == [loops[0], loops[1], loops[0], loops[1]].map { ObjectIdentifier($0) })
        try await group.shutdownGracefully()
    }

    @Test func aCallOffTheLoopsTakesTheConnectionsInTurn() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let affinity = EventLoopAffinity(count: 3, group: group)
        #expect((0..<6).map { _ in affinity.next() } == [0, 1, 2, 0, 1, 2])
        try await group.shutdownGracefully()
    }

    @Test func aCallOnALoopTakesAConnectionOnThatLoop() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let affinity = EventLoopAffinity(count: 4, group: group)
        for loop in group.makeIterator() {
            let chosen = try await loop.submit { (0..<8).map { _ in affinity.next() } }.get()
            for index in chosen {
                #expect(affinity.loops[index] === loop)
            }
            // Both connections on this loop are used, not only the first.
            #expect(Set(chosen).count == 2)
        }
        try await group.shutdownGracefully()
    }
}
