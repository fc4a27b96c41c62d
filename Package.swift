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

        .target(
            name: "Orders",
            path: "Shared/Orders"
        ),

        .target(
            name: "ServiceSupport",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            path: "Shared/ServiceSupport"
        ),

        // Storage: PostgreSQL over libpq, connection pool, LISTEN/NOTIFY, migrations.
        .target(
            name: "Storage",
            dependencies: [
                "CLibPQ",
                "ConveyorRuntime",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Shared/Storage",
            resources: [.copy("Migrations")]
        ),
        .testTarget(
            name: "StorageTests",
            dependencies: [
                "Storage",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
            ],
            path: "Tests/StorageTests"
        ),

        // Tests.
        .testTarget(
            name: "ConveyorRuntimeTests",
            dependencies: ["ConveyorRuntime"],
            path: "Tests/ConveyorRuntimeTests"
        ),
        .testTarget(
            name: "OrdersTests",
            dependencies: ["Orders"],
            path: "Tests/OrdersTests"
        ),
        .testTarget(
            name: "ServiceSupportTests",
            dependencies: [
                "ServiceSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            path: "Tests/ServiceSupportTests"
        ),

        // E-mail over SMTP: libcurl (Debian's libcurl4-openssl-dev), used only by Mail.
        .systemLibrary(
            name: "CCurl",
            path: "Shared/CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"]), .brew(["curl"])]
        ),
        .target(
            name: "Mail",
            dependencies: [
                "CCurl",
                "ConveyorRuntime",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Shared/Mail"
        ),
        .testTarget(
            name: "MailTests",
            dependencies: ["Mail"],
            path: "Tests/MailTests",
            exclude: ["Fixtures"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
