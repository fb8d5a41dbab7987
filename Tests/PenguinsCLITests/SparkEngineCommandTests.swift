import Foundation
import Testing

/// `--engine` on train and score: the errors that need no Spark server.
struct SparkEngineCommandTests {
    @Test func anEmbeddedWarehouseCannotBeReadBySpark() throws {
        let penguins = PenguinsExecutable()
        #expect(try penguins.run("ingest").status == 0)
        expectUserError(try penguins.run("train", "--engine", "sc://127.0.0.1:1"), mentioning: "Spark reads the warehouse through JDBC")
        expectUserError(try penguins.run("score", "--engine", "sc://127.0.0.1:1"), mentioning: "use a postgres:// warehouse")
    }

    @Test func badEnginesAreNamed() throws {
        let penguins = PenguinsExecutable()
        expectUserError(try penguins.run("train", "--engine", "hadoop"), mentioning: "the engine is local, spark")
        expectUserError(try penguins.run("score", "--engine", "sc://:15002"), mentioning: "the host is missing")
    }
}
