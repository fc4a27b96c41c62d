import Testing

/// Tests against a real PostgreSQL (see ``TestDatabase``). They run one at a time: some stop
/// and restart the server.
@Suite(.serialized) struct IntegrationTests {}
