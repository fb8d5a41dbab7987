import Foundation
import PenguinsCore
import PenguinsML
import PenguinsStorage

/// What a training run produced.
public struct TrainReport: Sendable {
    public var version: Int
    public var artifact: ModelArtifact
    /// Seconds spent reading the warehouse, and fitting the scaler and the forest.
    public var loadSeconds: Double
    public var fitSeconds: Double
    /// False when the new version stays a candidate: the current one is better (see ``comparison``).
    public var promoted: Bool
    /// The new version against the version current before; nil when there was none.
    public var comparison: ModelComparison?

    public init(
        version: Int, artifact: ModelArtifact, loadSeconds: Double, fitSeconds: Double, promoted: Bool = true, comparison: ModelComparison? = nil
    ) {
        self.version = version
        self.artifact = artifact
        self.loadSeconds = loadSeconds
        self.fitSeconds = fitSeconds
        self.promoted = promoted
        self.comparison = comparison
    }
}

/// The rows of the warehouse usable for training, as a matrix in ``Feature/allCases`` order
/// with species indices in ``Species/allCases`` order.
public struct TrainingData: Sendable {
    public var ids: [String] = []
    public var features: [Double] = []
    public var labels: [Int] = []
    public var islands: [String] = []
    public var sexes: [String] = []
    public var count: Int { labels.count }

    /// Reads every usable row of the warehouse, one page at a time.
    public static func load(from warehouse: any Warehouse) async throws -> TrainingData {
        let coding = PenguinRecords(schema: warehouse.recordWarehouse.schema)
        let columns = try await warehouse.recordWarehouse.columns(
            featureIndices: coding.measurementIndices + [coding.islandIndex, coding.sexIndex])
        var data = TrainingData()
        let (bill, depth, flipper, mass) = (columns.features[0], columns.features[1], columns.features[2], columns.features[3])
        let (islands, sexes) = (columns.features[4], columns.features[5])
        let labels = coding.schema.target.classes.map { name in Species.allCases.firstIndex { $0.rawValue == name } }
        data.ids.reserveCapacity(columns.count)
        data.features.reserveCapacity(columns.count * 4)
        for row in 0..<columns.count {
            let vector = (bill[row], depth[row], flipper[row], mass[row])
            guard !vector.0.isNaN, !vector.1.isNaN, !vector.2.isNaN, !vector.3.isNaN,
                  let label = labels[columns.targetClasses[row]], let island = coding.island(level: islands[row]) else { continue }
            data.ids.append(columns.ids[row])
            data.features.append(vector.0)
            data.features.append(vector.1)
            data.features.append(vector.2)
            data.features.append(vector.3)
            data.labels.append(label)
            data.islands.append(island.rawValue)
            data.sexes.append(coding.sex(level: sexes[row])?.rawValue ?? "missing")
        }
        return data
    }

    mutating func append(_ penguin: Penguin) {
        guard let vector = penguin.measurements.featureVector else { return }
        ids.append(penguin.id)
        features += vector
        labels.append(Species.allCases.firstIndex(of: penguin.species)!)
        islands.append(penguin.island.rawValue)
        sexes.append(penguin.sex?.rawValue ?? "missing")
    }

    /// FNV-1a 64 over ids and feature values, as 16 hex digits.
    public var fingerprint: String {
        var hash = Fingerprint()
        for id in ids { hash.add(id) }
        for value in features { hash.add(value.bitPattern) }
        return hash.hex
    }
}

/// Trains a species model on the warehouse, evaluates it on a held-out stratified split,
/// registers it and makes it current.
public struct Trainer: Sendable {
    public var platform: Platform
    public var parameters: RandomForestClassifier
    public var testFraction: Double
    /// Make the new version current even when it is worse than the current one.
    public var force: Bool

    public init(
        platform: Platform, parameters: RandomForestClassifier = RandomForestClassifier(), testFraction: Double = 0.2, force: Bool = false
    ) {
        self.platform = platform
        self.parameters = parameters
        self.testFraction = testFraction
        self.force = force
    }

    public func train(now: Date = Date()) async throws -> TrainReport {
        guard (0..<1).contains(testFraction) else {
            throw PipelineError.invalidOption("--test-fraction must be at least 0 and below 1, got \(testFraction)")
        }
        let loadStart = Date()
        let data = try await TrainingData.load(from: platform.warehouse)
        guard data.count > 0 else { throw PipelineError.noTrainingData }
        let loadSeconds = Date().timeIntervalSince(loadStart)

        let fitStart = Date()
        let artifact = try fit(data, now: now)
        let fitSeconds = Date().timeIntervalSince(fitStart)

        let version = try await platform.registry.register(artifact: try artifact.encoded(), createdAt: now)
        let gate = try await ModelPromotion(platform: platform, schema: platform.warehouse.recordWarehouse.schema).promoteTrained(version: version, force: force)
        return TrainReport(
            version: version, artifact: artifact, loadSeconds: loadSeconds, fitSeconds: fitSeconds, promoted: gate.promoted, comparison: gate.comparison)
    }

    /// Fits scaler and forest on the training split and evaluates on the test split. Pure: no I/O.
    public func fit(_ data: TrainingData, now: Date) throws -> ModelArtifact {
        let all = FeatureMatrix(columnCount: Feature.allCases.count, values: data.features)
        let fitted = try ForestFit(all, labels: data.labels, classCount: Species.allCases.count, parameters: parameters, testFraction: testFraction)
        let train = fitted.split.train
        return ModelArtifact(
            engine: "swift",
            featureNames: Feature.allCases.map(\.rawValue),
            classLabels: Species.allCases.map(\.rawValue),
            parameters: parameters,
            scaler: fitted.scaler,
            forest: fitted.forest,
            metrics: fitted.metrics,
            trainingRows: train.count,
            testRows: fitted.split.test.count,
            testFraction: testFraction,
            trainingFingerprint: data.fingerprint,
            referenceSample: referenceSample(data, rows: fitted.referenceRows(size: ModelArtifact.referenceSampleSize)),
            referenceCategories: [
                "species": counts(train.map { Species.allCases[data.labels[$0]].rawValue }),
                "island": counts(train.map { data.islands[$0] }),
                "sex": counts(train.map { data.sexes[$0] }),
            ],
            createdAt: now
        )
    }

    private func counts(_ levels: [String]) -> [String: Int] {
        levels.reduce(into: [:]) { $0[$1, default: 0] += 1 }
    }

    /// Each feature's values in the picked training rows.
    private func referenceSample(_ data: TrainingData, rows picked: [Int]) -> [String: [Double]] {
        var sample: [String: [Double]] = [:]
        for (column, feature) in Feature.allCases.enumerated() {
            sample[feature.rawValue] = picked.map { data.features[$0 * Feature.allCases.count + column] }
        }
        return sample
    }
}

/// FNV-1a, 64 bits: a fast, stable fingerprint (not a cryptographic hash).
struct Fingerprint {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func add(_ string: String) {
        for byte in string.utf8 { mix(byte) }
        mix(0)
    }

    mutating func add(_ bits: UInt64) {
        for shift in stride(from: 0, to: 64, by: 8) { mix(UInt8(truncatingIfNeeded: bits >> UInt64(shift))) }
    }

    private mutating func mix(_ byte: UInt8) {
        value ^= UInt64(byte)
        value = value &* 0x0000_0100_0000_01b3
    }

    var hex: String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
