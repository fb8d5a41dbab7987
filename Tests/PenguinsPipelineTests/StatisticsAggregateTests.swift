import Foundation
import PenguinsCore
import PenguinsStatistics
import PenguinsStorage
import PenguinsTestSupport
import Testing
@testable import PenguinsPipeline

@Suite("Statistics kept as counts")
struct StatisticsAggregateTests {
    /// Every bundled dataset, read from its file with every feature of its schema.
    static let datasets: [(DatasetSchema, URL)] = [
        (BundledSchemas.penguins, BundledDataset.tidyCSV),
        (BundledSchemas.penguins, BundledDataset.rawCSV),
        (BundledSchemas.iris, BundledDataset.irisCSV),
    ]

    @Test("the report of the counts is the report of the rows, for every grouping of every bundled dataset")
    func reportEqualsComputation() throws {
        for (schema, file) in Self.datasets {
            let columns = try DatasetColumns.load(file: file, schema: schema)
            let aggregate = StatisticsAggregate(schema: schema, records: columns.records)
            #expect(aggregate.rows == columns.count)
            #expect(aggregate.isCompact)
            for groupBy in [nil] + columns.categoricalNames {
                let kept = try aggregate.report(groupBy: groupBy)
                let computed = try StatisticsReport.compute(columns, groupBy: groupBy)
                try Self.expectSame(kept, computed, "\(schema.name) by \(groupBy ?? "nothing")")
            }
        }
    }

    @Test("counting rows in parts gives the counts of all of them")
    func partsAddUp() throws {
        let schema = BundledSchemas.penguins
        let columns = try DatasetColumns.load(file: BundledDataset.tidyCSV, schema: schema)
        var aggregate = StatisticsAggregate(schema: schema)
        for range in [0..<100, 100..<101, 101..<columns.count] {
            aggregate.add(slice(columns.records, range))
        }
        try Self.expectSame(try aggregate.report(groupBy: "island"), try StatisticsReport.compute(columns, groupBy: "island"), "in parts")
        #expect(throws: PipelineError.self) { try aggregate.report(groupBy: "bill_length_mm") }
    }

    @Test("records updated after they were counted: the counts of the records as they are now, the same sample records with their new values")
    func updatesReplaceTheirValues() throws {
        for (schema, file) in Self.datasets {
            let columns = try DatasetColumns.load(file: file, schema: schema)
            let edits = RecordEdits(columns.records, schema: schema)
            var aggregate = StatisticsAggregate(schema: schema, records: columns.records)
            let sampled = aggregate.sample.ids
            let (previous, current) = edits.pairs(of: columns.records)
            aggregate.replace(previous, with: current)
            let edited = DatasetColumns(schema: schema, records: edits.edited)
            #expect(aggregate.rows == columns.count)
            for groupBy in [nil] + columns.categoricalNames {
                try Self.expectSame(try aggregate.report(groupBy: groupBy), try StatisticsReport.compute(edited, groupBy: groupBy), "\(schema.name) edited by \(groupBy ?? "nothing")")
            }
            let recounted = StatisticsAggregate(schema: schema, records: edits.edited)
            #expect(aggregate.presentTogether == recounted.presentTogether)
            #expect(aggregate.levelCounts == recounted.levelCounts)
            #expect(aggregate.distinctCount == recounted.distinctCount, "values no record has any more are gone")
            #expect(aggregate.sample.ids == sampled)
            let rowOfID = Dictionary(uniqueKeysWithValues: edits.edited.ids.enumerated().map { ($1, $0) })
            #expect(sameRecords(aggregate.sample, edits.edited.rows(sampled.map { rowOfID[$0]! })))
        }
    }

    @Test("values taken out that were never counted leave counts that say so, not a crash")
    func takingOutWhatWasNeverCountedIsInconsistent() throws {
        let schema = BundledSchemas.penguins
        let columns = try DatasetColumns.load(file: BundledDataset.tidyCSV, schema: schema)
        var aggregate = StatisticsAggregate(schema: schema, records: columns.records)
        #expect(aggregate.isConsistent)
        let edits = RecordEdits(columns.records, schema: schema, shift: 1_000)
        let (previous, current) = edits.pairs(of: columns.records)
        // Told that the shifted values were replaced, which it never counted.
        aggregate.replace(current, with: previous)
        #expect(!aggregate.isConsistent)
    }

