// swift-tools-version:6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "sortiectl",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "sortiectl", targets: ["sortiectl"]),
        .library(name: "SortieKit", targets: ["SortieKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // libcurl from Debian's libcurl4-openssl-dev, with typed inline shims for the variadic
        // curl_easy_setopt/getinfo (Swift cannot call C variadics).
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        // libedit from Debian's libedit-dev, for `sortiectl shell`.
        .systemLibrary(
            name: "CLibEdit",
            pkgConfig: "libedit",
            providers: [.apt(["libedit-dev"])]
        ),
        .target(
            name: "SortieKit",
            dependencies: [
                "CCurl",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "sortiectl",
            dependencies: [
                "SortieKit",
                "CLibEdit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        // Test support shipped as its own module (the NIO/Hummingbird model): the sandbox API
        // server launcher, an in-memory file system, fixture access.
        .target(
            name: "SortieKitTesting",
            dependencies: ["SortieKit"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SortieKitTests",
            dependencies: ["SortieKit", "SortieKitTesting"],
            exclude: ["Sessions/Golden"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "sortiectlTests",
            dependencies: ["sortiectl", "SortieKit", "SortieKitTesting"],
            swiftSettings: swiftSettings
        ),
    ]
)
