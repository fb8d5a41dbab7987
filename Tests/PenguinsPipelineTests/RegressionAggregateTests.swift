import Foundation
import PenguinsCore
import PenguinsStatistics
import PenguinsStorage
import Testing
@testable import PenguinsPipeline

@Suite("Regressions kept as sums of cross products")
struct RegressionAggregateTests {
    /// Fits of every bundled dataset: numeric and categorical predictors (the target's classes
    /// among them), columns with missing values, no test split and another seed.
    static let fits: [(DatasetSchema, URL, RegressionAnalysis)] = [
        (BundledSchemas.penguins, BundledDataset.tidyCSV, RegressionAnalysis(target: "body_mass_g", predictors: ["flipper_length_mm", "sex"])),
        (BundledSchemas.penguins, BundledDataset.tidyCSV, RegressionAnalysis(target: "body_mass_g", predictors: ["flipper_length_mm", "bill_length_mm", "sex", "species"], testFraction: 0.3, seed: 7)),
        (BundledSchemas.penguins, BundledDataset.rawCSV, RegressionAnalysis(target: "delta_15_n", predictors: ["delta_13_c", "island", "year"])),
        (BundledSchemas.penguins, BundledDataset.rawCSV, RegressionAnalysis(target: "bill_depth_mm", predictors: ["bill_length_mm", "island"], testFraction: 0)),
        (BundledSchemas.iris, BundledDataset.irisCSV, RegressionAnalysis(target: "petal_length_cm", predictors: ["sepal_length_cm", "species"], testFraction: 0.25, seed: 3)),
    ]

    @Test("the kept fit is the fit of all the rows, whether they were added at once or in parts")
    func keptFitEqualsTheFitOfAllRows() throws {
        for (schema, file, analysis) in Self.fits {
            let columns = try DatasetColumns.load(file: file, schema: schema)
            let computed = try analysis.run(columns)
            var whole = RegressionAggregate(schema: schema, testFraction: analysis.testFraction, seed: analysis.seed)
            whole.add(columns.records)
            var parts = RegressionAggregate(schema: schema, testFraction: analysis.testFraction, seed: analysis.seed)
            for range in [0..<50, 50..<51, 51..<columns.count] { parts.add(columns.records.slice(range)) }
            for aggregate in [whole, parts] {
                #expect(aggregate.rows == columns.count)
                #expect(aggregate.isCompact)
                try expectSame(try aggregate.report(analysis), computed, "\(schema.name) \(analysis.target) ~ \(analysis.predictors)")
            }
        }
    }

    @Test("records updated after they were added: the fit of the records as they are now")
    func updatesReplaceTheirValues() throws {
        for (schema, file, analysis) in Self.fits {
            let columns = try DatasetColumns.load(file: file, schema: schema)
            let edits = RecordEdits(columns.records, schema: schema)
            var aggregate = RegressionAggregate(schema: schema, testFraction: analysis.testFraction, seed: analysis.seed)
            aggregate.add(columns.records)
            let (previous, current) = edits.pairs(of: columns.records)
            aggregate.replace(previous, with: current)
            #expect(aggregate.rows == columns.count)
            let edited = DatasetColumns(schema: schema, records: edits.edited)
            try expectSame(try aggregate.report(analysis), try analysis.run(edited), "\(schema.name) \(analysis.target) ~ \(analysis.predictors) edited")
            // Edited back: the first fit again.
            aggregate.replace(current, with: previous)
            try expectSame(try aggregate.report(analysis), try analysis.run(columns), "\(schema.name) \(analysis.target) edited back")
        }
    }

    @Test("records taken out that were never added leave sums that say so")
    func takingOutWhatWasNeverAddedIsInconsistent() throws {
        let (schema, file, analysis) = Self.fits[0]
        let columns = try DatasetColumns.load(file: file, schema: schema)
        var aggregate = RegressionAggregate(schema: schema, testFraction: analysis.testFraction, seed: analysis.seed)
        aggregate.add(columns.records.slice(0..<10))
        #expect(aggregate.isConsistent)
        // Told that 300-odd records it never added changed (some losing a value, so changing
        // their pattern of present columns): a pattern's count of records drops below zero.
        let rest = columns.records.slice(10..<columns.count)
        aggregate.replace(rest, with: RecordEdits(rest, schema: schema).edited)
        #expect(!aggregate.isConsistent)
    }

