import Foundation

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

    /// The migrations shipped with this module (`Shared/Storage/Migrations`), in version order.
    public static func bundled() throws -> [PostgresMigration] {
        guard let directory = Bundle.module.url(forResource: "Migrations", withExtension: nil) else {
            throw PostgresMigrationError.missingResources
        }
        return try load(from: directory)
    }

    /// Reads every `*.sql` file in `directory`, in version order.
    public static func load(from directory: URL) throws -> [PostgresMigration] {
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".sql") }
        let migrations = try files.map { file in
            try PostgresMigration(
                fileName: file,
                sql: String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            )
        }
        return migrations.sorted { $0.version < $1.version }
    }
}
