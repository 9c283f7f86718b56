// swift-tools-version: 6.1
import PackageDescription

let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .unsafeFlags(["-Ounchecked"], .when(configuration: .release)),
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
    ],
    targets: [
        // MARK: Public API
        /// Sparse matrices, seeded random numbers, parallel loops, atomic files, checksums.
        .target(name: "VAECFCore", swiftSettings: strictSettings),
        /// Dense and sparse kernels: CBLAS loaded at run time, a portable fallback, SIMD loops.
        .target(name: "VAECFCompute", dependencies: ["VAECFCore"], swiftSettings: strictSettings),
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
        /// The `vaecf` command-line tool.
        .executableTarget(
            name: "vaecf",
            dependencies: [
                "VAECF", "VAECFData", "VAECFCompute", "VAECFCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings),

        // MARK: Tests
        .testTarget(name: "VAECFCoreTests", dependencies: ["VAECFCore"]),
        .testTarget(name: "VAECFComputeTests", dependencies: ["VAECFCompute", "VAECFCore"]),
        .testTarget(
            name: "VAECFDataTests", dependencies: ["VAECFData", "VAECFCore"],
            resources: [.copy("Fixtures")]),
        .testTarget(name: "VAECFTests", dependencies: ["VAECF", "VAECFData", "VAECFCompute", "VAECFCore"]),
        .testTarget(name: "VAECFCLITests", dependencies: ["vaecf"]),
    ],
    swiftLanguageModes: [.v6]
)
