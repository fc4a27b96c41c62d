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

-- Tables: the migrations grant each service role the tables it needs and no other
-- (Shared/Storage/Migrations/0004_service_privileges.sql). Nothing is granted by default, so
-- a new table is no service's until a migration says so. (Earlier versions of this file
-- granted every table to every service by default; that is taken back here.)
ALTER DEFAULT PRIVILEGES FOR ROLE conveyor
  REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLES
    FROM conveyor_api_gateway, conveyor_order_processor, conveyor_notifier, conveyor_dlq_replayer;
ALTER DEFAULT PRIVILEGES FOR ROLE conveyor
  REVOKE USAGE, SELECT ON SEQUENCES
    FROM conveyor_api_gateway, conveyor_order_processor, conveyor_notifier, conveyor_dlq_replayer;
-- Schemas conveyor creates (DATABASE_SCHEMA) are usable by the services.
ALTER DEFAULT PRIVILEGES FOR ROLE conveyor
  GRANT USAGE ON SCHEMAS
   TO conveyor_api_gateway, conveyor_order_processor, conveyor_notifier, conveyor_dlq_replayer;
