import Foundation
import Testing

/// A service of `scripts/services.sh` (or a tool) that tests need, named by an environment variable.
///
/// ``gate(_:)`` is the trait of those tests: they run when the variable is set, and are skipped
/// with a message saying how to start the service when it is not — except in continuous
/// integration (`CI` set and not empty), where the services are part of the run: there each
/// such test fails instead, naming the variable.
public struct TestService: Sendable {
    public var name: String
    public var variable: String

    public init(name: String, variable: String) {
        self.name = name
        self.variable = variable
    }

    public static let postgres = TestService(name: "PostgreSQL", variable: "PENGUINS_TEST_POSTGRES")
    public static let redis = TestService(name: "Redis", variable: "PENGUINS_TEST_REDIS")
    public static let spark = TestService(name: "Spark Connect", variable: "PENGUINS_TEST_SPARK")
    /// A Python with `openapi-spec-validator` and PyYAML (`.ci/run` installs them from PyPI).
    public static let openAPIValidator = TestService(name: "openapi-spec-validator", variable: "PENGUINS_TEST_OPENAPI_VALIDATOR")

    /// How to start the services and set their variables.
    public static let howToStart = "scripts/services.sh start && eval \"$(scripts/services.sh env)\""

    /// The variable's value, or nil when it is unset or empty.
    public var value: String? { ProcessInfo.processInfo.environment[variable].flatMap { $0.isEmpty ? nil : $0 } }

    /// Runs the tests when the service is configured; skips them, or under CI fails them.
    public func gate(_ tests: String? = nil) -> ConditionTrait {
        let tests = tests ?? "\(name) tests"
        return .enabled("\(tests) skipped: \(variable) is not set. Run `\(Self.howToStart)` first.") {
            if value != nil { return true }
            if !ProcessInfo.processInfo.environment["CI", default: ""].isEmpty { throw Missing(service: self, tests: tests) }
            return false
        }
    }

    /// The failure of a gated test in continuous integration without its service.
    public struct Missing: Error, CustomStringConvertible {
        public var service: TestService
        public var tests: String
        public var description: String {
            "\(service.variable) is not set, but CI is: the \(tests) must run, not be skipped. "
                + "Start \(service.name) and set the variable with `\(TestService.howToStart)`."
        }
    }
}
