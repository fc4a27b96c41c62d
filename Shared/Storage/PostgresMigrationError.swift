/// Why migrations could not be applied. Each case names the file or version concerned.
public enum PostgresMigrationError: Error, Equatable, CustomStringConvertible {
    /// A file name is not `NNNN_description.sql`.
    case invalidFileName(String)
    /// A file's text is not UTF-8.
    case invalidText(String)
    /// Two files share a version.
    case duplicateVersion(Int, files: [String])
    /// An applied migration's file changed since it was applied.
    case checksumMismatch(fileName: String, applied: String, current: String)
    /// The database records a version no file has.
    case unknownAppliedVersion(Int, name: String)
    /// A file's version is below the newest applied one but was never applied.
    case outOfOrder(fileName: String, latestApplied: Int)
    /// A migration's SQL failed; nothing of it was applied.
    case failed(fileName: String, PostgresError)

    public var description: String {
        switch self {
        case .invalidFileName(let file):
            "migration file \"\(file)\" is not named NNNN_description.sql"
        case .invalidText(let file):
            "migration file \"\(file)\" is not UTF-8 text"
        case .duplicateVersion(let version, let files):
            "migration version \(version) is used by several files: \(files.joined(separator: ", "))"
        case .checksumMismatch(let file, let applied, let current):
            "migration \(file) was changed after it was applied (checksum \(applied) applied, \(current) now); add a new migration instead"
        case .unknownAppliedVersion(let version, let name):
            "the database has migration \(version) (\(name)) applied, but no file has that version"
        case .outOfOrder(let file, let latest):
            "migration \(file) was never applied but is older than the newest applied version \(latest)"
        case .failed(let file, let error):
            "migration \(file) failed: \(error)"
        }
    }
}