    @Test("sums saved and read again go on as the sums kept: the same fit, the same plot")
    func savedSumsGoOn() throws {
        for (schema, file, analysis) in Self.fits {
            let columns = try DatasetColumns.load(file: file, schema: schema)
            var kept = RegressionAggregate(schema: schema, testFraction: analysis.testFraction, seed: analysis.seed)
            kept.add(columns.records.slice(0..<columns.count / 2))
            var saved = try AggregateCoding.decode(RegressionAggregate.self, from: try AggregateCoding.encode(kept))
            let rest = columns.records.slice(columns.count / 2..<columns.count)
            kept.add(rest)
            saved.add(rest)
            #expect(saved.rows == columns.count)
            let (fromSaved, fromKept) = (try saved.report(analysis), try kept.report(analysis))
            try expectSame(fromSaved, try analysis.run(columns), "\(schema.name) \(analysis.target) saved")
            // The plot's sample draws on from where it was saved: the same points (the fit's
            // sums added in another order of the patterns).
            #expect(fromSaved.actual == fromKept.actual)
            #expect(fromSaved.predicted.count == fromKept.predicted.count)
            for (a, b) in zip(fromSaved.predicted, fromKept.predicted) { #expect(abs(a - b) <= 1e-9 * abs(b)) }
        }
    }

    @Test("sums of another size than their schema's are refused")
    func corruptSumsAreRefused() throws {
        let schema = BundledSchemas.iris
        var aggregate = RegressionAggregate(schema: schema, testFraction: 0.25, seed: 7)
        aggregate.add(try DatasetColumns.load(file: BundledDataset.irisCSV, schema: schema).records)
        var body = try #require(try JSONSerialization.jsonObject(with: try AggregateCoding.encode(aggregate)) as? [String: Any])
        body["origins"] = (body["origins"] as? [Any])?.dropLast().map { $0 }
        #expect(throws: DecodingError.self) {
            try AggregateCoding.decode(RegressionAggregate.self, from: try JSONSerialization.data(withJSONObject: body))
        }
    }

    @Test("records keep their side of the split as others arrive, and it has about the fraction asked for")
    func splitByIdIsStable() throws {
        let analysis = RegressionAnalysis(target: "body_mass_g", predictors: ["flipper_length_mm"], testFraction: 0.2, seed: 42)
        let ids = (0..<20_000).map { "penguin-\($0)" }
        let held = ids.filter(analysis.isTest(id:))
        #expect(abs(Double(held.count) / Double(ids.count) - 0.2) < 0.01)
        // Another seed holds out other records; no fraction holds out none or all.
        let other = RegressionAnalysis(target: "body_mass_g", predictors: ["flipper_length_mm"], testFraction: 0.2, seed: 43)
        #expect(Set(held) != Set(ids.filter(other.isTest(id:))))
        #expect(ids.filter(RegressionAnalysis(target: "", predictors: [], testFraction: 0).isTest(id:)).isEmpty)
        // The penguins' fit holds out the same records with the file read whole or cut short.
        let columns = try DatasetColumns.load(file: BundledDataset.tidyCSV, schema: BundledSchemas.penguins)
        let all = try analysis.run(columns)
        let fewer = try analysis.run(DatasetColumns(schema: columns.schema, records: columns.records.slice(0..<300)))
        #expect(fewer.testRows <= all.testRows && fewer.testRows > 0)
        let heldInFile = columns.records.ids.filter(analysis.isTest(id:))
        #expect(heldInFile.prefix(while: { columns.records.ids.prefix(300).contains($0) }).count <= fewer.testRows)
    }

