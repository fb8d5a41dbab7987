import Foundation
import PenguinsCore
import PostgresNIO

/// The lake of one dataset in PostgreSQL: table `ds_<name>_lake (id, document jsonb, source_id,
/// source_line)`, its sources in the shared `lake_sources`, as ``PostgresLake`` keeps the penguins'.
public struct PostgresRecordLake: RecordLake {
    let store: PostgresStore
    let tables: DatasetTables

    public var schema: DatasetSchema { tables.schema }

    /// Rows per statement.
    static let rowsPerStatement = 10_000

    /// Inserts or replaces documents in one transaction, updating only those whose value or
    /// source changed; the last record of an id in the batch wins.
    public func upsert(_ records: [DatasetRecord], from provenance: Provenance?) async throws {
        let records = records.lastOfEachID(\.id)
        guard !records.isEmpty else { return }
        let source = provenance.map(LakeSource.init)
        let table = tables.lake
        let schema = tables.schema
        try await store.transaction(.lake) { connection in
            let logger = store.logger
            try await connection.query("SELECT pg_advisory_xact_lock(hashtext(\("penguins-lake-upsert:" + table) || current_schema()))", logger: logger)
            var sourceID: Int32?
            if let source { sourceID = try await PostgresRecordLake.sourceID(of: source, on: connection, logger: logger) }
            var writer = RecordDocumentWriter(schema: schema, capacity: 512)
            for chunk in stride(from: 0, to: records.count, by: PostgresRecordLake.rowsPerStatement) {
                let end = min(chunk + PostgresRecordLake.rowsPerStatement, records.count)
                var ids = PostgresArray(of: .text, capacity: (end - chunk) * 16)
                var documents = PostgresArray(of: .jsonb, capacity: (end - chunk) * 256)
                var sources = PostgresArray(of: .int4, capacity: (end - chunk) * 8)
                var lines = PostgresArray(of: .int4, capacity: (end - chunk) * 8)
                for record in records[chunk..<end] {
                    ids.append(record.id)
                    writer.write(record)
                    writer.bytes.withUnsafeBufferPointer { documents.appendJSONB($0) }
                    let line = sourceID == nil ? nil : record.sourceLine
                    sources.append(line == nil ? nil : sourceID)
                    lines.append(line.map { Int32(clamping: $0) })
                }
                try await connection.query("""
                    INSERT INTO \(unescaped: table) AS l (id, document, source_id, source_line)
                    SELECT * FROM unnest(\(ids), \(documents), \(sources), \(lines))
                    ON CONFLICT (id) DO UPDATE SET
                        document = excluded.document, source_id = excluded.source_id, source_line = excluded.source_line
                    WHERE l.document IS DISTINCT FROM excluded.document OR l.source_id IS DISTINCT FROM excluded.source_id
                        OR l.source_line IS DISTINCT FROM excluded.source_line
                    """, logger: logger)
            }
        }
    }

    /// The `lake_sources` id of a (file, encoding), added when new.
    static func sourceID(of source: LakeSource, on connection: PostgresConnection, logger: Logger) async throws -> Int32? {
        try await connection.query("""
            INSERT INTO lake_sources (file, encoding) VALUES (\(source.file), \(source.encoding))
            ON CONFLICT (file, encoding) DO NOTHING
            """, logger: logger)
        let rows = try await connection.query(
            "SELECT source_id FROM lake_sources WHERE file = \(source.file) AND encoding = \(source.encoding)", logger: logger)
        for try await found in rows.decode(Int32.self) { return found }
        return nil
    }

    private var selection: String {
        """
        SELECT l.id, l.document::text, s.file, s.encoding, l.source_line FROM \(tables.lake) l
        LEFT JOIN lake_sources s ON s.source_id = l.source_id
        """
    }

    public func document(id: String) async throws -> LakeDocument? {
        let selection = selection
        return try await store.run(.lake) { client in
            try await PostgresRecordLake.collect(client.query("\(unescaped: selection) WHERE l.id = \(id)")).first
        }
    }

    public func scan(after: String?, limit: Int) async throws -> [LakeDocument] {
        guard limit > 0 else { return [] }
        let selection = selection
        return try await store.run(.lake) { client in
            let query: PostgresQuery = if let after {
                "\(unescaped: selection) WHERE l.id > \(after) ORDER BY l.id LIMIT \(limit)"
            } else {
                "\(unescaped: selection) ORDER BY l.id LIMIT \(limit)"
            }
            return try await PostgresRecordLake.collect(client.query(query))
        }
    }

    public func count() async throws -> Int {
        let table = tables.lake
        return try await store.run(.lake, bulk: true) { client in try await PostgresStore.count(client, "SELECT count(*) FROM \(unescaped: table)") }
    }

    private static func collect(_ rows: PostgresRowSequence) async throws -> [LakeDocument] {
        var documents: [LakeDocument] = []
        for try await (id, text, file, encoding, line) in rows.decode((String, String, String?, String?, Int32?).self) {
            let body = try JSONTextParser.parse(text, what: "the lake document of \(id) (re-ingest its source file)")
            documents.append(LakeDocument(id: id, body: body.withProvenance(file: file, encoding: encoding, line: line.map(Int.init))))
        }
        return documents
    }
}
