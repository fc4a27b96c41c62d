-- Conveyor's tables. Amounts are integers in minor units (cents) with an ISO 4217 currency.

-- Orders and their history -------------------------------------------------------------

CREATE TABLE orders (
    id             uuid        PRIMARY KEY,
    customer_id    text        NOT NULL CHECK (length(customer_id) BETWEEN 1 AND 200),
    customer_name  text,
    customer_email text,
    currency       char(3)     NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    total_minor    bigint      NOT NULL CHECK (total_minor >= 0),
    status         text        NOT NULL DEFAULT 'PENDING'
                               CHECK (status IN ('PENDING', 'PROCESSING', 'PROCESSED', 'FAILED', 'CANCELLED')),
    failure_reason text,
    version        integer     NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    CHECK (updated_at >= created_at)
);
COMMENT ON TABLE orders IS 'One row per order; status changes are recorded in order_events.';
COMMENT ON COLUMN orders.total_minor IS 'Sum of the items at catalog prices, in minor units of currency.';
COMMENT ON COLUMN orders.version IS 'Incremented on every update, for optimistic concurrency.';
COMMENT ON COLUMN orders.failure_reason IS 'Why the order FAILED (out_of_stock, payment_declined, …).';

-- Keyset pagination: WHERE status = $1 AND (created_at, id) < ($2, $3) ORDER BY created_at DESC, id DESC.
CREATE INDEX orders_status_created_idx ON orders (status, created_at DESC, id DESC);
CREATE INDEX orders_customer_created_idx ON orders (customer_id, created_at DESC, id DESC);
CREATE INDEX orders_created_idx ON orders (created_at DESC, id DESC);

CREATE TABLE order_items (
    order_id         uuid    NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    line             integer NOT NULL CHECK (line >= 1),
    sku              text    NOT NULL,
    name             text    NOT NULL,
    qty              integer NOT NULL CHECK (qty BETWEEN 1 AND 1000),
    unit_price_minor bigint  NOT NULL CHECK (unit_price_minor >= 0),
    PRIMARY KEY (order_id, line)
);
COMMENT ON TABLE order_items IS 'The lines of an order, priced from catalog when the order was created.';
CREATE INDEX order_items_sku_idx ON order_items (sku);

