#!/bin/sh
# Runs once, when the postgres volume is first initialised (/docker-entrypoint-initdb.d).
# The roles of docs/store.md, "Append-only that holds":
#   postgres        superuser (POSTGRES_USER): for the database's administrator, used by no service
#   frontback       owns the database and its public schema; `frontback migrate` connects as it
#   frontback_app   the runtime (app, worker): reads and appends the audit log, owns nothing;
#                   `frontback migrate --grant frontback_app` gives it its table privileges
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v db="$POSTGRES_DB" \
  -v owner_password="$FRONTBACK_OWNER_PASSWORD" \
  -v app_password="$FRONTBACK_APP_PASSWORD" <<'SQL'
CREATE ROLE frontback LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'owner_password';
CREATE ROLE frontback_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT PASSWORD :'app_password';
ALTER DATABASE :"db" OWNER TO frontback;
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
GRANT CONNECT ON DATABASE :"db" TO frontback, frontback_app;
-- PostgreSQL 15+ already: public belongs to pg_database_owner (now frontback), and PUBLIC may not create in it.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
SQL
