// swift-tools-version:6.1
import PackageDescription

let log = Target.Dependency.product(name: "Logging", package: "swift-log")
let metrics = Target.Dependency.product(name: "Metrics", package: "swift-metrics")
let metricsTestKit = Target.Dependency.product(name: "MetricsTestKit", package: "swift-metrics")
let prometheus = Target.Dependency.product(name: "Prometheus", package: "swift-prometheus")
let serviceLifecycle = Target.Dependency.product(name: "ServiceLifecycle", package: "swift-service-lifecycle")
let argumentParser = Target.Dependency.product(name: "ArgumentParser", package: "swift-argument-parser")
let hummingbird = Target.Dependency.product(name: "Hummingbird", package: "hummingbird")
let httpTypes = Target.Dependency.product(name: "HTTPTypes", package: "swift-http-types")
let hummingbirdTesting = Target.Dependency.product(name: "HummingbirdTesting", package: "hummingbird")
let nioCore = Target.Dependency.product(name: "NIOCore", package: "swift-nio")
let nioPosix = Target.Dependency.product(name: "NIOPosix", package: "swift-nio")
let nioHTTP1 = Target.Dependency.product(name: "NIOHTTP1", package: "swift-nio")

// The services' release executables on Linux are linked by lld (shipped with the toolchain)
// with packed relative relocations (DT_RELR, glibc 2.36 and later), and export no symbols: a
// position-independent executable then carries a few kilobytes of relocations instead of
// megabytes that the dynamic loader reads at every start, which keeps a service's idle memory
// small (docs/BENCHMARKS.md).
let serviceLinkerSettings: [LinkerSetting] = [
    .unsafeFlags(
        ["-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs", "-Xlinker", "--no-export-dynamic"],
        .when(platforms: [.linux], configuration: .release)
    )
]

