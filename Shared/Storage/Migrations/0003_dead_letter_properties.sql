-- dlq-replayer keeps each dead-lettered copy whole: with its AMQP properties next to its headers
-- and body, an operator's replay rebuilds the message faithfully.

ALTER TABLE dead_letters ADD COLUMN properties jsonb NOT NULL DEFAULT '{}'::jsonb;
COMMENT ON COLUMN dead_letters.properties IS 'The AMQP properties of the dead-lettered copy (message_id, type, correlation_id, content_type, timestamp, …) and the exchange and routing key it reached the DLQ with.';
COMMENT ON COLUMN dead_letters.headers IS 'The copy''s headers as JSON: strings, integers, booleans, arrays and tables as themselves; doubles, timestamps and byte strings as {"$double": …}, {"$timestamp": "…"}, {"$bytes": "base64"}.';
COMMENT ON COLUMN dead_letters.message_key IS 'md5 over queue, headers (without the broker''s x-delivery-count), properties and body: a redelivery of the same DLQ copy is a no-op (INSERT … ON CONFLICT DO NOTHING), a later dead-lettering of the same event (new conveyor-failed-at) is a new row.';

-- `dlq-replayer show EVENT-ID` and `--id EVENT-ID`.
CREATE INDEX dead_letters_event_idx ON dead_letters (event_id);
