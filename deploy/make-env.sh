#!/bin/sh
# Prints a .env for compose.yaml with fresh random secrets, for a first run on the
# sandboxes:   deploy/make-env.sh > .env && docker compose up -d
# Each secret is 32 random bytes as hex (256 bits). The HubSpot token and Odoo key are
# random too: the sandboxes are started with them (--token, --api-key), since frontback
# refuses the sandboxes' published fakes outside the demo. Replace them, with
# HUBSPOT_BASE_URL and ODOO_BASE_URL, to sync real systems (docs/deploy.md). Never commit
# the result.
set -eu
secret() { od -An -tx1 -N32 /dev/urandom | tr -d ' \n'; }
cat <<ENV
# Written by deploy/make-env.sh on $(date -u +%Y-%m-%dT%H:%M:%SZ). Keep it private; never commit it.
# Start the HubSpot and Odoo sandboxes too; remove this line when syncing real systems.
COMPOSE_PROFILES=sandboxes
POSTGRES_PASSWORD=$(secret)
FRONTBACK_OWNER_PASSWORD=$(secret)
FRONTBACK_APP_PASSWORD=$(secret)
FRONTBACK_ADMIN_TOKEN=$(secret)
FRONTBACK_METRICS_TOKEN=$(secret)
HUBSPOT_TOKEN=$(secret)
HUBSPOT_CLIENT_SECRET=$(secret)
ODOO_API_KEY=$(secret)
ODOO_WEBHOOK_TOKEN=$(secret)
ENV
