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
        .library(name: "SortieServer", targets: ["SortieServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        // `sortiectl serve`: HTTP + WebSocket server, metrics.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.1"),
        .package(url: "https://github.com/hummingbird-project/swift-websocket", from: "1.6.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // libcurl: Debian's libcurl4-openssl-dev headers, and the library loaded with dlopen on
        // first use (include/CCurl.h says why), behind typed functions (Swift cannot call C
        // variadics such as curl_easy_setopt).
        .target(name: "CCurl"),
        // libedit from Debian's libedit-dev, for `sortiectl shell`.
        .systemLibrary(
            name: "CLibEdit",
            pkgConfig: "libedit",
            providers: [.apt(["libedit-dev"])]
        ),
        // The engine: Kubernetes client over libcurl, kubeconfig, catalog, sessions, tunnel.
        // No server framework: the CLI's other commands and the fuzzers need none.
        .target(
            name: "SortieKit",
            dependencies: [
                "CCurl",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        // `sortiectl serve` (HTTP API, WebSocket proxy, web page, reaper) and the client side of
        // `connect --server`, on Hummingbird and SwiftNIO; calls only down into SortieKit.
        .target(
            name: "SortieServer",
            dependencies: [
                "SortieKit",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "WSClient", package: "swift-websocket"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "sortiectl",
            dependencies: [
                "SortieKit",
                "SortieServer",
                "CLibEdit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings,
            // Release builds link with lld and packed relative relocations (RELR, glibc ≥ 2.36):
            // the loader reads 23 KB of relocations at each start instead of 2.9 MB (start-up
            // 10.4 → 9.1 ms, 10.2 → 6.8 ms of CPU; BENCHMARKS.md).
            linkerSettings: [
                .unsafeFlags(["-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs"],
                             .when(platforms: [.linux], configuration: .release)),
            ]
        ),
        // The parsers of untrusted bytes as fuzz targets (scripts/fuzz.sh builds `sortie-fuzz`
        // with libFuzzer; the tests replay the regression corpus through the same functions).
        .target(
            name: "SortieFuzzTargets",
            dependencies: ["SortieKit", "SortieKitTesting"],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "sortie-fuzz",
            dependencies: ["SortieFuzzTargets"],
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
            dependencies: [
                "SortieKit", "SortieServer", "SortieKitTesting", "SortieFuzzTargets",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HummingbirdWSTesting", package: "hummingbird-websocket"),
                .product(name: "WSClient", package: "swift-websocket"),
            ],
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
