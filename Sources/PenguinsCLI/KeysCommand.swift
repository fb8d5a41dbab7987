import ArgumentParser
import Foundation
import PenguinsPipeline

extension AccessRole: ExpressibleByArgument {}

struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Create, list and revoke the API keys that the server asks for once one exists.",
        subcommands: [Create.self, List.self, Revoke.self],
        defaultSubcommand: List.self
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a key and print it once, as JSON {\"name\", \"role\", \"token\"}; only its SHA-256 digest is stored."
        )
        @Argument(help: "The key's name: 1 to 64 letters, digits, '.', '_' or '-'.") var name: String
        @Option(help: "reader: read and predict; admin: also promote, roll back, run benchmarks and simulations.")
        var role: AccessRole = .reader
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await reportingErrors {
                let issued = try await global.platform().keys.create(name: name, role: role)
                try printJSON(issued)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the keys (names, roles, creation times; never tokens).")
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await reportingErrors {
                let keys = try await global.platform().keys.list()
                switch global.format {
                case .json: try printJSON(keys)
                case .table:
                    guard !keys.isEmpty else {
                        print("no keys: the server answers anyone on 127.0.0.1; create one with `penguins keys create NAME --role admin`")
                        return
                    }
                    var table = TextTable("name", "role", "created")
                    for key in keys { table.add(key.name, key.role.rawValue, key.createdAt.formatted(.iso8601)) }
                    print(table.rendered)
                }
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete a key; a running server refuses it within its registry poll interval (2 s)."
        )
        @Argument(help: "The name of the key to revoke.") var name: String
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await reportingErrors {
                try await global.platform().keys.revoke(name: name)
                if global.format == .json { print("{\"revoked\":\"\(name)\"}") } else { print("key \"\(name)\" revoked") }
            }
        }
    }
}
