#!/usr/bin/env bash
# Deletes every migration of both providers and generates a single InitialCreate again.
# Only while nothing has shipped: a released database needs additive migrations instead.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf src/Flowdesk.Core/Persistence/Migrations/Sqlite src/Flowdesk.Core/Persistence/Migrations/Postgres
exec scripts/add-migration.sh InitialCreate "$@"
