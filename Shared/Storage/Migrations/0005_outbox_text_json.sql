-- The outbox keeps each event's envelope and AMQP properties as the JSON text the service
-- wrote (json, not jsonb). A relay publishes that text as it is: PostgreSQL no longer
-- converts it to its binary form on insert and renders it back on every claim, and the
-- message body is byte for byte the envelope the service encoded. The -> and ->> operators
-- work on json as on jsonb.

ALTER TABLE outbox ALTER COLUMN headers DROP DEFAULT;
ALTER TABLE outbox
    ALTER COLUMN envelope TYPE json USING envelope::json,
    ALTER COLUMN headers TYPE json USING headers::json;
ALTER TABLE outbox ALTER COLUMN headers SET DEFAULT '{}'::json;
COMMENT ON COLUMN outbox.envelope IS 'The CloudEvents envelope exactly as the service encoded it: the body the relay publishes.';
COMMENT ON COLUMN outbox.headers IS 'The AMQP properties to publish with (type, correlationID, traceparent) as a JSON object.';
