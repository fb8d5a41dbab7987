import Foundation

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
