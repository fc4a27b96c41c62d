/// What a replay did, for its summary line and exit status.
struct ReplayTally: Sendable, Equatable {
    /// Rows published and marked replayed, in order.
    var replayed: [Int64] = []
    /// Rows whose publish or update failed (they stay as they were).
    var failed = 0
    /// Rows not replayed on purpose: taken by a concurrent replay or purge, no longer
    /// matching, or not reached because the run was interrupted.
    var skipped = 0

    /// `replayed 3, failed 0, skipped 0`.
    var summary: String {
        "replayed \(replayed.count), failed \(failed), skipped \(skipped)"
    }
}
