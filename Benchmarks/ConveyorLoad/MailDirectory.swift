import Foundation

/// The SMTP sink's directory (`deploy/local/smtp-sink.py`): one `NNNNNN.json` envelope per
/// message received.
struct MailDirectory: Sendable {
    let path: String

    /// How many messages the sink received for each of `mailboxes`, recognised by the
    /// recipient `<mailbox>@<domain>` that ``OrderMix`` gives every order.
    func messages(for mailboxes: Set<UUID>, domain: String) throws -> [UUID: Int] {
        var counts: [UUID: Int] = [:]
        let suffix = "@" + domain
        for name in try FileManager.default.contentsOfDirectory(atPath: path) where name.hasSuffix(".json") {
            guard let data = FileManager.default.contents(atPath: path + "/" + name),
                let envelope = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                let recipients = envelope["rcpt_tos"] as? [String]
            else { continue }
            for recipient in recipients where recipient.lowercased().hasSuffix(suffix) {
                if let id = UUID(uuidString: String(recipient.dropLast(suffix.count))), mailboxes.contains(id) {
                    counts[id, default: 0] += 1
                }
            }
        }
        return counts
    }
}
