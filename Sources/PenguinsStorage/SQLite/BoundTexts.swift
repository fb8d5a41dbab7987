/// The texts a bulk write binds, as UTF-8 bytes one after the other in one buffer, so that its
/// statements bind slices of the buffer that SQLite reads in place (``GRDB/Statement/bindStaticText(_:at:)``)
/// instead of a copy SQLite allocates per argument. Built before the write's transaction, so the
/// writer only binds.
struct BoundTexts {
    private(set) var bytes: [UInt8] = []
    private var ends: [Int] = []

    /// A buffer with room for about `capacity` bytes.
    init(capacity: Int) {
        bytes.reserveCapacity(capacity)
    }

    /// The buffer of `texts`, each at its index.
    init(_ texts: [String]) {
        self.init(capacity: texts.count * 12)
        ends.reserveCapacity(texts.count)
        for text in texts { append(text) }
    }

    /// Appends `text`; answers its index.
    @discardableResult
    mutating func append(_ text: String) -> Int {
        var text = text
        text.withUTF8 { bytes.append(contentsOf: $0) }
        ends.append(bytes.count)
        return ends.count - 1
    }

    /// Appends text already written as UTF-8 bytes; answers its index.
    @discardableResult
    mutating func append(bytes text: [UInt8]) -> Int {
        bytes += text
        ends.append(bytes.count)
        return ends.count - 1
    }

    /// Where text `index` lies in ``bytes``.
    func range(_ index: Int) -> Range<Int> { (index == 0 ? 0 : ends[index - 1])..<ends[index] }
}
