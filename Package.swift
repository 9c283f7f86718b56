// swift-tools-version: 6.1
import PackageDescription

let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny")
]

let package = Package(
    name: "vaecf",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "vaecf", targets: ["vaecf"]),
        .library(name: "VAECF", targets: ["VAECF"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.19"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0", traits: ["FullFoundation"]),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.5.0"),
        // Already in the graph through Hummingbird; named here because the server's channel handlers use them.
        .package(url: "https://github.com/apple/swift-nio", from: "2.81.0"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.24.0"),
        // `swift package generate-documentation` (a command plugin: nothing is linked).
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.4.0"),
    ],
    targets: [
        // MARK: Public API
        /// Sparse matrices, seeded random numbers, parallel loops, atomic files, checksums.
        .target(name: "VAECFCore", swiftSettings: strictSettings),
        /// Inference kernels in C for AVX2, FMA and F16C (half-precision weights, softmax sums), chosen at run time.
        .target(name: "VAECFNativeKernels"),
        /// Dense and sparse kernels: CBLAS loaded at run time, a portable fallback, SIMD loops.
        .target(
            name: "VAECFCompute", dependencies: ["VAECFCore", "VAECFNativeKernels"], swiftSettings: strictSettings),
        /// Interaction readers, the paper's split protocol, the binary dataset format, pro_sg interop,
        /// the synthetic generator and MovieLens downloads.
        .target(
            name: "VAECFData",
            dependencies: ["VAECFCore", .product(name: "ZIPFoundation", package: "ZIPFoundation")],
            swiftSettings: strictSettings),
        /// Mult-VAE: model, loss, gradients, Adam, training, evaluation, checkpoints.
        .target(
            name: "VAECF", dependencies: ["VAECFCore", "VAECFCompute", "VAECFData"],
            swiftSettings: strictSettings),
        /// Data-parallel training across processes: Open MPI's libmpi loaded at run time (no build dependency).
        .target(name: "VAECFMPI", dependencies: ["VAECF", "VAECFCore"], swiftSettings: strictSettings),
        /// The HTTP recommendation server: coalesced batched inference, metrics, hot reload.
        .target(
            name: "VAECFServer",
            dependencies: [
                "VAECF", "VAECFCompute", "VAECFCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings),
        /// The measurements of `vaecf benchmark`: GEMM throughput, inference latency and throughput, and their
        /// reports (not a product: the CLI's, using the library's package internals).
        .target(
            name: "VAECFBenchmarks", dependencies: ["VAECF", "VAECFCompute", "VAECFCore"],
            swiftSettings: strictSettings),
        /// The `vaecf` command-line tool.
        .executableTarget(
            name: "vaecf",
            dependencies: [
                "VAECF", "VAECFBenchmarks", "VAECFData", "VAECFCompute", "VAECFCore", "VAECFServer", "VAECFMPI",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings),
        /// Fuzz targets for the file decoders, the interaction reader and the server's request decoding:
        /// libFuzzer's entry point when built by `Scripts/fuzz.sh` (`-D VAECF_LIBFUZZER`), otherwise a corpus
        /// replay and seeded mutation driver.
        .executableTarget(
            name: "vaecf-fuzz",
            dependencies: [
                "VAECF", "VAECFData", "VAECFCore", "VAECFServer",
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: strictSettings),

        // MARK: Tests
        /// Helpers shared by the test targets.
        .target(name: "VAECFTestSupport", path: "Tests/VAECFTestSupport", swiftSettings: strictSettings),
        .testTarget(name: "VAECFCoreTests", dependencies: ["VAECFCore", "VAECFTestSupport"]),
        .testTarget(name: "VAECFComputeTests", dependencies: ["VAECFCompute", "VAECFCore"]),
        .testTarget(
            name: "VAECFDataTests", dependencies: ["VAECFData", "VAECFCore", "VAECFTestSupport"],
            resources: [.copy("Fixtures")]),
        .testTarget(name: "VAECFTests", dependencies: ["VAECF", "VAECFData", "VAECFCompute", "VAECFCore", "VAECFMPI"]),
        .testTarget(name: "VAECFBenchmarksTests", dependencies: ["VAECFBenchmarks", "VAECFCompute"]),
        .testTarget(name: "VAECFCLITests", dependencies: ["vaecf", "VAECF", "VAECFTestSupport"]),
        .testTarget(
            name: "VAECFServerTests",
            dependencies: [
                "VAECFServer", "VAECF", "VAECFCompute", "VAECFCore",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]),
    ],
    swiftLanguageModes: [.v6]
)
