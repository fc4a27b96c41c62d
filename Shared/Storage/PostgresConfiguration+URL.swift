import CLibPQ
import ConveyorRuntime

extension PostgresConfiguration {
    /// Parses `postgres://user:password@host:port/database?key=value&…` (or `postgresql://`).
    ///
    /// User, password, host, database and query values are percent-decoded, so a password may
    /// contain any character and a Unix socket directory can be given as host (`%2Ftmp`).
    /// Query keys: `sslmode` (disable, allow, prefer, require, verify-ca, verify-full),
    /// `application_name`, `connect_timeout` (seconds, default 10), and any other libpq
    /// connection keyword (`sslrootcert`, `sslcert`, `sslkey`, `target_session_attrs`, …),
    /// passed through unchanged.
    ///
    /// - Throws: ``PostgresConfigurationError`` naming the part that is wrong.
    public init(url: String) throws {
        guard let schemeEnd = url.firstRange(of: "://") else {
            throw PostgresConfigurationError.invalidScheme(url.prefix { $0 != ":" }.description)
        }
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "postgres" || scheme == "postgresql" else {
            throw PostgresConfigurationError.invalidScheme(scheme)
        }
        var rest = url[schemeEnd.upperBound...]
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }

        var queryText: Substring = ""
        if let question = rest.firstIndex(of: "?") {
            queryText = rest[rest.index(after: question)...]
            rest = rest[..<question]
        }
        let authority: Substring
        var path: Substring = ""
        if let slash = rest.firstIndex(of: "/") {
            authority = rest[..<slash]
            path = rest[rest.index(after: slash)...]
        } else {
            authority = rest
        }

        guard let at = authority.lastIndex(of: "@") else { throw PostgresConfigurationError.missingUser }
        let userInfo = authority[..<at]
        let hostPort = authority[authority.index(after: at)...]

        let encodedUser: Substring
        var encodedPassword: Substring?
        if let colon = userInfo.firstIndex(of: ":") {
            encodedUser = userInfo[..<colon]
            encodedPassword = userInfo[userInfo.index(after: colon)...]
        } else {
            encodedUser = userInfo
        }
        let user = try Self.percentDecoded(encodedUser, component: "user name")
        guard !user.isEmpty else { throw PostgresConfigurationError.missingUser }
        let password = try encodedPassword.map { try Self.percentDecoded($0, component: "password") }

        guard !hostPort.contains(",") else { throw PostgresConfigurationError.multipleHosts }
        var encodedHost = hostPort
        var portText: Substring?
        if hostPort.hasPrefix("[") {
            guard let close = hostPort.firstIndex(of: "]") else { throw PostgresConfigurationError.missingHost }
            encodedHost = hostPort[hostPort.index(after: hostPort.startIndex)..<close]
            let afterBracket = hostPort[hostPort.index(after: close)...]
            if afterBracket.hasPrefix(":") {
                portText = afterBracket.dropFirst()
            } else if !afterBracket.isEmpty {
                throw PostgresConfigurationError.invalidPort(String(afterBracket))
            }
        } else if let colon = hostPort.lastIndex(of: ":") {
            encodedHost = hostPort[..<colon]
            portText = hostPort[hostPort.index(after: colon)...]
        }
        let host = try Self.percentDecoded(encodedHost, component: "host")
        guard !host.isEmpty else { throw PostgresConfigurationError.missingHost }
        var port = 5432
        if let portText {
            guard let value = Int(portText), (1...65_535).contains(value) else {
                throw PostgresConfigurationError.invalidPort(String(portText))
            }
            port = value
        }

        let database = try Self.percentDecoded(path, component: "database name")
        guard !database.isEmpty else { throw PostgresConfigurationError.missingDatabase }

        self.init(host: host, port: port, user: user, password: password, database: database)
        try applyQuery(queryText)
    }

    private mutating func applyQuery(_ query: Substring) throws {
        var seen: Set<String> = []
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let key: String
            let value: String
            if let equals = pair.firstIndex(of: "=") {
                key = try Self.percentDecoded(pair[..<equals], component: "query parameter name")
                value = try Self.percentDecoded(pair[pair.index(after: equals)...], component: "value of \(key)")
            } else {
                key = try Self.percentDecoded(pair, component: "query parameter name")
                value = ""
            }
            guard seen.insert(key).inserted else { throw PostgresConfigurationError.duplicateParameter(key) }
            switch key {
            case "sslmode":
                guard let mode = SSLMode(rawValue: value) else { throw PostgresConfigurationError.invalidSSLMode(value) }
                sslMode = mode
            case "application_name":
                applicationName = value
            case "connect_timeout":
                guard let seconds = Int(value), seconds > 0 else {
                    throw PostgresConfigurationError.invalidConnectTimeout(value)
                }
                connectTimeoutSeconds = seconds
            case "host", "hostaddr", "port", "user", "password", "dbname", "client_encoding", "replication":
                throw PostgresConfigurationError.reservedParameter(key)
            default:
                guard Self.libpqKeywords.contains(key) else { throw PostgresConfigurationError.unknownParameter(key) }
                additionalParameters[key] = value
            }
        }
    }

    /// The connection keywords the linked libpq understands.
    private static let libpqKeywords: Set<String> = {
        var keywords: Set<String> = []
        guard let defaults = PQconndefaults() else { return keywords }
        defer { PQconninfoFree(defaults) }
        var option = defaults
        while let keyword = option.pointee.keyword {
            keywords.insert(String(cString: keyword))
            option += 1
        }
        return keywords
    }()

    private static func percentDecoded(_ text: Substring, component: String) throws -> String {
        guard let decoded = text.percentDecoded() else {
            throw PostgresConfigurationError.invalidPercentEncoding(component: component)
        }
        return decoded
    }
}
