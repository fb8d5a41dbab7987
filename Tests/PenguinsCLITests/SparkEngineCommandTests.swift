import Foundation
import Testing

/// `--engine` on train and score: the errors that need no Spark server.
struct SparkEngineCommandTests {
    @Test func anEmbeddedWarehouseCannotBeReadBySpark() async throws {
        let penguins = PenguinsExecutable()
        #expect(try await penguins.run("ingest").status == 0)
        expectUserError(try await penguins.run("train", "--engine", "sc://127.0.0.1:1"), mentioning: "Spark reads the warehouse through JDBC")
        expectUserError(try await penguins.run("score", "--engine", "sc://127.0.0.1:1"), mentioning: "use a postgres:// warehouse")
    }

    @Test func badEnginesAreNamed() async throws {
        let penguins = PenguinsExecutable()
        expectUserError(try await penguins.run("train", "--engine", "hadoop"), mentioning: "the engine is local, spark")
        expectUserError(try await penguins.run("score", "--engine", "sc://:15002"), mentioning: "the host is missing")
    }
}
