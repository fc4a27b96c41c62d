/// The rows a statement returned, copied out of libpq so they can cross tasks freely.
///
///     let rows = try await db.query("SELECT id, total_minor FROM orders WHERE status = $1", ["PENDING"])
///     for row in rows {
///         let id = try row.decode(UUID.self, "id")
///         let total = try row.decode(Int.self, "total_minor")
///     }
public struct PostgresRows: RandomAccessCollection, Sendable {
    let storage: Storage

    /// The result's columns, in order.
    public var columns: [PostgresColumn] { storage.columns }
    /// The command tag, for example `SELECT 3` or `UPDATE 1`.
    public var commandTag: String { storage.commandTag }
    /// Rows inserted, updated, deleted, selected, … as libpq's `PQcmdTuples` reports (0 if none).
    public var affectedRows: Int { storage.affectedRows }

    public var startIndex: Int { 0 }
    public var endIndex: Int { storage.rowCount }

    public subscript(position: Int) -> PostgresRow {
        precondition(indices.contains(position), "row \(position) is out of range 0..<\(count)")
        return PostgresRow(storage: storage, row: position)
    }

    init(storage: Storage) {
        self.storage = storage
    }

    /// Immutable result data shared by a result's rows.
    final class Storage: Sendable {
        let columns: [PostgresColumn]
        let columnIndex: [String: Int]
        let values: [String?]
        let rowCount: Int
        let commandTag: String
        let affectedRows: Int

        init(columns: [PostgresColumn], values: [String?], rowCount: Int, commandTag: String, affectedRows: Int) {
            precondition(values.count == columns.count * rowCount)
            self.columns = columns
            var index: [String: Int] = [:]
            for (position, column) in columns.enumerated() where index[column.name] == nil {
                index[column.name] = position
            }
            self.columnIndex = index
            self.values = values
            self.rowCount = rowCount
            self.commandTag = commandTag
            self.affectedRows = affectedRows
        }
    }
}
