import ConveyorRuntime

/// Dead letters as a plain-text table for a terminal: one line each, columns padded, the
/// detail cut to keep lines readable (`show` prints it whole).
struct DeadLetterTable {
    static let detailWidth = 60

    var deadLetters: [DeadLetter]
    /// Adds a STATUS column (when the listing is not only waiting dead letters).
    var showsStatus: Bool
    /// Adds a DESTINATION column (a dry-run replay).
    var destination: ((DeadLetter) -> String)?

    var text: String {
        var header = ["ID", "EVENT ID", "ORDER ID", "TYPE", "QUEUE", "REASON", "ATTEMPTS", "FAILED AT"]
        if showsStatus { header.append("STATUS") }
        if destination != nil { header.append("DESTINATION") }
        header.append("DETAIL")
        var rows = [header]
        for deadLetter in deadLetters {
            var row = [
                "\(deadLetter.id)", deadLetter.eventID?.lowercasedString ?? "-",
                deadLetter.orderID?.lowercasedString ?? "-", deadLetter.eventType ?? "-", deadLetter.queue,
                deadLetter.reason, "\(deadLetter.attempts)", deadLetter.failedAt.formatted(.iso8601),
            ]
            if showsStatus { row.append(deadLetter.status.rawValue) }
            if let destination { row.append(destination(deadLetter)) }
            row.append(Self.oneLine(deadLetter.detail ?? ""))
            rows.append(row)
        }
        let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell.padded(toWidth: widths[column])
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }

    private static func oneLine(_ text: String) -> String {
        let flat = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        return flat.count > detailWidth ? String(flat.prefix(detailWidth - 1)) + "…" : flat
    }
}

extension String {
    /// The text followed by spaces up to `width` characters, for aligned columns.
    func padded(toWidth width: Int) -> String {
        let count = count
        return count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
