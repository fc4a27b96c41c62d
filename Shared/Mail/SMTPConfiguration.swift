import ConveyorRuntime

/// Where and how ``SMTPMailer`` delivers mail, read from an SMTP URL.
///
/// `smtp://[user:password@]host[:port][?options]` (port 25; clear text upgraded with
/// STARTTLS) or `smtps://…` (port 465; implicit TLS). User and password are percent-decoded
/// and sent with AUTH (libcurl picks PLAIN or LOGIN, whichever the server offers).
///
/// Options (query parameters):
/// - `starttls=required|opportunistic|off` (`smtp://` only). Default `opportunistic`, but
///   `required` when the URL has credentials: a password must not go out in clear because an
///   attacker removed STARTTLS from the server's EHLO reply. Say `off` explicitly for a
///   local relay without TLS.
/// - `verify=peer|none`: check the server's certificate and name (default `peer`).
/// - `cacert=/path/ca.pem`: trust these CA certificates instead of the system's.
/// - `timeout=30s`: bound on one whole delivery and on each server reply (default 30 s).
/// - `connect_timeout=10s`: bound on connecting (default 10 s, at most `timeout`).
///
/// Durations are `250ms`, `10s`, `2m` or plain seconds. Unknown options are an error, so a
/// misspelt one is not silently ignored. ``description`` never shows the password.
public struct SMTPConfiguration: Sendable, CustomStringConvertible {
    /// A host name or IP address (an IPv6 address without brackets).
    public let host: String
    /// The TCP port: from the URL, else 25 for `smtp://` and 465 for `smtps://`.
    public let port: Int
    /// Implicit TLS, STARTTLS (required or opportunistic) or clear text.
    public let transportSecurity: TransportSecurity
    /// Whether the server's certificate chain and host name are checked.
    public let verifiesPeer: Bool
    /// A PEM file of trusted CA certificates, replacing the system's.
    public let caCertificatePath: String?
    /// The AUTH user, or nil for no authentication.
    public let username: String?
    /// Only libcurl reads it; ``description`` masks it.
    let password: String?
    /// Bounds one whole delivery or connection check, and each wait for a reply.
    public let timeout: Duration
    /// Bounds connecting (TCP and, for `smtps://`, the TLS handshake).
    public let connectTimeout: Duration
    /// The envelope sender (`MAIL FROM`), where bounces go.
    public let sender: MailAddress
    /// The name sent with EHLO; nil lets libcurl use this machine's host name.
    public let heloName: String?

