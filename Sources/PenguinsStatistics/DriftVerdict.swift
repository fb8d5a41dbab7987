/// The platform's drift decision for a hypothesis test.
public enum DriftVerdict {
    /// The default significance threshold.
    public static let defaultThreshold = 0.05

    /// A feature has drifted when its test's p-value is strictly below the threshold.
    public static func isDrift(pValue: Double, threshold: Double = defaultThreshold) -> Bool {
        pValue < threshold
    }
}
