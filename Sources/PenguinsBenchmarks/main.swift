// Times the platform's numerical kernels on a tidy CSV file (default: 1,000,000 synthetic
// penguins) and prints one JSON line per kernel with the median of several runs.
//
//   swift run -c release penguins-benchmarks FILE [--runs 5]
//
// Kernels: KS on two samples of body_mass_g (the values and the values + 50 g, as the seed's
// benchmark does), random-forest fit on a stratified 80 % (20 trees, depth 5), descriptive
// statistics of every numeric column, the statistics aggregate an ingestion keeps, OLS of body
// mass on flipper length and sex.
import Foundation
import PenguinsCore
import PenguinsML
import PenguinsPipeline
import PenguinsStatistics
import PenguinsStorage

let arguments = CommandLine.arguments.dropFirst()
guard let path = arguments.first else {
    FileHandle.standardError.write(Data("usage: penguins-benchmarks FILE [--runs N]\n".utf8))
    exit(2)
}
let runs = arguments.firstIndex(of: "--runs").flatMap { Int(arguments[arguments.index(after: $0)]) } ?? 5

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

func report(_ name: String, _ times: [Double], _ extra: [String: Any] = [:]) {
    let sorted = times.sorted()
    var object: [String: Any] = ["kernel": name, "runs": times.count, "median_s": sorted[sorted.count / 2], "min_s": sorted[0]]
    object.merge(extra) { a, _ in a }
    let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    print(String(decoding: data, as: UTF8.self))
}

var columns = DatasetColumns(schema: BundledSchemas.penguins, records: RecordColumns(features: []))
let loadTime = try seconds { columns = try DatasetColumns.load(file: URL(fileURLWithPath: path), schema: BundledSchemas.penguins) }
report("load_csv", [loadTime], ["rows": columns.count])

// KS: body mass against body mass + 50 g.
let mass = columns.numeric(Feature.bodyMass.rawValue)!.compactMap { $0 }
let shifted = mass.map { $0 + 50 }
var ks = KolmogorovSmirnov.twoSample(mass, shifted)
report("ks_2samp", try (0..<runs).map { _ in seconds { ks = KolmogorovSmirnov.twoSample(mass, shifted) } },
       ["n": mass.count, "statistic": ks.statistic, "p_value": ks.pValue])

// Descriptive statistics of every numeric column, overall.
report("describe", try (0..<runs).map { _ in try seconds { _ = try StatisticsReport.compute(columns) } })

// The statistics an ingestion keeps up to date: the aggregate folded over the rows in batches
// of 10,000, as the ingestion's batches come.
report("statistics_aggregate", (0..<runs).map { _ in
    seconds {
        var aggregate = StatisticsAggregate(schema: columns.schema)
        for start in stride(from: 0, to: columns.count, by: 10_000) {
            aggregate.add(columns.records, rows: start..<min(start + 10_000, columns.count))
        }
    }
})

// OLS: body_mass_g ~ flipper_length_mm + sex on every complete row.
let regression = RegressionAnalysis(target: "body_mass_g", predictors: ["flipper_length_mm", "sex"], testFraction: 0)
report("ols", try (0..<runs).map { _ in try seconds { _ = try regression.run(columns) } })

// Random forest on a stratified 80 % split, scaled, 20 trees of depth 5.
var features: [Double] = []
var labels: [Int] = []
let measurements = Feature.allCases.map { columns.numeric($0.rawValue)! }
let speciesColumn = columns.categorical("species")!
for index in 0..<columns.count {
    let row = measurements.compactMap { $0[index] }
    guard row.count == 4, let species = speciesColumn[index].flatMap(Species.init(rawValue:)) else { continue }
    features += row
    labels.append(Species.allCases.firstIndex(of: species)!)
}
let matrix = FeatureMatrix(columnCount: 4, values: features)
let split = StratifiedSplit.split(labels: labels, testFraction: 0.2, seed: 42)
let scaler = StandardScaler.fit(matrix.selecting(rows: split.train))
let train = scaler.transform(matrix.selecting(rows: split.train))
let trainLabels = split.train.map { labels[$0] }
let test = scaler.transform(matrix.selecting(rows: split.test))
var model: RandomForestModel?
let fitTimes = try (0..<max(3, runs / 2)).map { _ in
    try seconds { model = try RandomForestClassifier().fit(train, labels: trainLabels, classCount: 3) }
}
let predicted = model!.predict(test)
let accuracy = Double(zip(predicted, split.test.map { labels[$0] }).filter { $0 == $1 }.count) / Double(split.test.count)
report("random_forest_fit", fitTimes, ["train_rows": split.train.count, "test_rows": split.test.count, "accuracy": accuracy])
