import CCurl

/// libcurl's process-wide initialisation, done once before the first handle.
enum CurlLibrary {
    /// Swift runs a static's initialiser exactly once, thread-safely, on first access.
    private static let initialization: CURLcode = conveyor_curl_global_init()

    static func initialize() throws(SMTPError) {
        let code = initialization
        guard code == CURLE_OK else {
            throw SMTPError(
                kind: .other, replyCode: nil, reply: nil, command: nil, curlCode: Int(code.rawValue),
                curlMessage: "curl_global_init failed: \(String(cString: curl_easy_strerror(code)))")
        }
    }
}
