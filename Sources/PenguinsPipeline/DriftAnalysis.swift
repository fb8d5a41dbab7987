import Foundation
import PenguinsCore
import PenguinsStatistics
import PenguinsStorage

/// Where a drift sample comes from.
public enum DriftSource: Sendable, Equatable, CustomStringConvertible {
    /// The current model's training sample (kept in its artifact).
    case training
    /// The prediction log: what the live model has been asked.
    case production
    /// A CSV file in either layout.
    case file(URL)

    /// Parses `training`, `production` or a file path.
    public init(argument: String) {
        switch argument {
        case "training": self = .training
        case "production": self = .production
        default: self = .file(URL(fileURLWithPath: argument))
        }
    }

    public var description: String {
        switch self {
        case .training: "training"
        case .production: "production"
        case .file(let url): url.path
        }
    }
}

/// Drift of one numeric feature between a reference and a current sample.
public struct FeatureDrift: Codable, Sendable {
    public var feature: String
    public var referenceCount: Int
    public var currentCount: Int
    public var ks: KolmogorovSmirnovResult
    public var psi: PSIResult
    /// True when the KS p-value is below the threshold.
    public var drift: Bool
}

/// Drift of one categorical column, by the chi-squared test of homogeneity.
public struct CategoricalDrift: Codable, Sendable {
    public var column: String
    public var reference: [String: Int]
    public var current: [String: Int]
    public var chiSquared: ChiSquaredResult
    public var drift: Bool
}

/// The drift of every compared column.
public struct DriftReport: Codable, Sendable {
    public var reference: String
    public var current: String
    public var threshold: Double
    public var features: [FeatureDrift]
    public var categorical: [CategoricalDrift]
    /// True when any column drifted.
    public var drift: Bool { features.contains(where: \.drift) || categorical.contains(where: \.drift) }
}

/// One side of a drift comparison: numeric values per feature and level counts per categorical column.
public struct DriftSample: Sendable {
    public var values: [Feature: [Double]] = [:]
    public var categories: [String: [String: Int]] = [:]

    public init(values: [Feature: [Double]] = [:], categories: [String: [String: Int]] = [:]) {
        self.values = values
        self.categories = categories
    }

    /// The sample of a CSV file in either layout: every present measurement and every level count.
    /// - Parameter overrides: parts of the file's dialect to take as given instead of detecting them.
    public static func load(file: URL, overrides: CSVDialect.Overrides = .none) throws -> DriftSample {
        let columns = try PenguinColumns.load(file: file, overrides: overrides)
        var sample = DriftSample()
        for feature in Feature.allCases { sample.values[feature] = columns.measurements[feature]!.compactMap { $0 } }
        for name in PenguinColumns.categoricalNames {
            sample.categories[name] = columns.categorical(name)!.reduce(into: [:]) { $0[$1 ?? "missing", default: 0] += 1 }
        }
        return sample
    }

    /// The sample of a source; `platform` is only needed for `training` and `production`.
    public static func load(
        _ source: DriftSource, platform: Platform?, overrides: CSVDialect.Overrides = .none, logWindow: Int = 100_000
    ) async throws -> DriftSample {
        switch source {
        case .file(let url):
            return try load(file: url, overrides: overrides)
        case .training:
            guard let platform else { throw PipelineError.noModel }
            let artifact = try await platform.currentModel().artifact
            var sample = DriftSample(categories: artifact.referenceCategories)
            for feature in Feature.allCases { sample.values[feature] = artifact.referenceSample[feature.rawValue] ?? [] }
            return sample
        case .production:
            guard let platform else { throw PipelineError.noModel }
            guard try await platform.predictionLog.count() > 0 else {
                throw PipelineError.notEnoughRows(
                    "the prediction log is empty; log a production sample with `penguins predict FILE --log` first"
                )
            }
            var sample = DriftSample()
            for feature in Feature.allCases {
                sample.values[feature] = try await platform.predictionLog.values(of: feature, limit: logWindow)
            }
            let recent = try await platform.predictionLog.recent(limit: logWindow)
            sample.categories["species"] = recent.reduce(into: [:]) { $0[$1.prediction.species.rawValue, default: 0] += 1 }
            return sample
        }
    }
}

/// Compares two samples feature by feature (KS and PSI) and column by column (chi-squared).
public struct DriftAnalysis: Sendable {
    public var threshold: Double
    /// Nil compares every feature.
    public var feature: Feature?

    public init(threshold: Double = 0.05, feature: Feature? = nil) {
        self.threshold = threshold
        self.feature = feature
    }

    public func compare(reference: DriftSample, current: DriftSample, referenceName: String, currentName: String) throws -> DriftReport {
        guard threshold > 0, threshold < 1 else { throw PipelineError.invalidOption("--threshold must be between 0 and 1, got \(threshold)") }
        var features: [FeatureDrift] = []
        for feature in feature.map({ [$0] }) ?? Feature.allCases {
            let a = reference.values[feature] ?? []
            let b = current.values[feature] ?? []
            guard !a.isEmpty, !b.isEmpty else {
                if self.feature != nil {
                    throw PipelineError.notEnoughRows("no \(feature.rawValue) values in the \(a.isEmpty ? referenceName : currentName) sample")
                }
                continue
            }
            let ks = KolmogorovSmirnov.twoSample(a, b)
            features.append(FeatureDrift(
                feature: feature.rawValue, referenceCount: a.count, currentCount: b.count, ks: ks,
                psi: PopulationStabilityIndex.compute(reference: a, current: b),
                drift: DriftVerdict.isDrift(pValue: ks.pValue, threshold: threshold)
            ))
        }
        guard !features.isEmpty else {
            throw PipelineError.notEnoughRows("no measurements to compare: the \(referenceName) or \(currentName) sample is empty")
        }
        var categorical: [CategoricalDrift] = []
        if feature == nil {
            for column in PenguinColumns.categoricalNames {
                guard let a = reference.categories[column], let b = current.categories[column], !a.isEmpty, !b.isEmpty else { continue }
                let test = ChiSquaredTest.homogeneity(reference: a, current: b)
                categorical.append(CategoricalDrift(
                    column: column, reference: a, current: b, chiSquared: test,
                    drift: DriftVerdict.isDrift(pValue: test.pValue, threshold: threshold)
                ))
            }
        }
        return DriftReport(reference: referenceName, current: currentName, threshold: threshold, features: features, categorical: categorical)
    }
}
