#!/usr/bin/env bash
# Deletes every migration of both providers and generates a single InitialCreate again.
# Only while nothing has shipped: a released database needs additive migrations instead.
set -euo pipefail
cd "$(dirname "$0")/.."
# QueueIndexes holds hand-written SQL (expression and partial indexes EF cannot model): resetting would lose it.
if ls src/Flowdesk.Core/Persistence/Migrations/*/*_QueueIndexes.cs >/dev/null 2>&1 && [[ "${FORCE_RESET:-}" != 1 ]]; then
    echo "reset-migrations: hand-written migrations exist (QueueIndexes); add a migration instead (FORCE_RESET=1 to override)" >&2
    exit 2
fi
rm -rf src/Flowdesk.Core/Persistence/Migrations/Sqlite src/Flowdesk.Core/Persistence/Migrations/Postgres
find src/Flowdesk.Core -name '*FlowdeskDbModelSnapshot.cs' -not -path '*/obj/*' -not -path '*/bin/*' -delete
exec scripts/add-migration.sh InitialCreate "$@"