    @Test("counts saved and read again go on as the counts kept: the same report, the same sample")
    func savedCountsGoOn() throws {
        for (schema, file) in Self.datasets {
            let columns = try DatasetColumns.load(file: file, schema: schema)
            let half = columns.count / 2
            var kept = StatisticsAggregate(schema: schema, records: slice(columns.records, 0..<half))
            var saved = try AggregateCoding.decode(StatisticsAggregate.self, from: try AggregateCoding.encode(kept))
            #expect(saved.rows == half && sameRecords(saved.sample, kept.sample) && saved.presentTogether == kept.presentTogether)
            let rest = slice(columns.records, half..<columns.count)
            kept.add(rest)
            saved.add(rest)
            #expect(sameRecords(saved.sample, kept.sample), "the sample draws on from where it was saved")
            for groupBy in [nil] + columns.categoricalNames {
                try Self.expectSame(try saved.report(groupBy: groupBy), try StatisticsReport.compute(columns, groupBy: groupBy), "\(schema.name) saved")
            }
        }
    }

    @Test("counts of another shape than their schema's are refused")
    func corruptCountsAreRefused() throws {
        let schema = BundledSchemas.penguins
        let aggregate = StatisticsAggregate(schema: schema, records: try DatasetColumns.load(file: BundledDataset.tidyCSV, schema: schema).records)
        var body = try #require(try JSONSerialization.jsonObject(with: try AggregateCoding.encode(aggregate)) as? [String: Any])
        body["levelRows"] = (body["levelRows"] as? [Any])?.dropLast().map { $0 }
        #expect(throws: DecodingError.self) {
            try AggregateCoding.decode(StatisticsAggregate.self, from: try JSONSerialization.data(withJSONObject: body))
        }
    }

    @Test("with more combinations of levels than a number holds, the values are counted per grouping: the same report")
    func manyCategoricalColumns() throws {
        // 40 two-level columns and the target: 3^40 combinations (a missing level each) overflow an Int.
        let categorical = (0..<40).map { FeatureColumn.categorical("c\($0)", levels: ["x", "y"]) }
        let schema = DatasetSchema(
            name: "wide", id: IdentifierRule(column: "id"), target: TargetColumn(name: "label", classes: ["a", "b"]),
            features: [.numeric("v")] + categorical, partition: "label"
        )
        var generator = SplitMix64(seed: 11)
        let rows = 500
        let features: [[Double]] = schema.features.indices.map { feature in
            (0..<rows).map { _ in
                let draw = generator.next()
                if feature == 0 { return draw % 10 == 0 ? .nan : Double(draw % 40) / 4 }
                return draw % 7 == 0 ? .nan : Double(draw % 2)
            }
        }
        let records = RecordColumns(ids: (0..<rows).map { "r\($0)" }, targetClasses: (0..<rows).map { $0 % 2 }, features: features)
        let columns = DatasetColumns(schema: schema, records: records)
        var aggregate = StatisticsAggregate(schema: schema)
        aggregate.add(records, rows: 0..<200)
        aggregate.add(records, rows: 200..<rows)
        for groupBy in [nil, "label", "c0", "c39"] {
            try Self.expectSame(try aggregate.report(groupBy: groupBy), try StatisticsReport.compute(columns, groupBy: groupBy), "wide by \(groupBy ?? "nothing")")
        }
    }

    @Test("values with as many distinct values as rows are too many to keep")
    func continuousValuesAreNotCompact() {
        let schema = BundledSchemas.iris
        let rows = StatisticsAggregate.distinctLimit / 4 + 1
        let features = schema.features.indices.map { feature in (0..<rows).map { Double($0) + Double(feature) / 10 + 0.123 } }
        let records = RecordColumns(ids: (0..<rows).map(String.init), targetClasses: Array(repeating: 0, count: rows), features: features)
        #expect(!StatisticsAggregate(schema: schema, records: records).isCompact)
    }

    /// The same records, a missing value (nan) equal to a missing one.
    private func sameRecords(_ a: RecordColumns, _ b: RecordColumns) -> Bool {
        a.ids == b.ids && a.targetClasses == b.targetClasses && a.features.count == b.features.count
            && zip(a.features, b.features).allSatisfy { x, y in
                x.count == y.count && zip(x, y).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }
            }
    }

    private func slice(_ records: RecordColumns, _ range: Range<Int>) -> RecordColumns {
        RecordColumns(ids: Array(records.ids[range]), targetClasses: Array(records.targetClasses[range]), features: records.features.map { Array($0[range]) })
    }

    /// Same tables, rows, counts and order statistics; moments equal to 1e-12 relative.
    static func expectSame(_ kept: StatisticsReport, _ computed: StatisticsReport, _ label: String) throws {
        #expect(kept.tables.map(\.group) == computed.tables.map(\.group), "\(label)")
        #expect(kept.tables.map(\.rows) == computed.tables.map(\.rows), "\(label)")
        #expect(kept.categories == computed.categories, "\(label)")
        #expect(kept.countsByIslandAndSex == computed.countsByIslandAndSex, "\(label)")
        for (keptTable, table) in zip(kept.tables, computed.tables) {
            #expect(Set(keptTable.variables.keys) == Set(table.variables.keys), "\(label)")
            for (name, expected) in table.variables {
                let actual = try #require(keptTable.variables[name])
                let where_ = "\(label) \(table.group) \(name)"
                #expect(actual.count == expected.count && actual.missing == expected.missing, "\(where_)")
                #expect([actual.minimum, actual.q1, actual.median, actual.q3, actual.maximum]
                    == [expected.minimum, expected.q1, expected.median, expected.q3, expected.maximum], "\(where_)")
                #expect(close(actual.mean, expected.mean) && close(actual.standardDeviation, expected.standardDeviation), "\(where_)")
            }
        }
    }

    private static func close(_ a: Double?, _ b: Double?) -> Bool {
        guard let a, let b else { return a == nil && b == nil }
        return abs(a - b) <= 1e-12 * max(abs(a), abs(b))
    }
}

