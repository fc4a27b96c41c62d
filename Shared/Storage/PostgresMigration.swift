
/// One versioned SQL migration: a file named `NNNN_description.sql`.
///
/// The SQL runs in a transaction of its own with `search_path` set to the migrator's schema,
/// so it uses unqualified names and contains no BEGIN/COMMIT (nor statements that cannot run
/// in a transaction, such as `CREATE INDEX CONCURRENTLY`).
public struct PostgresMigration: Sendable, Equatable {
    /// The number the file name starts with; migrations apply in increasing order.
    public var version: Int
    /// The rest of the file name, without extension: `0001_initial.sql` → `initial`.
    public var name: String
    /// The file name, for messages.
    public var fileName: String
    public var sql: String

    /// Creates a migration from a file name of the form `NNNN_description.sql` and its text.
    ///
    /// - Throws: ``PostgresMigrationError/invalidFileName(_:)`` for another name.
    public init(fileName: String, sql: String) throws {
        guard fileName.hasSuffix(".sql") else { throw PostgresMigrationError.invalidFileName(fileName) }
        let stem = fileName.dropLast(4)
        guard let underscore = stem.firstIndex(of: "_"),
            let version = Int(stem[..<underscore]), version > 0,
            stem[..<underscore].allSatisfy(\.isASCII)
        else {
            throw PostgresMigrationError.invalidFileName(fileName)
        }
        let name = String(stem[stem.index(after: underscore)...])
        guard !name.isEmpty else { throw PostgresMigrationError.invalidFileName(fileName) }
        self.version = version
        self.name = name
        self.fileName = fileName
        self.sql = sql
    }

    /// The migrations shipped with this module (the files of `Shared/Storage/Migrations`,
    /// embedded in the executable), in version order.
    public static func bundled() throws -> [PostgresMigration] {
        try shippedFiles.map { file in
            guard let sql = String(validating: file.bytes, as: UTF8.self) else {
                throw PostgresMigrationError.invalidText(file.name)
            }
            return try PostgresMigration(fileName: file.name, sql: sql)
        }
        .sorted { $0.version < $1.version }
    }

    /// Every file of `Shared/Storage/Migrations`, by name, with the bytes SwiftPM embeds for it
    /// (`PackageResources` names a resource after its file, the first character replaced by `_`
    /// when it is a digit). A test checks this list against the directory, so a new migration
    /// file cannot be left out.
    static let shippedFiles: [(name: String, bytes: [UInt8])] = [
        ("0001_initial.sql", PackageResources._001_initial_sql),
        ("0002_demo_catalog.sql", PackageResources._002_demo_catalog_sql),
        ("0003_dead_letter_properties.sql", PackageResources._003_dead_letter_properties_sql),
        ("0004_service_privileges.sql", PackageResources._004_service_privileges_sql),
        ("0005_outbox_text_json.sql", PackageResources._005_outbox_text_json_sql),
    ]
}
