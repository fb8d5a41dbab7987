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
    public private(set) var features: [Double] = []
    public private(set) var labels: [Int] = []
    /// Each row's island, by its level index in the schema (``islandNames``).
    private(set) var islands: [UInt8] = []
    /// The schema's island levels.
    private(set) var islandNames: [String] = []
    /// Each row's sex, by its index in ``Sex/allCases``; ``missingSex`` when missing.
    private(set) var sexes: [UInt8] = []
    /// The ids read so far, hashed in order (the ids themselves are not kept).
    private var idHash = Fingerprint()
    /// The rows storage is made for when the first are added (at most as many are).
    private var expectedRows = 0
    static let missingSex = UInt8.max
    public var count: Int { labels.count }

    /// The records read at a time.
    static let chunk = 100_000

    /// Reads every usable row of the warehouse, a chunk at a time (the read's columns are never
    /// held whole), in the warehouse's key order.
    public static func load(from warehouse: any PenguinWarehouseView) async throws -> TrainingData {
        let records = warehouse.recordWarehouse
        let coding = PenguinRecords(schema: records.schema)
        let indices = coding.measurementIndices + [coding.islandIndex, coding.sexIndex]
        let empty = TrainingData(expectedRows: try await records.count())
        if let folded = try await records.foldColumns(featureIndices: indices, chunk: chunk, into: empty, { data, chunk in
            data.add(chunk, coding: coding)
            return true
        }) {
            return folded.state
        }
        var data = TrainingData(expectedRows: 0)
        data.add(try await records.columns(featureIndices: indices), coding: coding)
        return data
    }

    private init(expectedRows: Int) {
        self.expectedRows = expectedRows
    }

    /// Adds the usable rows of `columns`: the four measurements, then the island and the sex.
    private mutating func add(_ columns: RecordColumns, coding: PenguinRecords) {
        // Reserved here rather than in `init`: a state copied before its first change would
        // otherwise copy the reserved storage, doubled.
        if labels.isEmpty, expectedRows > 0 {
            features.reserveCapacity(expectedRows * Feature.allCases.count)
            labels.reserveCapacity(expectedRows)
            islands.reserveCapacity(expectedRows)
            sexes.reserveCapacity(expectedRows)
        }
        islandNames = coding.islands.map(\.rawValue)
        let speciesOfClass = coding.schema.target.classes.map { name in Species.allCases.firstIndex { $0.rawValue == name } }
        let (bill, depth, flipper, mass) = (columns.features[0], columns.features[1], columns.features[2], columns.features[3])
        let (islandLevels, sexLevels) = (columns.features[4], columns.features[5])
        for row in 0..<columns.count {
            let vector = (bill[row], depth[row], flipper[row], mass[row])
            guard !vector.0.isNaN, !vector.1.isNaN, !vector.2.isNaN, !vector.3.isNaN,
                  let label = speciesOfClass[columns.targetClasses[row]], let island = coding.island(level: islandLevels[row]) else { continue }
            idHash.add(columns.ids[row])
            features.append(vector.0)
            features.append(vector.1)
            features.append(vector.2)
            features.append(vector.3)
            labels.append(label)
            islands.append(UInt8(coding.islands.firstIndex(of: island)!))
            sexes.append(coding.sex(level: sexLevels[row]).map { UInt8(Sex.allCases.firstIndex(of: $0)!) } ?? Self.missingSex)
        }
    }

    /// FNV-1a 64 over ids, then feature values, as 16 hex digits.
    public var fingerprint: String {
        var hash = idHash
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
        let artifact = try fit(consume data, now: now)
        let fitSeconds = Date().timeIntervalSince(fitStart)

        let version = try await platform.registry.register(artifact: try artifact.encoded(), createdAt: now)
        let gate = try await ModelPromotion(platform: platform, schema: platform.warehouse.recordWarehouse.schema).promoteTrained(version: version, force: force)
        return TrainReport(
            version: version, artifact: artifact, loadSeconds: loadSeconds, fitSeconds: fitSeconds, promoted: gate.promoted, comparison: gate.comparison)
    }

    /// Fits scaler and forest on the training split and evaluates on the test split. Pure: no I/O.
    /// The rows handed over (`consume`) are held once: the fit moves the training rows within them.
    public func fit(_ data: consuming TrainingData, now: Date) throws -> ModelArtifact {
        let (labels, islands, islandNames, sexes, fingerprint) = (data.labels, data.islands, data.islandNames, data.sexes, data.fingerprint)
        let all = FeatureMatrix(columnCount: Feature.allCases.count, values: (consume data).features)
        let fitted = try ForestFit(
            consume all, labels: labels, classCount: Species.allCases.count, parameters: parameters, testFraction: testFraction,
            referenceSize: ModelArtifact.referenceSampleSize)
        let train = fitted.split.train
        var sample: [String: [Double]] = [:]
        for (column, feature) in Feature.allCases.enumerated() { sample[feature.rawValue] = fitted.reference.column(column) }
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
            trainingFingerprint: fingerprint,
            referenceSample: sample,
            referenceCategories: [
                "species": counts(train.map { Species.allCases[labels[$0]].rawValue }),
                "island": counts(train.map { islandNames[Int(islands[$0])] }),
                "sex": counts(train.map { sexes[$0] == TrainingData.missingSex ? "missing" : Sex.allCases[Int(sexes[$0])].rawValue }),
            ],
            createdAt: now
        )
    }

    private func counts(_ levels: [String]) -> [String: Int] {
        levels.reduce(into: [:]) { $0[$1, default: 0] += 1 }
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
