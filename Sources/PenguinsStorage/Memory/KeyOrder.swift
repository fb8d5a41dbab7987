/// Key order shared by the in-memory backends: strings compare by their UTF-8 bytes, which
/// is how SQLite's default collation orders text.
enum KeyOrder {
    static func precedes(_ lhs: String, _ rhs: String) -> Bool {
        lhs.utf8.lexicographicallyPrecedes(rhs.utf8)
    }
}
