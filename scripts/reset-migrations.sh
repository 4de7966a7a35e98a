#!/usr/bin/env bash
# Deletes every migration of both providers and generates a single InitialCreate again.
# Only while nothing has shipped: a released database needs additive migrations instead.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf src/Flowdesk.Core/Persistence/Migrations/Sqlite src/Flowdesk.Core/Persistence/Migrations/Postgres
find src/Flowdesk.Core -name '*FlowdeskDbModelSnapshot.cs' -not -path '*/obj/*' -not -path '*/bin/*' -delete
exec scripts/add-migration.sh InitialCreate "$@"