@Suite("Statistics kept as counts: the scatter sample")
struct StatisticsAggregateSampleTests {
    @Test("the sample holds stored records, at most as many as a chart draws, and knows the population")
    func sampleOfRecords() throws {
        let schema = BundledSchemas.penguins
        let columns = try DatasetColumns.load(file: BundledDataset.tidyCSV, schema: schema)
        // The bundled rows many times over, under other ids, added in parts.
        var records = RecordColumns(features: Array(repeating: [], count: schema.features.count))
        for copy in 0..<10 {
            var renamed = columns.records
            renamed.ids = renamed.ids.map { "\($0)-\(copy)" }
            records.append(contentsOf: renamed)
        }
        var aggregate = StatisticsAggregate(schema: schema)
        aggregate.add(records, rows: 0..<1_000)
        aggregate.add(records, rows: 1_000..<records.count)
        let sample = aggregate.sampleColumns
        #expect(sample.count == StatisticsAggregate.sampleLimit)
        #expect(Set(sample.records.ids).count == sample.count, "no record twice")
        let byID = Dictionary(uniqueKeysWithValues: records.ids.enumerated().map { ($1, $0) })
        for (position, id) in sample.records.ids.enumerated() {
            let row = try #require(byID[id])
            #expect(sample.records.targetClasses[position] == records.targetClasses[row])
            #expect(sample.records.features.indices.allSatisfy { feature in
                let (a, b) = (sample.records.features[feature][position], records.features[feature][row])
                return a == b || (a.isNaN && b.isNaN)
            })
        }
        // Records added late are sampled too: about half the sample comes from the second half.
        let late = sample.records.ids.filter { byID[$0]! >= records.count / 2 }.count
        #expect((800...1_200).contains(late), "\(late) of 2,000 from the later half")
        // What the plot says it was drawn from: the rows of all records with both features.
        let whole = DatasetColumns(schema: schema, records: records)
        #expect(sample.presentTogether("bill_length_mm", "body_mass_g") == whole.presentTogether("bill_length_mm", "body_mass_g"))
        #expect(sample.presentTogether("bill_length_mm", "body_mass_g") == 3_420)
    }
}