    @Test("the errors of a fit are those of the fit of all the rows")
    func errorsAreTheComputation() throws {
        let schema = BundledSchemas.penguins
        let columns = try DatasetColumns.load(file: BundledDataset.tidyCSV, schema: schema)
        // Only the Torgersen penguins: a single island, too few rows for many predictors.
        let islandColumn = schema.features.firstIndex { $0.name == "island" }!
        let torgersen = columns.records.features[islandColumn].indices.filter { columns.records.features[islandColumn][$0] == 2 }
        var records = RecordColumns(features: Array(repeating: [], count: schema.features.count))
        for row in torgersen.prefix(4) { records.append(contentsOf: columns.records.slice(row..<(row + 1))) }
        let few = DatasetColumns(schema: schema, records: records)
        var aggregate = RegressionAggregate(schema: schema, testFraction: 0.2, seed: 42)
        aggregate.add(records)
        let analyses = [
            RegressionAnalysis(target: "body_mass_g", predictors: ["flipper_length_mm", "island"], testFraction: 0.2),
            RegressionAnalysis(target: "body_mass_g", predictors: ["flipper_length_mm", "bill_length_mm", "bill_depth_mm"], testFraction: 0.2),
            RegressionAnalysis(target: "body_mass_g", predictors: ["wingspan"], testFraction: 0.2),
        ]
        for analysis in analyses {
            let computed = Result { try analysis.run(few) }
            let kept = Result { try aggregate.report(analysis) }
            guard case .failure(let expected) = computed, case .failure(let actual) = kept else {
                Issue.record("\(analysis.predictors): both should fail, got \(computed) and \(kept)")
                continue
            }
            #expect(String(describing: actual) == String(describing: expected))
        }
    }

    /// The same rows and terms; estimates and their inference, fit statistics and errors equal
    /// to 1e-8 relative; the plot's points are test records' actual values with the model's
    /// predictions (all of them when the sample holds every test record).
    private func expectSame(_ kept: RegressionReport, _ computed: RegressionReport, _ label: String) throws {
        #expect(kept.trainingRows == computed.trainingRows, "\(label)")
        #expect(kept.testRows == computed.testRows, "\(label)")
        #expect(kept.rowsWithMissingValues == computed.rowsWithMissingValues, "\(label)")
        #expect(kept.model.terms.map(\.name) == computed.model.terms.map(\.name), "\(label)")
        #expect(kept.model.predictorEncodings == computed.model.predictorEncodings, "\(label)")
        for (term, reference) in zip(kept.model.terms, computed.model.terms) {
            #expect(isClose(term.estimate, reference.estimate, relative: 1e-8), "\(label) \(term.name) \(term.estimate) vs \(reference.estimate)")
            #expect(isClose(term.standardError, reference.standardError, relative: 1e-8), "\(label) \(term.name) SE")
            #expect(isClose(term.pValue, reference.pValue, relative: 1e-6, absolute: 1e-300), "\(label) \(term.name) p \(term.pValue) vs \(reference.pValue)")
        }
        #expect(isClose(kept.model.rSquared, computed.model.rSquared, relative: 1e-9), "\(label)")
        #expect(isClose(kept.model.fStatistic, computed.model.fStatistic, relative: 1e-8), "\(label)")
        #expect(isClose(kept.trainingMSE, computed.trainingMSE, relative: 1e-9), "\(label)")
        #expect((kept.testMSE == nil) == (computed.testMSE == nil), "\(label)")
        if let keptMSE = kept.testMSE, let computedMSE = computed.testMSE {
            #expect(isClose(keptMSE, computedMSE, relative: 1e-9), "\(label) test MSE \(keptMSE) vs \(computedMSE)")
        }
        #expect(kept.actual.count == kept.predicted.count)
        #expect(kept.actual.sorted() == computed.actual.sorted(), "\(label): the sample holds every plotted record")
        let pairs = Dictionary(zip(computed.actual, computed.predicted).map { ($0, [$1]) }, uniquingKeysWith: +)
        for (actual, predicted) in zip(kept.actual, kept.predicted) {
            #expect(pairs[actual]?.contains { isClose($0, predicted, relative: 1e-9) } == true, "\(label) point \(actual)")
        }
    }
}

private func isClose(_ a: Double, _ b: Double, relative: Double, absolute: Double = 0) -> Bool {
    abs(a - b) <= max(absolute, relative * max(abs(a), abs(b)))
}