CREATE TABLE order_events (
    id          bigserial   PRIMARY KEY,
    order_id    uuid        NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    from_status text,
    to_status   text        NOT NULL,
    step        text        NOT NULL,
    actor       text        NOT NULL,
    detail      jsonb,
    created_at  timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE order_events IS 'History of each order: who (actor = service) moved it from which status to which, at which step, and why.';
CREATE INDEX order_events_order_idx ON order_events (order_id, id);

-- Catalog, stock, reservations and payments ---------------------------------------------

CREATE TABLE catalog (
    sku              text    PRIMARY KEY CHECK (length(sku) BETWEEN 1 AND 64),
    name             text    NOT NULL,
    unit_price_minor bigint  NOT NULL CHECK (unit_price_minor >= 0),
    currency         char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$')
);
COMMENT ON TABLE catalog IS 'Products and their prices: order totals are computed from here, never taken from the client.';

CREATE TABLE inventory (
    sku       text    PRIMARY KEY REFERENCES catalog (sku),
    available integer NOT NULL CHECK (available >= 0)
);
COMMENT ON COLUMN inventory.available IS 'Units that can still be reserved; the CHECK makes overselling impossible.';

CREATE TABLE reservations (
    order_id   uuid        NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    sku        text        NOT NULL REFERENCES catalog (sku),
    qty        integer     NOT NULL CHECK (qty >= 1),
    status     text        NOT NULL DEFAULT 'reserved' CHECK (status IN ('reserved', 'released')),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (order_id, sku)
);
COMMENT ON TABLE reservations IS 'Stock held for an order; released when the order fails or is cancelled.';

CREATE TABLE payments (
    order_id           uuid        PRIMARY KEY REFERENCES orders (id) ON DELETE CASCADE,
    status             text        NOT NULL CHECK (status IN ('authorized', 'captured', 'declined', 'refunded')),
    amount_minor       bigint      NOT NULL CHECK (amount_minor >= 0),
    currency           char(3)     NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    provider_reference text,
    decline_reason     text,
    created_at         timestamptz NOT NULL DEFAULT now(),
    CHECK (status <> 'declined' OR decline_reason IS NOT NULL)
);
COMMENT ON TABLE payments IS 'The (mock) payment provider''s answer for each order.';

-- Messaging: transactional outbox and consumer inbox ------------------------------------

CREATE TABLE outbox (
    id           bigserial   PRIMARY KEY,
    event_id     uuid        NOT NULL UNIQUE,
    exchange     text        NOT NULL,
    routing_key  text        NOT NULL,
    envelope     jsonb       NOT NULL,
    headers      jsonb       NOT NULL DEFAULT '{}'::jsonb,
    created_at   timestamptz NOT NULL DEFAULT now(),
    published_at timestamptz,
    attempts     integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_error   text
);
COMMENT ON TABLE outbox IS 'Events committed with the change that caused them; the relay publishes unpublished rows (FOR UPDATE SKIP LOCKED) with confirms.';
CREATE INDEX outbox_unpublished_idx ON outbox (created_at, id) WHERE published_at IS NULL;
CREATE INDEX outbox_published_idx ON outbox (published_at) WHERE published_at IS NOT NULL;

CREATE TABLE inbox (
    consumer     text        NOT NULL,
    event_id     uuid        NOT NULL,
    processed_at timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    PRIMARY KEY (consumer, event_id),
    CHECK (expires_at > processed_at)
);
COMMENT ON TABLE inbox IS 'Events a consumer has handled; written in the handler''s transaction so a redelivery changes nothing. Purged after expires_at.';
CREATE INDEX inbox_expires_idx ON inbox (expires_at);

-- HTTP idempotency --------------------------------------------------------------------

CREATE TABLE idempotency_keys (
    key             text        PRIMARY KEY CHECK (length(key) BETWEEN 1 AND 255),
    request_hash    text        NOT NULL,
    response_status integer     CHECK (response_status BETWEEN 100 AND 599),
    response_body   jsonb,
    created_at      timestamptz NOT NULL DEFAULT now(),
    expires_at      timestamptz NOT NULL
);
COMMENT ON TABLE idempotency_keys IS 'Idempotency-Key header → hash of the request and the stored response (NULL while the first request is in flight).';
CREATE INDEX idempotency_keys_expires_idx ON idempotency_keys (expires_at);

-- Notifications -----------------------------------------------------------------------

CREATE TABLE notifications (
    event_id   uuid        NOT NULL,
    channel    text        NOT NULL,
    order_id   uuid        NOT NULL,
    recipient  text        NOT NULL,
    subject    text        NOT NULL,
    status     text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts   integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_error text,
    sent_at    timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (event_id, channel),
    CHECK (status <> 'sent' OR sent_at IS NOT NULL)
);
COMMENT ON TABLE notifications IS 'One row per event and channel (email, …); a redelivered event sends nothing once its row is sent.';
CREATE INDEX notifications_order_idx ON notifications (order_id);

-- Dead letters and their replays ------------------------------------------------------

CREATE TABLE dead_letters (
    id                  bigserial   PRIMARY KEY,
    message_key         text        NOT NULL UNIQUE,
    event_id            uuid,
    message_id          text,
    order_id            uuid,
    event_type          text,
    queue               text        NOT NULL,
    origin_queue        text,
    origin_routing_key  text,
    reason              text        NOT NULL,
    detail              text,
    attempts            integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    failed_at           timestamptz NOT NULL DEFAULT now(),
    headers             jsonb       NOT NULL DEFAULT '{}'::jsonb,
    body                bytea       NOT NULL,
    status              text        NOT NULL DEFAULT 'waiting' CHECK (status IN ('waiting', 'replayed', 'purged')),
    replay_count        integer     NOT NULL DEFAULT 0 CHECK (replay_count >= 0),
    last_replayed_at    timestamptz
);
COMMENT ON TABLE dead_letters IS 'Messages parked in a DLQ, with why they failed.';
COMMENT ON COLUMN dead_letters.message_key IS 'Stable identity of the dead-lettered message (queue, event id and failure time), so recording the same DLQ message twice is a no-op (INSERT … ON CONFLICT DO NOTHING).';
CREATE INDEX dead_letters_status_failed_idx ON dead_letters (status, failed_at DESC);
CREATE INDEX dead_letters_order_idx ON dead_letters (order_id);
CREATE INDEX dead_letters_reason_idx ON dead_letters (reason);

CREATE TABLE dlq_replays (
    id              bigserial   PRIMARY KEY,
    action          text        NOT NULL CHECK (action IN ('replay', 'purge')),
    dead_letter_ids bigint[]    NOT NULL DEFAULT '{}',
    filter          jsonb,
    actor           text        NOT NULL,
    destination     text,
    dry_run         boolean     NOT NULL DEFAULT false,
    message_count   integer     NOT NULL CHECK (message_count >= 0),
    at              timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE dlq_replays IS 'Audit trail: every replay or purge of dead letters, who did it, with which filter, to where.';
CREATE INDEX dlq_replays_at_idx ON dlq_replays (at DESC);
