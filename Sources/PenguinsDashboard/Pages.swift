import Foundation
import PenguinsCore
import PenguinsPipeline
import PenguinsStorage

/// What the regression lab's form asked for, as typed (echoed back into the form).
public struct RegressionRequest: Sendable, Equatable {
    public var target: String
    public var predictors: [String]
    public var testFraction: String
    public var seed: String
    public init(target: String = "body_mass_g", predictors: [String] = ["flipper_length_mm", "sex"], testFraction: String = "0.2", seed: String = "42") {
        self.target = target
        self.predictors = predictors
        self.testFraction = testFraction
        self.seed = seed
    }
}

/// The predict form's four measurements as typed (echoed back into the form).
public struct PredictInput: Sendable, Equatable {
    public var values: [Feature: String]
    public init(values: [Feature: String] = [:]) { self.values = values }
}

/// The dashboard's pages: each a pure function from platform data to a complete HTML document.
/// Every page escapes what it prints and renders sensibly with an empty store.
public enum Pages {
    /// Counts of every store, the current model, the cache hit ratio, links to everything.
    public static func overview(summary: PlatformSummary, cacheHits: Int, cacheMisses: Int) -> String {
        placeholder("Overview")
    }

    /// Descriptive table, counts by island and by sex, the two scatter plots. `columns` empty → "no data yet".
    public static func statistics(report: StatisticsReport?, columns: PenguinColumns) -> String {
        placeholder("Statistics")
    }

    /// The regression lab: the form, and the result or the error of the last request.
    public static func regression(request: RegressionRequest, report: RegressionReport?, error: String?) -> String {
        placeholder("Regression lab")
    }

    /// The current model (nil before the first training) and every version with a promote button.
    public static func classification(current: SpeciesModel?, versions: [ModelVersionSummary]) -> String {
        placeholder("Classification")
    }

    /// Drift of each feature, reference vs current distributions, and the simulation control.
    /// `report` is nil when there is nothing to compare yet; `message` explains why.
    public static func drift(report: DriftReport?, reference: DriftSample?, current: DriftSample?, message: String?) -> String {
        placeholder("Drift")
    }

    /// The predict form and, after a submission, the species and its probabilities or the error.
    public static func predict(input: PredictInput, prediction: Prediction?, error: String?) -> String {
        placeholder("Predict")
    }

    /// The store benchmark table; nil results show the button that runs it.
    public static func benchmarks(results: [StoreLatency]?, error: String?) -> String {
        placeholder("Benchmarks")
    }

    /// A page for a failed dashboard request.
    public static func error(status: Int, title: String, detail: String) -> String {
        placeholder(title)
    }

    private static func placeholder(_ title: String) -> String {
        "<!doctype html><html><head><title>\(title)</title></head><body><h1>\(title)</h1></body></html>"
    }
}