@Suite("Statistics kept as counts: the overview's counts")
struct StatisticsAggregateOverviewTests {
    @Test("the overview's counts from kept statistics are those of a scan of the warehouse")
    func overviewCountsFromStatistics() async throws {
        let directory = Scratch.directory.appendingPathComponent("overview-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let platform = try Platform.embedded(PlatformConfiguration(dataDirectory: directory))
        _ = try await Ingestor(platform: platform).ingest(file: BundledDataset.rawCSV)
        let warehouse = platform.warehouse.recordWarehouse
        let columns = try await warehouse.columns(featureIndices: Array(warehouse.schema.features.indices))
        // Some rows scored, as a batch scoring would: the counts the aggregate does not follow.
        let prediction = RecordPrediction(predictedClass: 0, probabilities: [1, 0, 0], modelVersion: 1, predictedAt: Date())
        let scored = (0..<columns.count).filter { $0 % 3 == 0 }.map { (columns.ids[$0], prediction, [columns.features[0][$0]]) }
        #expect(try await warehouse.writePredictions(scored, featureIndices: [0]) == scored.count)

        let statistics = StatisticsAggregate(schema: warehouse.schema, records: columns)
        let kept = try await PlatformSummary.StoredCounts.collect(platform, statistics: statistics)
        let scanned = try await PlatformSummary.StoredCounts.collect(platform)
        #expect(kept.lakeDocuments == scanned.lakeDocuments && kept.warehouseRows == scanned.warehouseRows)
        #expect(kept.partitions.map(\.partition) == scanned.partitions.map(\.partition))
        #expect(kept.partitions.map(\.scored).reduce(0, +) == scored.count)
        for (island, expected) in zip(kept.partitions, scanned.partitions) {
            #expect(island.count == expected.count && island.countByClass == expected.countByClass)
            #expect(island.usableForTraining == expected.usableForTraining && island.scored == expected.scored)
            #expect(Set(island.means.keys) == Set(expected.means.keys))
            for (feature, mean) in expected.means {
                #expect(abs(island.means[feature]! - mean) <= 1e-12 * abs(mean), "\(island.partition) \(feature)")
            }
        }
    }
}

@Suite("Statistics kept as counts: drift against the stored records")
struct StatisticsAggregateDriftTests {
    @Test("the drift of the kept counts is the drift of every record written out, to the last digit")
    func driftFromCountsEqualsDriftFromRecords() throws {
        for (schema, file) in StatisticsAggregateTests.datasets {
            let columns = try DatasetColumns.load(file: file, schema: schema)
            // A reference of some records against all of them, as a model's training sample against the warehouse.
            let reference = DriftSample(columns: DatasetColumns(schema: schema, records: columns.records.slice(0..<60)))
            let counted = DriftSample(statistics: StatisticsAggregate(schema: schema, records: columns.records))
            #expect(counted.counts.values.map(\.total).reduce(0, +) == DriftSample(columns: columns).values.values.map(\.count).reduce(0, +))
            let analysis = DriftAnalysis(dataset: schema, minimumRows: 10)
            let fromCounts = try analysis.compare(reference: reference, current: counted, referenceName: "part", currentName: "all")
            let fromRecords = try analysis.compare(reference: reference, current: DriftSample(columns: columns), referenceName: "part", currentName: "all")
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            #expect(try encoder.encode(fromCounts) == (try encoder.encode(fromRecords)), "\(schema.name)")
            #expect(!fromCounts.features.isEmpty)
        }
    }
}
