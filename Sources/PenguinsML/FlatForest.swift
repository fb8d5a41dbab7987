/// A forest flattened into contiguous arrays for fast batch prediction: node tests,
/// children and each node's normalised class distribution, all trees back to back.
struct FlatForest: Sendable {
    let classCount: Int
    /// Index of each tree's root in the node arrays.
    let roots: [Int32]
    /// Feature tested by each node, -1 for a leaf.
    let features: [Int32]
    let thresholds: [Double]
    let leftChildren: [Int32]
    let rightChildren: [Int32]
    /// `distributions[node * classCount + label]`: the node's class counts divided by their sum
    /// (all zero when the node holds no weight, so it casts no vote).
    let distributions: [Double]

    init(_ model: RandomForestModel) {
        classCount = model.classCount
        var roots: [Int32] = []
        var features: [Int32] = []
        var thresholds: [Double] = []
        var leftChildren: [Int32] = []
        var rightChildren: [Int32] = []
        var distributions: [Double] = []
        for tree in model.trees {
            let offset = features.count
            roots.append(Int32(offset))
            for node in tree.nodes {
                features.append(Int32(node.feature ?? -1))
                thresholds.append(node.threshold)
                leftChildren.append(Int32(node.isLeaf ? -1 : offset + node.leftChild))
                rightChildren.append(Int32(node.isLeaf ? -1 : offset + node.rightChild))
                let total = node.instanceCount
                distributions.append(contentsOf: node.classCounts.map { total > 0 ? $0 / total : 0 })
            }
        }
        self.roots = roots
        self.features = features
        self.thresholds = thresholds
        self.leftChildren = leftChildren
        self.rightChildren = rightChildren
        self.distributions = distributions
    }

    /// Writes the class probabilities of `row` to `output[0 ..< classCount]`: the trees'
    /// leaf distributions summed and normalised (uniform when no leaf holds weight).
    func probabilities(of row: UnsafePointer<Double>, into output: UnsafeMutablePointer<Double>) {
        for label in 0..<classCount { output[label] = 0 }
        features.withUnsafeBufferPointer { features in
            thresholds.withUnsafeBufferPointer { thresholds in
                leftChildren.withUnsafeBufferPointer { leftChildren in
                    rightChildren.withUnsafeBufferPointer { rightChildren in
                        distributions.withUnsafeBufferPointer { distributions in
                            for root in roots {
                                var node = Int(root)
                                while features[node] >= 0 {
                                    node = row[Int(features[node])] <= thresholds[node]
                                        ? Int(leftChildren[node]) : Int(rightChildren[node])
                                }
                                for label in 0..<classCount { output[label] += distributions[node * classCount + label] }
                            }
                        }
                    }
                }
            }
        }
        var sum = 0.0
        for label in 0..<classCount { sum += output[label] }
        for label in 0..<classCount { output[label] = sum > 0 ? output[label] / sum : 1 / Double(classCount) }
    }
}
