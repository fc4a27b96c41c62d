import Storage
import Testing

@Suite struct PostgresConfigurationTests {
    @Test func parsesAFullURL() throws {
        let configuration = try PostgresConfiguration(
            url: "postgres://conveyor:s%40cr%3At%2F@db.internal:5442/orders?sslmode=verify-full&application_name=api%20gateway&connect_timeout=3&sslrootcert=/etc/ssl/ca.pem"
        )
        #expect(configuration.user == "conveyor")
        #expect(configuration.password == "s@cr:t/")
        #expect(configuration.host == "db.internal")
        #expect(configuration.port == 5442)
        #expect(configuration.database == "orders")
        #expect(configuration.sslMode == .verifyFull)
        #expect(configuration.applicationName == "api gateway")
        #expect(configuration.connectTimeoutSeconds == 3)
        #expect(configuration.additionalParameters == ["sslrootcert": "/etc/ssl/ca.pem"])
    }

    @Test func acceptsPostgresqlSchemeDefaultsAndIPv6() throws {
        let plain = try PostgresConfiguration(url: "postgresql://app@localhost/app")
        #expect(plain.port == 5432)
        #expect(plain.password == nil)
        #expect(plain.sslMode == nil)
        #expect(plain.connectTimeoutSeconds == 10)

        let ipv6 = try PostgresConfiguration(url: "postgres://app:pw@[::1]:6000/app")
        #expect(ipv6.host == "::1")
        #expect(ipv6.port == 6000)

        let socket = try PostgresConfiguration(url: "postgres://app@%2Fvar%2Frun%2Fpostgresql/app")
        #expect(socket.host == "/var/run/postgresql")
    }

    @Test func everySSLModePassesThrough() throws {
        for mode in PostgresConfiguration.SSLMode.allCases {
            let configuration = try PostgresConfiguration(url: "postgres://u:p@h/d?sslmode=\(mode.rawValue)")
            #expect(configuration.sslMode == mode)
            #expect(configuration.connectionParameters.contains { $0.keyword == "sslmode" && $0.value == mode.rawValue })
        }
    }

    @Test(arguments: [
        ("mysql://u:p@h/d", PostgresConfigurationError.invalidScheme("mysql")),
        ("localhost:5432/d", PostgresConfigurationError.invalidScheme("localhost")),
        ("postgres://h:5432/d", PostgresConfigurationError.missingUser),
        ("postgres://:p@h/d", PostgresConfigurationError.missingUser),
        ("postgres://u:p@/d", PostgresConfigurationError.missingHost),
        ("postgres://u:p@h:abc/d", PostgresConfigurationError.invalidPort("abc")),
        ("postgres://u:p@h:70000/d", PostgresConfigurationError.invalidPort("70000")),
        ("postgres://u:p@h:5432", PostgresConfigurationError.missingDatabase),
        ("postgres://u:p@h:5432/", PostgresConfigurationError.missingDatabase),
        ("postgres://u:p%zz@h/d", PostgresConfigurationError.invalidPercentEncoding(component: "password")),
        ("postgres://u:p@h1,h2/d", PostgresConfigurationError.multipleHosts),
        ("postgres://u:p@h/d?sslmode=always", PostgresConfigurationError.invalidSSLMode("always")),
        ("postgres://u:p@h/d?connect_timeout=0", PostgresConfigurationError.invalidConnectTimeout("0")),
        ("postgres://u:p@h/d?colour=blue", PostgresConfigurationError.unknownParameter("colour")),
        ("postgres://u:p@h/d?sslmode=require&sslmode=disable", PostgresConfigurationError.duplicateParameter("sslmode")),
        ("postgres://u:p@h/d?password=x", PostgresConfigurationError.reservedParameter("password")),
    ])
    func rejectsInvalidURLs(url: String, expected: PostgresConfigurationError) {
        #expect(throws: expected) { try PostgresConfiguration(url: url) }
    }

    @Test func errorsAndDescriptionNeverShowThePassword() throws {
        let configuration = try PostgresConfiguration(url: "postgres://conveyor:topsecret@h/d")
        #expect(!configuration.description.contains("topsecret"))
        #expect(configuration.description.contains("conveyor:***@h:5432/d"))
        do {
            _ = try PostgresConfiguration(url: "postgres://conveyor:topsecret@h:bad/d")
            Issue.record("expected an error")
        } catch {
            #expect(!"\(error)".contains("topsecret"))
            #expect("\(error)".contains("port \"bad\""))
        }
    }

    @Test func connectionParametersAreKeywordValuePairs() throws {
        var configuration = try PostgresConfiguration(url: "postgres://u:p w@h:5/d?application_name=app&options=-c%20work_mem%3D8MB")
        configuration.searchPath = ["my schema", "public"]
        let parameters = Dictionary(uniqueKeysWithValues: configuration.connectionParameters.map { ($0.keyword, $0.value) })
        #expect(parameters["host"] == "h")
        #expect(parameters["port"] == "5")
        #expect(parameters["user"] == "u")
        #expect(parameters["password"] == "p w")
        #expect(parameters["dbname"] == "d")
        #expect(parameters["application_name"] == "app")
        #expect(parameters["client_encoding"] == "UTF8")
        let options = try #require(parameters["options"])
        #expect(options.contains("-c timezone=UTC"))
        #expect(options.contains(#"-c search_path="my\ schema","public""#))
        #expect(options.hasSuffix("-c work_mem=8MB"))
    }
}
