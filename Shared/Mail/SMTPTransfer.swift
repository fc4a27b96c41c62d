/// The state of one libcurl transfer that its C callbacks reach through their user-data
/// pointer: the message bytes still to upload and the transcript.
///
/// Only used on the thread running `curl_easy_perform`, while the transfer runs.
final class SMTPTransfer {
    private let payload: [UInt8]
    private var offset = 0
    var transcript = SMTPTranscript()

    init(payload: [UInt8]) {
        self.payload = payload
    }

    /// Copies the next bytes of the message into libcurl's buffer; 0 at the end.
    func read(into buffer: UnsafeMutablePointer<CChar>, capacity: Int) -> Int {
        let count = min(capacity, payload.count - offset)
        guard count > 0 else { return 0 }
        payload.withUnsafeBufferPointer { source in
            UnsafeMutableRawPointer(buffer).copyMemory(from: source.baseAddress! + offset, byteCount: count)
        }
        offset += count
        return count
    }
}
