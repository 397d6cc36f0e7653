#!/usr/bin/env bash
# Cold start: from launching the service binary to its first answered request (GET /health/live),
# with pre-generated code, against an already running PostgreSQL (so the database's own start, which a
# service with no database configured adds, is not counted).
# Usage: bench/cold-start.sh [runs] [build]
#   build = publish (default): a ReadyToRun publish, as the service is deployed (compose.yaml's image)
#   build = build: the plain `dotnet build` output that `dotnet run` uses
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-7}"
mode="${2:-publish}"
data="$(mktemp -d)"; chmod 755 "$data"
. bench/lib.sh
dll="$(service_dll "$mode" "$data")"
port=$(( 20000 + RANDOM % 10000 ))

# A database for the runs: the service's own local PostgreSQL, started once and left running.
export Mediation__LocalPostgres__DataDirectory="$data/pg"
ASPNETCORE_URLS="http://127.0.0.1:$port" dotnet "$dll" >"$data/first.log" 2>&1 &
first=$!
until curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null; do sleep 0.2; done
conn="$(grep -o 'Started PostgreSQL on 127.0.0.1:[0-9]*' "$data/first.log" | grep -o '[0-9]*$')"
password="$(cat "$data/pg/superuser.password")"
# Keep the cluster up after this service stops: start a second, configured run against it.
times=()
for i in $(seq 1 "$runs"); do
  p=$(( port + i ))
  start=$(date +%s%N)
  ConnectionStrings__Marten="Host=127.0.0.1;Port=$conn;Username=postgres;Password=$password;Database=mediation" \
    ASPNETCORE_URLS="http://127.0.0.1:$p" dotnet "$dll" >"$data/run$i.log" 2>&1 &
  pid=$!
  until curl -sf "http://127.0.0.1:$p/health/live" >/dev/null 2>&1; do sleep 0.01; done
  end=$(date +%s%N)
  ms=$(( (end - start) / 1000000 ))
  times+=("$ms")
  echo "run $i: ${ms} ms"
  kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
done
kill -TERM "$first"; wait "$first" 2>/dev/null || true
rm -rf "$data"
sorted=($(printf '%s\n' "${times[@]}" | sort -n))
echo "median cold start to first answer ($mode): ${sorted[$(( ${#sorted[@]} / 2 ))]} ms over $runs runs"
