/// Errors of the storage layer, each with a message that says what to do.
public enum StorageError: Error, Equatable, CustomStringConvertible {
    /// No such model version.
    case notFound(String)
    /// Rollback with no earlier promotion.
    case nothingToRollBack
    /// The data directory or database cannot be opened.
    case unavailable(role: String, location: String, reason: String)
    /// Stored data could not be decoded.
    case corrupt(String)
    /// Something of that name is stored already (an API key).
    case alreadyExists(String)

    public var description: String {
        switch self {
        // What may carry a hint after "; ": "model version 9 not found; list the versions with ...".
        case .notFound(let what):
            what.firstRange(of: "; ").map { "\(what[..<$0.lowerBound]) not found\(what[$0.lowerBound...])" } ?? "\(what) not found"
        case .nothingToRollBack: "there is no earlier model version to roll back to; promote one with `penguins models promote VERSION`"
        case .unavailable(let role, let location, let reason): "the \(role) at \(location) cannot be opened: \(reason)"
        case .corrupt(let what): "stored data is corrupt: \(what)"
        case .alreadyExists(let what): "\(what) already exists; choose another name or remove it first"
        }
    }
}
