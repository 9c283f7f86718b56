// swift-tools-version: 6.1
import PackageDescription

// A package that uses vaecf the way an application would: through the `VAECF` library product only.
let package = Package(
    name: "QuickStart",
    platforms: [.macOS(.v14)],
    dependencies: [
        // An application writes `.package(url: "https://github.com/<owner>/vaecf", from: "0.1.0")`.
        .package(name: "vaecf", path: "../..")
    ],
    targets: [
        .executableTarget(name: "QuickStart", dependencies: [.product(name: "VAECF", package: "vaecf")])
    ],
    swiftLanguageModes: [.v6]
)
