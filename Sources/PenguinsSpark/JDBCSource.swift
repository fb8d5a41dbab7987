import PenguinsCore
import PenguinsStorage

/// How Spark reaches the PostgreSQL warehouse by JDBC: the `jdbc:postgresql:` URL (schema as
/// `currentSchema`), the credentials, the PostgreSQL driver class, and schema-qualified table names.
public struct JDBCSource: Sendable, Equatable {
    /// `jdbc:postgresql://HOST:PORT/DB?sslmode=...&currentSchema=...`.
    public var url: String
    /// The database user and password Spark connects as.
    public var user: String
    public var password: String?
    /// The schema of the warehouse tables; nil for the default `search_path`.
    public var schema: String?

    /// The driver class Spark loads (the PostgreSQL JDBC driver must be on the cluster's class path).
    public static let driver = "org.postgresql.Driver"

    /// The JDBC form of a `postgres://` location. `reWriteBatchedInserts` turns Spark's batched
    /// inserts into multi-row statements.
    public init(_ location: PostgresLocation) {
        let host = location.host.contains(":") ? "[\(location.host)]" : location.host
        var url = "jdbc:postgresql://\(host):\(location.port)/\(location.database)?sslmode=\(location.tls.rawValue)&reWriteBatchedInserts=true"
        if let schema = location.schema { url += "&currentSchema=\(schema)" }
        self.url = url
        user = location.username
        password = location.password
        schema = location.schema
    }

    /// A table of the warehouse's schema, qualified when the schema is not the default one.
    public func qualified(_ table: String) -> String {
        schema.map { "\($0).\(table)" } ?? table
    }

    /// The options of a JDBC read of `table`, fetching `fetchSize` rows per round trip.
    public func readOptions(table: String, fetchSize: Int = 10_000) -> [String: String] {
        var options = common
        options["dbtable"] = qualified(table)
        options["fetchsize"] = String(fetchSize)
        return options
    }

    /// The options of a JDBC write to `table`, in batches of `batchSize` rows.
    public func writeOptions(table: String, batchSize: Int = 10_000) -> [String: String] {
        var options = common
        options["dbtable"] = qualified(table)
        options["batchsize"] = String(batchSize)
        return options
    }

    private var common: [String: String] {
        var options = ["url": url, "user": user, "driver": JDBCSource.driver]
        if let password { options["password"] = password }
        return options
    }

    /// One predicate per warehouse partition (a level of the partition column), so Spark reads
    /// the partitions in parallel, each with an index-ordered scan of one PostgreSQL partition;
    /// the last one takes every other value, and a missing one.
    public static func partitionPredicates(column: String, levels: [String]) -> [String] {
        let quoted = "\"" + column.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        let name = column.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "_" } ? column : quoted
        let literals = levels.map { "'" + $0.replacingOccurrences(of: "'", with: "''") + "'" }
        var predicates = literals.map { "\(name) = \($0)" }
        predicates.append("\(name) NOT IN (\(literals.joined(separator: ", "))) OR \(name) IS NULL")
        return predicates
    }

    /// The predicates of the penguins' warehouse, partitioned by island.
    public static func islandPredicates(_ islands: [Island] = Island.known) -> [String] {
        partitionPredicates(column: "island", levels: islands.map(\.rawValue))
    }
}