    /// - Parameters:
    ///   - url: the SMTP URL described above.
    ///   - sender: the envelope sender (`MAIL FROM`).
    ///   - heloName: the name to introduce ourselves with in EHLO (a host name or an address
    ///     literal like `[192.0.2.1]`).
    public init(url: String, sender: MailAddress, heloName: String? = nil) throws(SMTPConfigurationError) {
        let schemeEnd = url.firstRange(of: "://")
        guard let schemeEnd else { throw SMTPConfigurationError("the URL must start with smtp:// or smtps://") }
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "smtp" || scheme == "smtps" else {
            throw SMTPConfigurationError("unsupported scheme \"\(scheme)\" (use smtp or smtps)")
        }
        var rest = url[schemeEnd.upperBound...]
        var query: Substring = ""
        if let questionMark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: questionMark)...]
            rest = rest[..<questionMark]
        }
        var authority = rest
        if let slash = rest.firstIndex(of: "/") {
            guard rest[slash...] == "/" else {
                throw SMTPConfigurationError("the URL must not have a path (give the EHLO name as heloName)")
            }
            authority = rest[..<slash]
        }

        // userinfo@host:port; the password may itself contain "@" only percent-encoded, but
        // split at the last "@" so a raw one still works.
        var hostPort = authority
        var username: String?
        var password: String?
        if let at = authority.lastIndex(of: "@") {
            let userinfo = authority[..<at]
            hostPort = authority[authority.index(after: at)...]
            let user: Substring
            if let colon = userinfo.firstIndex(of: ":") {
                user = userinfo[..<colon]
                guard let decoded = String(userinfo[userinfo.index(after: colon)...]).percentDecoded() else {
                    throw SMTPConfigurationError("the password is not valid percent-encoding")
                }
                password = decoded
            } else {
                user = userinfo
            }
            guard let decodedUser = String(user).percentDecoded(), !decodedUser.isEmpty else {
                throw SMTPConfigurationError("the user name is empty or not valid percent-encoding")
            }
            username = decodedUser
        }

        var host: Substring
        var portText: Substring?
        if hostPort.hasPrefix("[") {
            guard let close = hostPort.firstIndex(of: "]") else {
                throw SMTPConfigurationError("unterminated IPv6 address in the host")
            }
            host = hostPort[hostPort.index(after: hostPort.startIndex)..<close]
            let afterHost = hostPort[hostPort.index(after: close)...]
            if !afterHost.isEmpty {
                guard afterHost.hasPrefix(":") else { throw SMTPConfigurationError("unexpected text after the host") }
                portText = afterHost.dropFirst()
            }
            guard !host.isEmpty, host.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else {
                throw SMTPConfigurationError("invalid IPv6 address in the host")
            }
        } else {
            host = hostPort
            if let colon = hostPort.firstIndex(of: ":") {
                host = hostPort[..<colon]
                portText = hostPort[hostPort.index(after: colon)...]
            }
            guard !host.isEmpty else { throw SMTPConfigurationError("the URL has no host") }
            guard Self.isHostName(host) else { throw SMTPConfigurationError("invalid host name") }
        }
        var port = scheme == "smtps" ? 465 : 25
        if let portText {
            guard let number = Int(portText), (1...65535).contains(number), portText.allSatisfy(\.isASCII) else {
                throw SMTPConfigurationError("invalid port \"\(portText)\"")
            }
            port = number
        }

        var options: [String: String] = [:]
        for item in query.split(separator: "&") {
            let pair = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard pair.count == 2, let key = String(pair[0]).percentDecoded(),
                let value = String(pair[1]).percentDecoded()
            else { throw SMTPConfigurationError("query option \"\(item)\" is not key=value") }
            guard options[key] == nil else { throw SMTPConfigurationError("option \(key) is given twice") }
            options[key] = value
        }

        var security: TransportSecurity
        if scheme == "smtps" {
            security = .implicitTLS
            if options["starttls"] != nil {
                throw SMTPConfigurationError("starttls applies to smtp:// only (smtps:// is TLS from the start)")
            }
        } else if let starttls = options.removeValue(forKey: "starttls") {
            guard let mode = TransportSecurity(rawValue: starttls), mode != .implicitTLS else {
                throw SMTPConfigurationError("starttls must be required, opportunistic or off, not \"\(starttls)\"")
            }
            security = mode
        } else {
            security = username == nil ? .opportunisticSTARTTLS : .requireSTARTTLS
        }

        var verifiesPeer = true
        if let verify = options.removeValue(forKey: "verify") {
            switch verify {
            case "peer": verifiesPeer = true
            case "none": verifiesPeer = false
            default: throw SMTPConfigurationError("verify must be peer or none, not \"\(verify)\"")
            }
        }
        let caCertificatePath = options.removeValue(forKey: "cacert")
        if let caCertificatePath, caCertificatePath.isEmpty {
            throw SMTPConfigurationError("cacert must be a file path")
        }
        let timeout = try Self.duration(options.removeValue(forKey: "timeout"), option: "timeout") ?? .seconds(30)
        let connectTimeout =
            try Self.duration(options.removeValue(forKey: "connect_timeout"), option: "connect_timeout")
            ?? min(.seconds(10), timeout)
        if let unknown = options.keys.sorted().first {
            throw SMTPConfigurationError(
                "unknown option \"\(unknown)\" (known: starttls, verify, cacert, timeout, connect_timeout)")
        }
        if let heloName {
            let isLiteral = heloName.hasPrefix("[") && heloName.hasSuffix("]") && heloName.count > 2
                && heloName.dropFirst().dropLast().allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." }
            guard isLiteral || Self.isHostName(Substring(heloName)) else {
                throw SMTPConfigurationError("invalid EHLO name \"\(heloName)\"")
            }
        }

        self.host = String(host)
        self.port = port
        self.transportSecurity = security
        self.verifiesPeer = verifiesPeer
        self.caCertificatePath = caCertificatePath
        self.username = username
        self.password = password
        self.timeout = timeout
        self.connectTimeout = connectTimeout
        self.sender = sender
        self.heloName = heloName
    }

    /// The URL handed to libcurl: no credentials (they go in their own options), and the
    /// EHLO name as the path, which is how libcurl takes it.
    var curlURL: String {
        let hostPart = host.contains(":") ? "[\(host)]" : host
        return "\(transportSecurity == .implicitTLS ? "smtps" : "smtp")://\(hostPart):\(port)/\(heloName ?? "")"
    }

    /// The URL and options, with the password replaced by `***`.
    public var description: String {
        let hostPart = host.contains(":") ? "[\(host)]" : host
        var text = transportSecurity == .implicitTLS ? "smtps://" : "smtp://"
        if let username { text += password == nil ? "\(username)@" : "\(username):***@" }
        text += "\(hostPart):\(port)?"
        if transportSecurity != .implicitTLS { text += "starttls=\(transportSecurity.rawValue)&" }
        text += "verify=\(verifiesPeer ? "peer" : "none")"
        if let caCertificatePath { text += "&cacert=\(caCertificatePath)" }
        text += "&timeout=\(Self.format(timeout))&connect_timeout=\(Self.format(connectTimeout))"
        text += " sender=\(sender.address)"
        if let heloName { text += " helo=\(heloName)" }
        return text
    }

    private static func isHostName(_ text: Substring) -> Bool {
        let labels = text.split(separator: ".", omittingEmptySubsequences: false)
        return text.utf8.count <= 253 && labels.allSatisfy { label in
            !label.isEmpty && label.utf8.count <= 63
                && label.allSatisfy { ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "-" || $0 == "_" }
        }
    }

    /// `250ms`, `10s`, `2m`, `1h` or plain seconds; positive.
    private static func duration(_ text: String?, option: String) throws(SMTPConfigurationError) -> Duration? {
        guard let text else { return nil }
        let units: [(suffix: String, milliseconds: Double)] = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000)]
        var milliseconds: Double?
        for unit in units where text.hasSuffix(unit.suffix) {
            if let value = Double(text.dropLast(unit.suffix.count)) {
                milliseconds = value * unit.milliseconds
                break
            }
        }
        if milliseconds == nil, let seconds = Double(text) { milliseconds = seconds * 1000 }
        guard let milliseconds, milliseconds.isFinite, milliseconds >= 1, milliseconds <= 86_400_000 else {
            throw SMTPConfigurationError("\(option) must be a positive duration like 10s or 500ms, not \"\(text)\"")
        }
        return .milliseconds(Int64(milliseconds.rounded()))
    }

    private static func format(_ duration: Duration) -> String {
        let milliseconds = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        return milliseconds % 1000 == 0 ? "\(milliseconds / 1000)s" : "\(milliseconds)ms"
    }
}
