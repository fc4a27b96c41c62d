-- Privileges inside the conveyor database. Runs after 10-conveyor-roles.sh, as a superuser;
-- idempotent, like every file here.
\connect conveyor

-- Only Conveyor's roles connect (the owner always may).
REVOKE ALL ON DATABASE conveyor FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE conveyor
   TO conveyor_api_gateway, conveyor_order_processor, conveyor_notifier, conveyor_dlq_replayer;

-- conveyor owns the schema and creates every table (the migrations run as conveyor);
-- the service roles can use the schema but create nothing in it.
ALTER SCHEMA public OWNER TO conveyor;
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public
   TO conveyor_api_gateway, conveyor_order_processor, conveyor_notifier, conveyor_dlq_replayer;

-- What conveyor creates, the service roles may read and write. This is the broad baseline:
-- per-service grants on individual tables narrow it.
ALTER DEFAULT PRIVILEGES FOR ROLE conveyor
  GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES
   TO conveyor_api_gateway, conveyor_order_processor, conveyor_notifier, conveyor_dlq_replayer;
ALTER DEFAULT PRIVILEGES FOR ROLE conveyor
  GRANT USAGE, SELECT ON SEQUENCES
   TO conveyor_api_gateway, conveyor_order_processor, conveyor_notifier, conveyor_dlq_replayer;
ALTER DEFAULT PRIVILEGES FOR ROLE conveyor
  GRANT USAGE ON SCHEMAS
   TO conveyor_api_gateway, conveyor_order_processor, conveyor_notifier, conveyor_dlq_replayer;
