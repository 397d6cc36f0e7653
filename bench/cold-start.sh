#!/usr/bin/env bash
# Cold start: from launching the service binary to its first answered request (GET /health/live),
# with pre-generated code, against an already running PostgreSQL (so the database's own start, which a
# service with no database configured adds, is not counted), beside the same figure for the bare
# endpoint (bench/Mediation.Ceiling, to its first answered GET /health; it too opens a connection and
# runs a statement before it listens), built the same way and launched alternately with the service in
# the same runs: an absolute figure moves with the machine, the ratio much less.
# Usage: bench/cold-start.sh [runs] [build]
#   build = publish (default): a ReadyToRun publish, as the service is deployed (compose.yaml's image)
#   build = build: the plain `dotnet build` output that `dotnet run` uses
# Prints each run, the medians, and last `anchor ratios: cold-start <service / bare>` (target: at most 2.0).
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-7}"
mode="${2:-publish}"
data="$(mktemp -d)"; chmod 755 "$data"
. bench/lib.sh
dll="$(service_dll "$mode" "$data")"
bare_dll="$(ceiling_dll "$mode" "$data")"
port=$(( 20000 + RANDOM % 10000 ))

# A database for the runs: the service's own local PostgreSQL, started once and left running.
export Mediation__LocalPostgres__DataDirectory="$data/pg"
ASPNETCORE_URLS="http://127.0.0.1:$port" dotnet "$dll" >"$data/first.log" 2>&1 &
first=$!
until curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null; do sleep 0.2; done
conn="$(grep -o 'Started PostgreSQL on 127.0.0.1:[0-9]*' "$data/first.log" | grep -o '[0-9]*$')"
password="$(cat "$data/pg/superuser.password")"
connection="Host=127.0.0.1;Port=$conn;Username=postgres;Password=$password;Database=mediation"

# Launches a dll with the environment given and prints the milliseconds until the URL first answers.
time_to_answer() { # $1: dll, $2: URL, $3: log, then the environment
  local dll="$1" url="$2" log="$3"; shift 3
  local start end pid
  start=$(date +%s%N)
  env "$@" dotnet "$dll" >"$log" 2>&1 &
  pid=$!
  until curl -sf "$url" >/dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; exit 1; }; sleep 0.01
  done
  end=$(date +%s%N)
  kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
  echo $(( (end - start) / 1000000 ))
}
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int(NR / 2) + 1] }'; }

# Keep the cluster up after the first service stops: each run starts another, configured against it.
service_times=(); bare_times=()
for i in $(seq 1 "$runs"); do
  p=$(( port + 2 * i - 1 )); b=$(( port + 2 * i ))
  s_ms="$(time_to_answer "$dll" "http://127.0.0.1:$p/health/live" "$data/run$i.log" \
    ConnectionStrings__Marten="$connection" ASPNETCORE_URLS="http://127.0.0.1:$p")"
  b_ms="$(time_to_answer "$bare_dll" "http://127.0.0.1:$b/health" "$data/bare$i.log" \
    ConnectionStrings__Ceiling="$connection" ASPNETCORE_URLS="http://127.0.0.1:$b")"
  service_times+=("$s_ms"); bare_times+=("$b_ms")
  echo "run $i: service ${s_ms} ms, bare ${b_ms} ms"
done
kill -TERM "$first"; wait "$first" 2>/dev/null || true
rm -rf "$data"
service_median="$(median "${service_times[@]}")"; bare_median="$(median "${bare_times[@]}")"
echo "median cold start to first answer ($mode, $runs runs): service ${service_median} ms, bare endpoint ${bare_median} ms"
ratio="$(awk -v s="$service_median" -v b="$bare_median" 'BEGIN { printf "%.2f", s / b }')"
echo "cold start service / bare: $ratio (target: at most 2.0)"
echo "anchor ratios: cold-start $ratio"
