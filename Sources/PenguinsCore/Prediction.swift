import Foundation

/// A model's answer for one penguin: the species, the probability of each class, and which
/// model version gave it when.
public struct Prediction: Hashable, Codable, Sendable {
    public var species: Species
    /// Probability of each species; sums to 1.
    public var probabilities: [Species: Double]
    public var modelVersion: Int
    public var predictedAt: Date

    public init(species: Species, probabilities: [Species: Double], modelVersion: Int, predictedAt: Date) {
        self.species = species
        self.probabilities = probabilities
        self.modelVersion = modelVersion
        self.predictedAt = predictedAt
    }

    /// The probability of the predicted species.
    public var confidence: Double { probabilities[species] ?? 0 }
}
