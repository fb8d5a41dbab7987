/// One binary classification tree of a forest, its nodes in pre-order (the root first,
/// every child after its parent).
///
/// An internal node sends a row left when `row[feature] <= threshold` (a NaN goes right).
/// Every node keeps the bootstrap-weighted class counts of the training rows that reached it;
/// a leaf's normalised counts are its class probabilities.
public struct DecisionTree: Sendable, Equatable {
    /// A node of the tree.
    public struct Node: Sendable, Equatable {
        /// The feature tested by an internal node; nil for a leaf.
        public var feature: Int?
        /// Rows with `row[feature] <= threshold` go to the left child (0 for a leaf).
        public var threshold: Double
        /// Index in ``DecisionTree/nodes`` of the left child (-1 for a leaf).
        public var leftChild: Int
        /// Index in ``DecisionTree/nodes`` of the right child (-1 for a leaf).
        public var rightChild: Int
        /// Weighted class counts of the training rows that reached the node.
        public var classCounts: [Double]
        /// Information gain of the node's split (0 for a leaf).
        public var gain: Double

        /// True for a node without children.
        public var isLeaf: Bool { feature == nil }

        /// The total weight of the training rows that reached the node.
        public var instanceCount: Double { classCounts.reduce(0, +) }

        /// A leaf with the given class counts.
        public static func leaf(classCounts: [Double]) -> Node {
            Node(feature: nil, threshold: 0, leftChild: -1, rightChild: -1, classCounts: classCounts, gain: 0)
        }
    }

    /// All nodes, root at index 0, in pre-order.
    public var nodes: [Node]

    /// Wraps pre-ordered nodes.
    public init(nodes: [Node]) {
        precondition(!nodes.isEmpty, "a tree has at least its root")
        self.nodes = nodes
    }

    /// The leaf reached by `row`.
    public func leaf(for row: some RandomAccessCollection<Double>) -> Node {
        var index = 0
        while let feature = nodes[index].feature {
            let value = row[row.index(row.startIndex, offsetBy: feature)]
            index = value <= nodes[index].threshold ? nodes[index].leftChild : nodes[index].rightChild
        }
        return nodes[index]
    }

    /// The depth of the deepest leaf (0 for a tree that is a single leaf).
    public var depth: Int {
        func depth(of index: Int) -> Int {
            let node = nodes[index]
            return node.isLeaf ? 0 : 1 + max(depth(of: node.leftChild), depth(of: node.rightChild))
        }
        return depth(of: 0)
    }

    /// Number of leaves.
    public var leafCount: Int { nodes.count(where: \.isLeaf) }
}

extension DecisionTree: Codable {
    // Stored column by column ("structure of arrays") to keep the JSON compact.
    private enum CodingKeys: String, CodingKey {
        case feature, threshold, left, right, counts, gain
    }

    /// Decodes the node columns, rejecting trees whose children do not follow their parent.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let features = try container.decode([Int].self, forKey: .feature)
        let thresholds = try container.decode([Double].self, forKey: .threshold)
        let lefts = try container.decode([Int].self, forKey: .left)
        let rights = try container.decode([Int].self, forKey: .right)
        let counts = try container.decode([[Double]].self, forKey: .counts)
        let gains = try container.decode([Double].self, forKey: .gain)
        let count = features.count
        guard count > 0, [thresholds.count, lefts.count, rights.count, counts.count, gains.count].allSatisfy({ $0 == count }) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "a tree needs at least one node and equally long node columns"))
        }
        var nodes: [Node] = []
        nodes.reserveCapacity(count)
        for index in 0..<count {
            if features[index] < 0 {
                nodes.append(.leaf(classCounts: counts[index]))
                continue
            }
            // Children come after their parent in pre-order, which also rules out cycles.
            guard lefts[index] > index, lefts[index] < count, rights[index] > index, rights[index] < count else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                        debugDescription: "node \(index) points to a child outside the tree"))
            }
            nodes.append(Node(feature: features[index], threshold: thresholds[index], leftChild: lefts[index],
                              rightChild: rights[index], classCounts: counts[index], gain: gains[index]))
        }
        self.nodes = nodes
    }

    /// Encodes the nodes column by column.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(nodes.map { $0.feature ?? -1 }, forKey: .feature)
        try container.encode(nodes.map(\.threshold), forKey: .threshold)
        try container.encode(nodes.map(\.leftChild), forKey: .left)
        try container.encode(nodes.map(\.rightChild), forKey: .right)
        try container.encode(nodes.map(\.classCounts), forKey: .counts)
        try container.encode(nodes.map(\.gain), forKey: .gain)
    }
}
