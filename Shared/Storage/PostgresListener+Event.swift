extension PostgresListener {
    /// What a ``PostgresListener`` reports through ``PostgresListener/events``.
    public enum Event: Sendable, Equatable {
        /// The first connection is up and LISTENs on every channel.
        case connected
        /// The connection was lost and is back, LISTENing again. Notifications sent
        /// meanwhile are lost: look at the database for work that may have been missed.
        case reconnected
        /// A notification arrived.
        case notification(PostgresNotification)
    }
}
