import Foundation

/// The Spark model trained beside a Swift model and registered in the same version: where the
/// cluster saved it, the Spark version, and its metrics on the cluster's held-out split.
///
/// Old artifacts have no Spark section; this one is optional in ``ModelArtifact`` and decodes
/// as nil from them.
public struct SparkModelRecord: Codable, Sendable, Equatable {
    /// Always `spark`.
    public var engine: String
    /// The Spark Connect URL it was trained through (`sc://host:port`).
    public var url: String
    /// The cluster's Spark version (`4.3.0`).
    public var sparkVersion: String
    /// The folder on the cluster's file system holding the saved pipeline stages:
    /// `scaler` (StandardScalerModel) and `forest` (RandomForestClassificationModel).
    public var modelPath: String
    /// Accuracy and macro-F1 (mean of Spark's `fMeasureByLabel` over the labels) on the held-out split.
    public var accuracy: Double
    public var macroF1: Double
    /// F1 per label, in ``ModelArtifact/classLabels`` order.
    public var f1ByLabel: [Double]
    /// Share of rows held out, and the seed of Spark's split.
    public var testFraction: Double
    public var seed: UInt64
    /// Seconds the cluster spent: read, assemble, scale, fit, evaluate and save.
    public var seconds: Double

    public init(
        url: String, sparkVersion: String, modelPath: String, accuracy: Double, macroF1: Double, f1ByLabel: [Double],
        testFraction: Double, seed: UInt64, seconds: Double
    ) {
        engine = "spark"
        self.url = url
        self.sparkVersion = sparkVersion
        self.modelPath = modelPath
        self.accuracy = accuracy
        self.macroF1 = macroF1
        self.f1ByLabel = f1ByLabel
        self.testFraction = testFraction
        self.seed = seed
        self.seconds = seconds
    }

    /// Where the cluster keeps the fitted scaler under ``modelPath``.
    public var scalerPath: String { modelPath + "/scaler" }
    /// Where the cluster keeps the fitted forest under ``modelPath``.
    public var forestPath: String { modelPath + "/forest" }
}
