import CLibPQ

extension PostgresRows {
    /// Copies a successful `PGresult` (text format) into Swift values.
    init(result: OpaquePointer) {
        let rowCount = Int(PQntuples(result))
        let columnCount = Int(PQnfields(result))
        var columns: [PostgresColumn] = []
        columns.reserveCapacity(columnCount)
        for column in 0..<columnCount {
            let name = PQfname(result, Int32(column)).map { String(cString: $0) } ?? ""
            columns.append(PostgresColumn(name: name, type: PostgresDataType(rawValue: PQftype(result, Int32(column)))))
        }
        var values: [String?] = []
        values.reserveCapacity(rowCount * columnCount)
        for row in 0..<rowCount {
            for column in 0..<columnCount {
                if PQgetisnull(result, Int32(row), Int32(column)) == 1 {
                    values.append(nil)
                } else {
                    values.append(String(cString: PQgetvalue(result, Int32(row), Int32(column))))
                }
            }
        }
        let commandTag = PQcmdStatus(result).map { String(cString: $0) } ?? ""
        let affectedRows = PQcmdTuples(result).flatMap { Int(String(cString: $0)) } ?? 0
        self.init(storage: Storage(columns: columns, values: values, rowCount: rowCount, commandTag: commandTag, affectedRows: affectedRows))
    }
}
