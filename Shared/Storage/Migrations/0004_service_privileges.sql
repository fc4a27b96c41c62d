-- Least privilege for the services' database roles: each may use the tables it needs and no
-- other (the RabbitMQ definitions do the same for the broker). The roles come from
-- deploy/postgres/init; a role that does not exist (a single-role set-up) is skipped.
-- Everything earlier grants on these tables is taken back first, so this also narrows
-- databases set up when deploy/postgres/init granted every table to every service.
-- A later migration that adds a table grants it, the same way, to the services that need it.
DO $$
DECLARE
    grant_row record;
    service_role text;
    sequence_name text;
BEGIN
    FOREACH service_role IN ARRAY ARRAY['conveyor_api_gateway', 'conveyor_order_processor',
                                        'conveyor_notifier', 'conveyor_dlq_replayer'] LOOP
        IF EXISTS (SELECT FROM pg_roles WHERE rolname = service_role) THEN
            EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA %I FROM %I', current_schema(), service_role);
            EXECUTE format('REVOKE ALL ON ALL SEQUENCES IN SCHEMA %I FROM %I', current_schema(), service_role);
        END IF;
    END LOOP;

    FOR grant_row IN
        SELECT * FROM (VALUES
            -- every service checks the schema version at start-up
            ('conveyor_api_gateway',     'schema_migrations', 'SELECT'),
            ('conveyor_order_processor', 'schema_migrations', 'SELECT'),
            ('conveyor_notifier',        'schema_migrations', 'SELECT'),
            ('conveyor_dlq_replayer',    'schema_migrations', 'SELECT'),
            -- api-gateway: creates, reads and cancels orders; answers with their notifications
            -- and dead letters; prices from the catalog; writes order.created/order.cancelled
            ('conveyor_api_gateway', 'orders',           'SELECT, INSERT, UPDATE'),
            ('conveyor_api_gateway', 'order_items',      'SELECT, INSERT'),
            ('conveyor_api_gateway', 'order_events',     'SELECT, INSERT'),
            ('conveyor_api_gateway', 'idempotency_keys', 'SELECT, INSERT, UPDATE, DELETE'),
            ('conveyor_api_gateway', 'catalog',          'SELECT'),
            ('conveyor_api_gateway', 'notifications',    'SELECT'),
            ('conveyor_api_gateway', 'dead_letters',     'SELECT'),
            ('conveyor_api_gateway', 'outbox',           'SELECT, INSERT, UPDATE, DELETE'),
            -- order-processor: reserves, charges and fulfils; its inbox; order.processed/failed
            ('conveyor_order_processor', 'orders',       'SELECT, UPDATE'),
            ('conveyor_order_processor', 'order_items',  'SELECT'),
            ('conveyor_order_processor', 'order_events', 'SELECT, INSERT'),
            ('conveyor_order_processor', 'catalog',      'SELECT'),
            ('conveyor_order_processor', 'inventory',    'SELECT, UPDATE'),
            ('conveyor_order_processor', 'reservations', 'SELECT, INSERT, UPDATE, DELETE'),
            ('conveyor_order_processor', 'payments',     'SELECT, INSERT, UPDATE'),
            ('conveyor_order_processor', 'inbox',        'SELECT, INSERT, UPDATE, DELETE'),
            ('conveyor_order_processor', 'outbox',       'SELECT, INSERT, UPDATE, DELETE'),
            -- notifier: one row per e-mail
            ('conveyor_notifier', 'notifications', 'SELECT, INSERT, UPDATE'),
            -- dlq-replayer: the dead letters and the audit of replays and purges
            ('conveyor_dlq_replayer', 'dead_letters', 'SELECT, INSERT, UPDATE'),
            ('conveyor_dlq_replayer', 'dlq_replays',  'SELECT, INSERT')
        ) AS wanted(role_name, table_name, privileges)
        WHERE EXISTS (SELECT FROM pg_roles WHERE rolname = wanted.role_name)
    LOOP
        EXECUTE format('GRANT %s ON TABLE %I TO %I', grant_row.privileges, grant_row.table_name, grant_row.role_name);
        IF grant_row.privileges LIKE '%INSERT%' AND EXISTS (
            SELECT FROM pg_attribute
             WHERE attrelid = format('%I', grant_row.table_name)::regclass AND attname = 'id' AND NOT attisdropped
        ) THEN
            sequence_name := pg_get_serial_sequence(format('%I', grant_row.table_name), 'id');
            IF sequence_name IS NOT NULL THEN
                EXECUTE format('GRANT USAGE ON SEQUENCE %s TO %I', sequence_name, grant_row.role_name);
            END IF;
        END IF;
    END LOOP;
END
$$;
