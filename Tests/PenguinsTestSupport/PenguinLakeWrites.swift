import PenguinsCore
import PenguinsStorage

extension RecordLake {
    /// Writes the documents of `penguins`, as their records in the lake's schema, read from
    /// `provenance`'s file when given: how the tests fill the penguins' lake without a file.
    public func upsert(_ penguins: [Penguin], from provenance: Provenance? = nil) async throws {
        let coding = PenguinRecords(schema: schema)
        try await upsert(penguins.map { coding.record($0) }, from: provenance)
    }
}
