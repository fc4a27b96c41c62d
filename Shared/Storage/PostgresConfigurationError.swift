/// Why a PostgreSQL URL was rejected. The description names the part that is wrong and never
/// repeats the password.
public enum PostgresConfigurationError: Error, Equatable, CustomStringConvertible {
    case invalidScheme(String)
    case missingUser
    case missingHost
    case multipleHosts
    case invalidPort(String)
    case missingDatabase
    case invalidPercentEncoding(component: String)
    case invalidSSLMode(String)
    case invalidConnectTimeout(String)
    case unknownParameter(String)
    case duplicateParameter(String)
    case reservedParameter(String)

    public var description: String {
        let problem: String
        switch self {
        case .invalidScheme(let scheme):
            problem = "scheme \"\(scheme)\" is not postgres:// or postgresql://"
        case .missingUser:
            problem = "no user name (expected postgres://user:password@host:port/database)"
        case .missingHost:
            problem = "no host (expected postgres://user:password@host:port/database)"
        case .multipleHosts:
            problem = "more than one host is not supported"
        case .invalidPort(let port):
            problem = "port \"\(port)\" is not a number between 1 and 65535"
        case .missingDatabase:
            problem = "no database name in the path (expected postgres://user:password@host:port/database)"
        case .invalidPercentEncoding(let component):
            problem = "the \(component) has an invalid percent-encoding"
        case .invalidSSLMode(let mode):
            let modes = PostgresConfiguration.SSLMode.allCases.map(\.rawValue).joined(separator: ", ")
            problem = "sslmode \"\(mode)\" is not one of \(modes)"
        case .invalidConnectTimeout(let value):
            problem = "connect_timeout \"\(value)\" is not a positive number of seconds"
        case .unknownParameter(let name):
            problem = "\"\(name)\" is not a libpq connection parameter"
        case .duplicateParameter(let name):
            problem = "parameter \"\(name)\" is given more than once"
        case .reservedParameter(let name):
            problem = "parameter \"\(name)\" belongs in the URL's authority or path, or is set by Conveyor"
        }
        return "invalid PostgreSQL URL: \(problem)"
    }
}
