// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Conveyor",
    platforms: [.macOS(.v15)],
    products: [],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
    ],
    targets: [
        // C libraries, from Debian's librabbitmq-dev and libpq-dev.
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

        // Shared modules.
        .target(
            name: "ConveyorRuntime",
            path: "Shared/ConveyorRuntime"
        ),

        // Messaging: AMQP 0-9-1 over rabbitmq-c.
        .target(
            name: "Messaging",
            dependencies: [
                "CRabbitMQ",
                "ConveyorRuntime",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Shared/Messaging"
        ),
        .testTarget(
            name: "MessagingTests",
            dependencies: [
                "Messaging",
                "ConveyorRuntime",
                .product(name: "MetricsTestKit", package: "swift-metrics"),
            ],
            path: "Tests/MessagingTests"
        ),

        // Tests.
        .testTarget(
            name: "ConveyorRuntimeTests",
            dependencies: ["ConveyorRuntime"],
            path: "Tests/ConveyorRuntimeTests"
        ),
    ],
    swiftLanguageModes: [.v6]
)