let package = Package(
    name: "Conveyor",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "api-gateway", targets: ["APIGateway"]),
        .executable(name: "order-processor", targets: ["OrderProcessor"]),
        .executable(name: "notifier", targets: ["Notifier"]),
        .executable(name: "dlq-replayer", targets: ["DLQReplayer"]),
        .executable(name: "conveyor-bench", targets: ["ConveyorBench"]),
        .executable(name: "conveyor-load", targets: ["ConveyorLoad"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // Without the default traits: full Foundation (only for ISO 8601 dates in URL-encoded
        // forms, which Conveyor does not use) and swift-configuration support.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        // Already in the graph through Hummingbird; conveyor-load's HTTP client uses it directly.
        .package(url: "https://github.com/apple/swift-nio", from: "2.81.0"),
    ],
    targets: [
        // C libraries from Debian's -dev packages. Only Messaging imports CRabbitMQ, only
        // Storage imports CLibPQ, only Mail imports CCurl.
        .systemLibrary(
            name: "CRabbitMQ",
            path: "Shared/CRabbitMQ",
            pkgConfig: "librabbitmq",
            providers: [.apt(["librabbitmq-dev"]), .brew(["rabbitmq-c"])]
        ),
        .systemLibrary(
            name: "CLibPQ",
            path: "Shared/CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"]), .brew(["libpq"])]
        ),
        .systemLibrary(
            name: "CCurl",
            path: "Shared/CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"]), .brew(["curl"])]
        ),

        // Shared modules. They and the services import FoundationEssentials, never Foundation,
        // whose CoreFoundation and ICU data would be linked into every service.
        .target(name: "CThreadName", path: "Shared/CThreadName"),
        .target(name: "CMalloc", path: "Shared/CMalloc"),
        .target(name: "ConveyorRuntime", dependencies: ["CThreadName"], path: "Shared/ConveyorRuntime"),
        .target(name: "Orders", dependencies: ["ConveyorRuntime"], path: "Shared/Orders"),
        .target(
            name: "Messaging",
            dependencies: ["CRabbitMQ", "ConveyorRuntime", log, metrics, serviceLifecycle],
            path: "Shared/Messaging"
        ),
        .target(
            name: "Storage",
            dependencies: ["CLibPQ", "ConveyorRuntime", log, metrics, serviceLifecycle],
            path: "Shared/Storage",
            resources: [.embedInCode("Migrations")]
        ),
        .target(
            name: "Mail",
            dependencies: ["CCurl", "ConveyorRuntime", log],
            path: "Shared/Mail"
        ),
        .target(
            name: "Outbox",
            dependencies: ["Messaging", "Storage", "Orders", "ConveyorRuntime", log, metrics, serviceLifecycle],
            path: "Shared/Outbox"
        ),
        .target(
            name: "ServiceSupport",
            dependencies: ["CMalloc", "Messaging", "Storage", "ConveyorRuntime", log, metrics, prometheus, serviceLifecycle, hummingbird],
            path: "Shared/ServiceSupport"
        ),

        // The services.
        .executableTarget(
            name: "APIGateway",
            dependencies: ["ServiceSupport", "Orders", "Outbox", "Storage", "Messaging", "ConveyorRuntime", hummingbird, httpTypes, prometheus, metrics, log],
            path: "Services/APIGateway",
            resources: [.embedInCode("Resources/openapi.yaml")],
            linkerSettings: serviceLinkerSettings
        ),
        .executableTarget(
            name: "OrderProcessor",
            dependencies: ["ServiceSupport", "Orders", "Outbox", "Storage", "Messaging", "ConveyorRuntime", prometheus, metrics, log],
            path: "Services/OrderProcessor",
            linkerSettings: serviceLinkerSettings
        ),
        .executableTarget(
            name: "Notifier",
            dependencies: ["ServiceSupport", "Orders", "Mail", "Storage", "Messaging", "ConveyorRuntime", prometheus, metrics, log],
            path: "Services/Notifier",
            linkerSettings: serviceLinkerSettings
        ),
        .executableTarget(
            name: "DLQReplayer",
            dependencies: ["ServiceSupport", "Orders", "Storage", "Messaging", "ConveyorRuntime", argumentParser, prometheus, log],
            path: "Services/DLQReplayer",
            linkerSettings: serviceLinkerSettings
        ),

        // Benchmarks.
        .executableTarget(
            name: "ConveyorBench",
            dependencies: ["Messaging", "Storage", "ConveyorRuntime", argumentParser, log],
            path: "Benchmarks/ConveyorBench"
        ),
        .executableTarget(
            name: "ConveyorLoad",
            dependencies: ["Storage", argumentParser, log, nioCore, nioPosix, nioHTTP1],
            path: "Benchmarks/ConveyorLoad"
        ),

        // Tests.
        .target(name: "TestSupport", dependencies: [log, serviceLifecycle], path: "Tests/TestSupport"),
        .testTarget(name: "ConveyorRuntimeTests", dependencies: ["ConveyorRuntime"], path: "Tests/ConveyorRuntimeTests"),
        .testTarget(name: "OrdersTests", dependencies: ["Orders"], path: "Tests/OrdersTests"),
        .testTarget(
            name: "OutboxTests",
            dependencies: ["Outbox", "Storage", "Messaging", "ConveyorRuntime", "TestSupport", log, serviceLifecycle],
            path: "Tests/OutboxTests"
        ),
        .testTarget(
            name: "MessagingTests",
            dependencies: ["Messaging", "ConveyorRuntime", "TestSupport", metricsTestKit],
            path: "Tests/MessagingTests"
        ),
        .testTarget(
            name: "StorageTests",
            dependencies: ["Storage", "TestSupport", log, metrics, metricsTestKit],
            path: "Tests/StorageTests"
        ),
        .testTarget(
            name: "MailTests",
            dependencies: ["Mail", "TestSupport"],
            path: "Tests/MailTests",
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "ServiceSupportTests",
            dependencies: ["ServiceSupport", hummingbirdTesting],
            path: "Tests/ServiceSupportTests"
        ),
        .testTarget(
            name: "OrderProcessorTests",
            dependencies: ["OrderProcessor", "Orders"],
            path: "Tests/OrderProcessorTests"
        ),
        .testTarget(
            name: "DLQReplayerTests",
            dependencies: ["DLQReplayer", "Messaging", "Orders", "Storage", argumentParser],
            path: "Tests/DLQReplayerTests"
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["TestSupport", "Orders", "Messaging", "Storage"],
            path: "Tests/EndToEndTests"
        ),
    ],
    swiftLanguageModes: [.v6]
)
