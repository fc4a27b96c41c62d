/// Where and how to connect to PostgreSQL.
///
/// Usually built from a URL with ``init(url:)``:
///
///     postgres://user:password@host:port/database?sslmode=require&application_name=api-gateway&connect_timeout=5
///
/// The value never contains the password in its `description`, so it is safe to log.
public struct PostgresConfiguration: Sendable, Equatable, CustomStringConvertible {
    /// libpq's `sslmode`: whether and how TLS is used and the server certificate checked.
    public enum SSLMode: String, Sendable, CaseIterable {
        case disable
        case allow
        case prefer
        case require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

    /// Host name, IP address, or a directory holding the server's Unix socket (starts with `/`).
    public var host: String
    public var port: Int
    public var user: String
    public var password: String?
    public var database: String
    /// TLS policy; libpq's default (`prefer`) when nil.
    public var sslMode: SSLMode?
    /// Shown in `pg_stat_activity.application_name`; useful to tell services apart.
    public var applicationName: String?
    /// How long one connection attempt may take, in whole seconds (libpq's `connect_timeout`).
    public var connectTimeoutSeconds: Int
    /// Schemas to search for unqualified names, in order (`search_path`); the server's
    /// default when nil.
    public var searchPath: [String]?
    /// Further libpq connection keywords passed through unchanged, for example `sslrootcert`,
    /// `sslcert`, `sslkey`, `target_session_attrs` or `keepalives_idle`.
    public var additionalParameters: [String: String]

    /// Creates a configuration from its parts.
    public init(
        host: String,
        port: Int = 5432,
        user: String,
        password: String? = nil,
        database: String,
        sslMode: SSLMode? = nil,
        applicationName: String? = nil,
        connectTimeoutSeconds: Int = 10,
        searchPath: [String]? = nil,
        additionalParameters: [String: String] = [:]
    ) {
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.database = database
        self.sslMode = sslMode
        self.applicationName = applicationName
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.searchPath = searchPath
        self.additionalParameters = additionalParameters
    }

    public var description: String {
        var text = "postgres://\(user)\(password == nil ? "" : ":***")@\(host):\(port)/\(database)"
        var query: [String] = []
        if let sslMode { query.append("sslmode=\(sslMode.rawValue)") }
        if let applicationName { query.append("application_name=\(applicationName)") }
        query.append("connect_timeout=\(connectTimeoutSeconds)")
        if !query.isEmpty { text += "?" + query.joined(separator: "&") }
        return text
    }

    /// The keyword/value pairs for `PQconnectdbParams`, in a stable order.
    ///
    /// Besides the configured values, every session uses UTF-8, ISO dates in UTC and hex
    /// `bytea` output, which the text decoders rely on; TCP keepalives detect a vanished server.
    package var connectionParameters: [(keyword: String, value: String)] {
        var parameters: [(String, String)] = [
            ("host", host),
            ("port", String(port)),
            ("user", user),
            ("dbname", database),
            ("connect_timeout", String(connectTimeoutSeconds)),
            ("client_encoding", "UTF8"),
            ("keepalives", "1"),
            ("keepalives_idle", "30"),
            ("keepalives_interval", "10"),
            ("keepalives_count", "3"),
        ]
        if let password { parameters.append(("password", password)) }
        if let sslMode { parameters.append(("sslmode", sslMode.rawValue)) }
        if let applicationName { parameters.append(("application_name", applicationName)) }

        var options = ["-c datestyle=ISO", "-c timezone=UTC", "-c bytea_output=hex"]
        if let searchPath, !searchPath.isEmpty {
            let list = searchPath.map(Self.quotedIdentifier).joined(separator: ",")
            options.append("-c search_path=" + Self.escapedOptionValue(list))
        }
        var userOptions: String?
        for (keyword, value) in additionalParameters.sorted(by: { $0.key < $1.key }) {
            if keyword == "options" {
                userOptions = value
                continue
            }
            parameters.removeAll { $0.0 == keyword }
            parameters.append((keyword, value))
        }
        if let userOptions { options.append(userOptions) }
        parameters.append(("options", options.joined(separator: " ")))
        return parameters.map { (keyword: $0.0, value: $0.1) }
    }

    /// `name` as an SQL identifier in double quotes.
    package static func quotedIdentifier(_ name: String) -> String {
        "\"" + name.replacing("\"", with: "\"\"") + "\""
    }

    /// Escapes a value inside libpq's `options` keyword, where spaces separate arguments.
    private static func escapedOptionValue(_ value: String) -> String {
        var escaped = ""
        for character in value {
            if character == "\\" || character == " " { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }
}
