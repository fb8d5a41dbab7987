/// The text in which dataset warehouses store a prediction's probabilities:
/// `{"name":p,...}`, class names in sorted order, numbers in Swift's shortest round-tripping
/// form (null when not finite). Written by hand: batch scoring writes one per row.
enum ProbabilityText {
    /// The class indices in the order of their names.
    static func order(of classes: [String]) -> [Int] {
        classes.indices.sorted { classes[$0] < classes[$1] }
    }

    /// The text of `probabilities` (by class index), classes in `order`. Built as bytes and
    /// made a string once: string appends cost a scoring 12 % of its time.
    static func text(_ probabilities: [Double], classes: [String], order: [Int]) -> String {
        var bytes: [UInt8] = [UInt8(ascii: "{")]
        bytes.reserveCapacity(2 + order.count * 32)
        for index in order where index < probabilities.count {
            if bytes.count > 1 { bytes.append(UInt8(ascii: ",")) }
            bytes.append(UInt8(ascii: "\""))
            bytes.append(contentsOf: classes[index].utf8)
            bytes.append(UInt8(ascii: "\""))
            bytes.append(UInt8(ascii: ":"))
            let probability = probabilities[index]
            if probability.isFinite {
                bytes.append(contentsOf: probability.description.utf8)
            } else {
                bytes.append(contentsOf: "null".utf8)
            }
        }
        bytes.append(UInt8(ascii: "}"))
        return String(decoding: bytes, as: UTF8.self)
    }
}
