import CCurl

/// One libcurl easy handle set up for a ``SMTPConfiguration``, with its error buffer.
///
/// libcurl keeps the connection open in the handle after a successful transfer and reuses
/// it for the next one to the same server (until it has been idle for `CURLOPT_MAXAGE_CONN`,
/// 118 s by default, or the server closed it), skipping connect, EHLO, STARTTLS and AUTH.
/// A failed transfer closes it. Not thread-safe: its owner uses it from one thread at a time.
final class CurlEasyHandle {
    private let handle: UnsafeMutableRawPointer
    private let errorBuffer: UnsafeMutablePointer<CChar>

    /// - Parameter connectOnly: only connect, greet, EHLO, STARTTLS and AUTH, then stop
    ///   (for a connection check).
    init(configuration: SMTPConfiguration, connectOnly: Bool = false) throws(SMTPError) {
        try CurlLibrary.initialize()
        guard let handle = curl_easy_init() else {
            throw SMTPError(
                kind: .other, replyCode: nil, reply: nil, command: nil, curlCode: Int(CURLE_FAILED_INIT.rawValue),
                curlMessage: "curl_easy_init failed")
        }
        self.handle = handle
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))

        try check(conveyor_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer))
        try set(CURLOPT_URL, configuration.curlURL)
        // No SIGALRM for DNS timeouts: signals and multi-threaded processes do not mix.
        try set(CURLOPT_NOSIGNAL, 1)
        let useSSL: curl_usessl =
            switch configuration.transportSecurity {
            case .implicitTLS, .requireSTARTTLS: CURLUSESSL_ALL
            case .opportunisticSTARTTLS: CURLUSESSL_TRY
            case .plaintext: CURLUSESSL_NONE
            }
        try set(CURLOPT_USE_SSL, Int(useSSL.rawValue))
        try set(CURLOPT_SSL_VERIFYPEER, configuration.verifiesPeer ? 1 : 0)
        try set(CURLOPT_SSL_VERIFYHOST, configuration.verifiesPeer ? 2 : 0)
        if let caCertificatePath = configuration.caCertificatePath {
            try set(CURLOPT_CAINFO, caCertificatePath)
        }
        if let username = configuration.username {
            try set(CURLOPT_USERNAME, username)
            try set(CURLOPT_PASSWORD, configuration.password ?? "")
        }
        try set(CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(configuration.connectTimeout))
        try set(CURLOPT_TIMEOUT_MS, Self.milliseconds(configuration.timeout))
        // Also bounds each reply, including the one to QUIT when the handle is cleaned up.
        try set(CURLOPT_SERVER_RESPONSE_TIMEOUT, (Self.milliseconds(configuration.timeout) + 999) / 1000)
        // The debug callback feeds the transcript; with it set, VERBOSE prints nothing.
        try check(
            conveyor_curl_setopt_debug_callback(handle) { _, type, data, size, userdata in
                guard let data, let userdata else { return 0 }
                guard type == CURLINFO_HEADER_IN || type == CURLINFO_HEADER_OUT else { return 0 }
                let transfer = Unmanaged<SMTPTransfer>.fromOpaque(userdata).takeUnretainedValue()
                let bytes = UnsafeRawBufferPointer(start: data, count: size)
                if type == CURLINFO_HEADER_IN {
                    transfer.transcript.received(bytes)
                } else {
                    transfer.transcript.sent(bytes)
                }
                return 0
            })
        try set(CURLOPT_VERBOSE, 1)
        if connectOnly {
            try set(CURLOPT_CONNECT_ONLY, 1)
        } else {
            try set(CURLOPT_UPLOAD, 1)
            try check(
                conveyor_curl_setopt_read_callback(handle) { buffer, size, count, userdata in
                    guard let buffer, let userdata else { return Int(CURL_READFUNC_ABORT) }
                    let transfer = Unmanaged<SMTPTransfer>.fromOpaque(userdata).takeUnretainedValue()
                    return transfer.read(into: buffer, capacity: size * count)
                })
        }
    }

    deinit {
        // Sends QUIT on an open connection (bounded by SERVER_RESPONSE_TIMEOUT) and closes it.
        curl_easy_cleanup(handle)
        errorBuffer.deallocate()
    }

    /// Sends one message: `MAIL FROM:<sender>`, `RCPT TO:<…>` for each recipient, `DATA`
    /// and `payload` (already CRLF-terminated; libcurl dot-stuffs it). Returns how many new
    /// connections it had to open (0 when it reused the open one).
    func send(payload: [UInt8], sender: String, recipients: [String]) throws(SMTPError) -> Int {
        var recipientList: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(recipientList) }
        for recipient in recipients {
            guard let appended = curl_slist_append(recipientList, "<\(recipient)>") else {
                throw SMTPError(
                    kind: .other, replyCode: nil, reply: nil, command: nil,
                    curlCode: Int(CURLE_OUT_OF_MEMORY.rawValue), curlMessage: "curl_slist_append failed")
            }
            recipientList = appended
        }
        try set(CURLOPT_MAIL_FROM, "<\(sender)>")
        try check(conveyor_curl_setopt_slist(handle, CURLOPT_MAIL_RCPT, recipientList))
        // The size lets libcurl announce it (SIZE=) so the server can refuse too large a
        // message before it is sent.
        try check(conveyor_curl_setopt_off_t(handle, CURLOPT_INFILESIZE_LARGE, curl_off_t(payload.count)))
        defer { _ = conveyor_curl_setopt_slist(handle, CURLOPT_MAIL_RCPT, nil) }
        try perform(SMTPTransfer(payload: payload))
        var connects = 0
        _ = conveyor_curl_getinfo_long(handle, CURLINFO_NUM_CONNECTS, &connects)
        return connects
    }

    /// Connects, greets, says EHLO, upgrades to TLS and authenticates as configured; for a
    /// handle made with `connectOnly`.
    func connect() throws(SMTPError) {
        try perform(SMTPTransfer(payload: []))
    }

    private func perform(_ transfer: SMTPTransfer) throws(SMTPError) {
        let context = Unmanaged.passUnretained(transfer).toOpaque()
        try check(conveyor_curl_setopt_pointer(handle, CURLOPT_READDATA, context))
        try check(conveyor_curl_setopt_pointer(handle, CURLOPT_DEBUGDATA, context))
        errorBuffer[0] = 0
        let code = withExtendedLifetime(transfer) { curl_easy_perform(handle) }
        // The callbacks also run outside perform (QUIT at cleanup): they must not see a
        // transfer that is gone.
        _ = conveyor_curl_setopt_pointer(handle, CURLOPT_READDATA, nil)
        _ = conveyor_curl_setopt_pointer(handle, CURLOPT_DEBUGDATA, nil)
        guard code != CURLE_OK else { return }

        let transcript = transfer.transcript
        var replyCode = transcript.replyCode
        if replyCode == nil {
            var responseCode = 0
            if conveyor_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &responseCode) == CURLE_OK,
                responseCode >= 400
            {
                replyCode = responseCode
            }
        }
        let transport = SMTPError.Kind(curlCode: code)
        throw SMTPError(
            kind: .classify(transport: transport, replyCode: replyCode, command: transcript.command),
            replyCode: replyCode,
            reply: transcript.reply,
            command: transcript.command,
            curlCode: Int(code.rawValue),
            curlMessage: errorText(code))
    }

    private func errorText(_ code: CURLcode) -> String {
        errorBuffer[0] != 0 ? String(cString: errorBuffer) : String(cString: curl_easy_strerror(code))
    }

    private func set(_ option: CURLoption, _ value: Int) throws(SMTPError) {
        try check(conveyor_curl_setopt_long(handle, option, value))
    }

    /// libcurl copies string options, so the C string only has to live for the call.
    private func set(_ option: CURLoption, _ value: String) throws(SMTPError) {
        try check(conveyor_curl_setopt_string(handle, option, value))
    }

    private func check(_ code: CURLcode) throws(SMTPError) {
        guard code == CURLE_OK else {
            throw SMTPError(
                kind: .other, replyCode: nil, reply: nil, command: nil, curlCode: Int(code.rawValue),
                curlMessage: "curl_easy_setopt: \(String(cString: curl_easy_strerror(code)))")
        }
    }

    private static func milliseconds(_ duration: Duration) -> Int {
        Int(duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000)
    }
}
