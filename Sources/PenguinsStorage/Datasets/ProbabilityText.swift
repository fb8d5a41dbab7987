/// The text in which dataset warehouses store a prediction's probabilities:
/// `{"name":p,...}`, class names in sorted order, numbers in Swift's shortest round-tripping
/// form (null when not finite). Written by hand: batch scoring writes one per row.
enum ProbabilityText {
    /// The class indices in the order of their names.
    static func order(of classes: [String]) -> [Int] {
        classes.indices.sorted { classes[$0] < classes[$1] }
    }

    /// The text of `probabilities` (by class index), classes in `order`.
    static func text(_ probabilities: [Double], classes: [String], order: [Int]) -> String {
        var text = "{"
        for index in order where index < probabilities.count {
            if text.utf8.count > 1 { text += "," }
            let probability = probabilities[index]
            text += "\"\(classes[index])\":\(probability.isFinite ? "\(probability)" : "null")"
        }
        return text + "}"
    }
}
