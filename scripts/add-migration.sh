#!/usr/bin/env bash
# Adds a migration named $1 for EACH database provider, so every schema change ships for both:
#   src/Flowdesk.Core/Persistence/Migrations/Sqlite    (namespace Flowdesk.Persistence.Migrations.Sqlite)
#   src/Flowdesk.Core/Persistence/Migrations/Postgres  (namespace Flowdesk.Persistence.Migrations.Postgres)
# The contexts come from the design-time factories in Persistence/DesignTimeFactories.cs; no database is needed.
# Usage: scripts/add-migration.sh <Name> [extra dotnet-ef options, e.g. -- -p:TreatWarningsAsErrors=false]
set -euo pipefail
cd "$(dirname "$0")/.."

name="${1:-}"
if [[ -z "$name" || "$name" == -* ]]; then
    echo "usage: scripts/add-migration.sh <MigrationName> [dotnet-ef options]" >&2
    exit 2
fi
shift

dotnet tool restore >/dev/null
# Build once; dotnet ef then runs with --no-build for each provider.
dotnet build src/Flowdesk.Cli -c Debug -nologo -v quiet "$@"

for provider in Sqlite Postgres; do
    echo "== $provider: $name"
    dotnet tool run dotnet-ef migrations add "$name" \
        --context "${provider}FlowdeskDb" \
        --project src/Flowdesk.Core \
        --startup-project src/Flowdesk.Cli \
        --output-dir "Persistence/Migrations/$provider" \
        --namespace "Flowdesk.Persistence.Migrations.$provider" \
        --no-build
    # dotnet ef derives the snapshot's folder from the namespace rather than --output-dir and puts a new
    # snapshot under src/Flowdesk.Core/Flowdesk/...; keep it beside its migrations (later runs update it in place).
    target="src/Flowdesk.Core/Persistence/Migrations/$provider"
    while IFS= read -r snapshot; do
        mv "$snapshot" "$target/"
        rmdir -p --ignore-fail-on-non-empty "$(dirname "$snapshot")" 2>/dev/null || true
    done < <(find src/Flowdesk.Core -name "${provider}FlowdeskDbModelSnapshot.cs" -not -path "$target/*" -not -path '*/obj/*' -not -path '*/bin/*')
done
# The generated files have to build under warnings-as-errors too.
dotnet build src/Flowdesk.Cli -c Debug -nologo -v quiet "$@"
echo "Added $name for Sqlite and Postgres."
