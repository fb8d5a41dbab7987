// swift-tools-version: 6.1
// Builds the two protoc plugins that generate the Spark Connect client code:
// `protoc-gen-swift` (messages) and `protoc-gen-grpc-swift-2` (client stubs).
// Used only by scripts/spark/generate.sh; nothing in the main package depends on it.
import PackageDescription

let package = Package(
    name: "SparkConnectCodegen",
    dependencies: [
        .package(url: "https://github.com/apple/swift-protobuf", exact: "1.39.0"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf", exact: "2.4.1"),
    ],
    targets: []
)
