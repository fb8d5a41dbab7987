import PenguinsStorage
import Testing

/// A missing thing is named first, then what to do about it.
@Suite struct StorageErrorTests {
    @Test func notFoundPutsTheHintAfterTheVerdict() {
        #expect(StorageError.notFound("model version 9; list the versions with `penguins models list`").description
            == "model version 9 not found; list the versions with `penguins models list`")
        #expect(StorageError.notFound("penguin P-1").description == "penguin P-1 not found")
    }
}
