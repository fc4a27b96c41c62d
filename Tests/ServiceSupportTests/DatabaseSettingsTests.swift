import ServiceSupport
import Testing

@Suite struct DatabaseSettingsTests {
    @Test func theSchemaDefaultsToPublicAndLeavesTheSearchPathAlone() throws {
        var reader = ConfigurationReader(environment: ["DATABASE_URL": "postgres://u:p@db:5432/conveyor"])
        let settings = DatabaseSettings(reader: &reader, applicationName: "test")
        try reader.validate()
        #expect(settings.schema == "public")
        #expect(settings.pool.connection.searchPath == nil)
        #expect(settings.pool.idleTimeout == .seconds(60))
    }

    @Test func thePoolsIdleTimeoutIsConfigurable() throws {
        var reader = ConfigurationReader(environment: ["DATABASE_URL": "postgres://u:p@db:5432/conveyor", "DATABASE_POOL_IDLE_TIMEOUT": "5m"])
        let settings = DatabaseSettings(reader: &reader, applicationName: "test")
        try reader.validate()
        #expect(settings.pool.idleTimeout == .seconds(300))

        var zero = ConfigurationReader(environment: ["DATABASE_URL": "postgres://u:p@db:5432/conveyor", "DATABASE_POOL_IDLE_TIMEOUT": "0s"])
        _ = DatabaseSettings(reader: &zero, applicationName: "test")
        #expect(zero.problems.map(\.description).contains { $0.hasPrefix("DATABASE_POOL_IDLE_TIMEOUT") })
    }

    @Test func anotherSchemaIsTheSearchPathOfTheServiceAndItsMigrations() throws {
        var reader = ConfigurationReader(environment: [
            "DATABASE_URL": "postgres://u:p@db:5432/conveyor", "DATABASE_MIGRATION_URL": "postgres://owner:p@db:5432/conveyor",
            "DATABASE_SCHEMA": "shop_b",
        ])
        let settings = DatabaseSettings(reader: &reader, applicationName: "test")
        try reader.validate()
        #expect(settings.schema == "shop_b")
        #expect(settings.pool.connection.searchPath == ["shop_b"])
        #expect(settings.migration?.searchPath == ["shop_b"])
    }

    @Test(arguments: ["Shop", "1shop", "shop-b", "shop b", String(repeating: "s", count: 64)])
    func aSchemaThatIsNotAPlainIdentifierIsAConfigurationError(_ schema: String) {
        var reader = ConfigurationReader(environment: ["DATABASE_URL": "postgres://u:p@db:5432/conveyor", "DATABASE_SCHEMA": schema])
        _ = DatabaseSettings(reader: &reader, applicationName: "test")
        #expect(reader.problems.map(\.description).contains { $0.hasPrefix("DATABASE_SCHEMA must be a schema name") })
    }
}
