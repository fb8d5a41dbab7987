@testable import PenguinsServer
import Testing

struct HeavyWorkExecutorTests {
    @Test func workUnderItsPreferenceRunsOnItsThreads() async {
        #expect(HeavyWorkExecutor.isCurrent == false)
        let inside = await withTaskExecutorPreference(HeavyWorkExecutor.shared) { HeavyWorkExecutor.isCurrent }
        #expect(inside)
        #expect(HeavyWorkExecutor.isCurrent == false)
    }

    @Test func childTasksOfHeavyWorkRunThereToo() async {
        let placed = await withTaskExecutorPreference(HeavyWorkExecutor.shared) {
            await withTaskGroup(of: Bool.self) { group in
                for _ in 0..<50 { group.addTask { HeavyWorkExecutor.isCurrent } }
                return await group.reduce(into: [Bool]()) { $0.append($1) }
            }
        }
        #expect(placed.count == 50)
        #expect(placed.allSatisfy { $0 })
    }
}
