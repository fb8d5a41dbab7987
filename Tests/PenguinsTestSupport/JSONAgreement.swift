import Foundation

/// Whether two JSON documents agree: the same structure, keys, strings, booleans and nulls, and
/// numbers equal to `relative` of the larger magnitude (results computed in another order of
/// summation agree to the last few bits). Nil when either is not JSON; the path of the first
/// disagreement otherwise, empty when they agree.
public func jsonDisagreement(_ a: Data, _ b: Data, relative: Double) -> String? {
    guard let left = try? JSONSerialization.jsonObject(with: a, options: [.fragmentsAllowed]),
          let right = try? JSONSerialization.jsonObject(with: b, options: [.fragmentsAllowed]) else { return nil }
    return disagreement(left, right, relative: relative, at: "$") ?? ""
}

private func disagreement(_ a: Any, _ b: Any, relative: Double, at path: String) -> String? {
    switch (a, b) {
    case let (a as [String: Any], b as [String: Any]):
        guard Set(a.keys) == Set(b.keys) else { return "\(path): keys \(a.keys.sorted()) vs \(b.keys.sorted())" }
        for key in a.keys.sorted() {
            if let found = disagreement(a[key]!, b[key]!, relative: relative, at: "\(path).\(key)") { return found }
        }
        return nil
    case let (a as [Any], b as [Any]):
        guard a.count == b.count else { return "\(path): \(a.count) vs \(b.count) elements" }
        for (index, pair) in zip(a, b).enumerated() {
            if let found = disagreement(pair.0, pair.1, relative: relative, at: "\(path)[\(index)]") { return found }
        }
        return nil
    case let (a as String, b as String):
        return a == b ? nil : "\(path): \"\(a)\" vs \"\(b)\""
    case let (a as NSNumber, b as NSNumber):
        let (x, y) = (a.doubleValue, b.doubleValue)
        return x == y || abs(x - y) <= relative * max(abs(x), abs(y)) ? nil : "\(path): \(x) vs \(y)"
    case (is NSNull, is NSNull):
        return nil
    default:
        return "\(path): \(a) vs \(b)"
    }
}
