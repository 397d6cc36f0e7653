#!/usr/bin/env bash
# The benchmark, in one run on one machine: the write path against the stack's minimal command endpoint
# (bench/Mediation.Peer) and its ceiling, pgbench, then the
# statistics/reports/projection parts (bench/stats.sh), the cold start (bench/cold-start.sh) and the
# idle service's CPU (bench/idle.sh).
# Usage: bench/run.sh [--smoke] [--write-only]
#   full (default): write path 20 s per concurrency at 1/8/32 clients and 20 s at 500 commands/s,
#     pgbench 20 s per concurrency, stats.sh at 100,000 cases (seeded once, kept in
#     /var/tmp/mediation-bench-100000), cold start over 7 runs.
#   --smoke: tiny sizes, about two minutes (the test suite runs the write path's own smoke test).
#   --write-only: the write path and pgbench only.
# Environment: WRITE_CASES (cases seeded before the write path, default 2000), SECONDS_PER_RUN,
#   CLIENTS (1,8,32), RATE (500), PROFILE=1 (pg_stat_statements on, top statements printed after
#   the write path), KEEP=1 (keep the write path's data folder), STATS_DATA (stats.sh's data folder),
#   SERVICE_BIN (a folder holding another build's Mediation.dll, for alternating A/B runs of two builds
#   on one template; the client, the peer and the ceiling are still built from this tree), SERVICE_ENV (extra
#   environment for the service only, e.g. "DOTNET_gcServer=0").
# Results: printed, and the tables written to bench/results/latest.md, replacing the previous run's
#   (git-ignored: docs/benchmarks.md keeps the figures of the reference run). Unless --write-only, the
#   last line is `anchor ratios: rebuild <r> export-xlsx <r> export-csv <r> cold-start <r> idle-percent <p>`
#   (each figure over its anchor timed in the same run; docs/benchmarks.md names them).
set -euo pipefail
cd "$(dirname "$0")/.."
smoke=0; write_only=0
for a in "$@"; do case "$a" in --smoke) smoke=1 ;; --write-only) write_only=1 ;; *) echo "unknown option $a" >&2; exit 2 ;; esac; done
if [ $smoke = 1 ]; then
  cases="${WRITE_CASES:-50}"; secs="${SECONDS_PER_RUN:-2}"; clients="${CLIENTS:-1,4}"; rate="${RATE:-50}"; stats_cases=300; cold_runs=1
else
  cases="${WRITE_CASES:-2000}"; secs="${SECONDS_PER_RUN:-20}"; clients="${CLIENTS:-1,8,32}"; rate="${RATE:-500}"; stats_cases=100000; cold_runs=7
fi
# In this checkout, so that runs of different checkouts on one machine do not overwrite each other.
results_dir="$PWD/bench/results"; mkdir -p "$results_dir"; results="$results_dir/latest.md"

echo "Building (Release)…"
. bench/lib.sh
dll="$(service_dll release)"
dotnet build bench/Mediation.Bench -c Release -v q -nologo >/dev/null
dotnet build bench/Mediation.Ceiling -c Release -v q -nologo >/dev/null
dotnet build bench/Mediation.Peer -c Release -v q -nologo >/dev/null
service="dotnet ${SERVICE_BIN:-$(dirname "$dll")}/Mediation.dll"
client="dotnet $PWD/bench/Mediation.Bench/bin/Release/net10.0/Mediation.Bench.dll"
ceiling="dotnet $PWD/bench/Mediation.Ceiling/bin/Release/net10.0/Mediation.Ceiling.dll"
peer="dotnet $PWD/bench/Mediation.Peer/bin/Release/net10.0/Mediation.Peer.dll"

# The write path's database: the service's own local PostgreSQL (as bench/stats.sh and the service
# run it), seeded once per size through the seed command; each run works on a fresh copy so that
# runs compare.
template="/var/tmp/mediation-bench-write-$cases"
mkdir -p "$template"; chmod 755 "$template"
# The service's own logging settings (appsettings.json), as deployed.
export Mediation__BootstrapAdminPassword="bench-admin-password"
if [ ! -f "$template/seeded" ]; then
  echo "Seeding $cases cases (seed 1)…"
  (cd "$template" && Mediation__LocalPostgres__DataDirectory="$template/.mediation/postgres" $service seed --cases "$cases" --seed 1 --until 2026-10-31 --parallel 8 | grep -a "Seeded" || true)
  touch "$template/seeded"
fi
data="$(mktemp -d /var/tmp/mediation-bench-write-run.XXXXXX)"; chmod 755 "$data"
cp -a "$template/.mediation" "$data/"
export Mediation__LocalPostgres__DataDirectory="$data/.mediation/postgres"
pgdata="$data/.mediation/postgres"

pid=""; ceiling_pid=""; peer_pid=""
cleanup() {
  [ -n "$ceiling_pid" ] && kill "$ceiling_pid" 2>/dev/null; [ -n "$peer_pid" ] && kill "$peer_pid" 2>/dev/null
  [ -n "$pid" ] && kill "$pid" 2>/dev/null
  wait 2>/dev/null || true
  [ "${KEEP:-0}" = 1 ] || rm -rf "$data"
}
trap cleanup EXIT

port=$(( 20000 + RANDOM % 10000 )); ceiling_port=$(( port + 1 )); peer_port=$(( port + 2 ))
start_service() {
  # From its own folder, as deployed (the Dockerfile's WORKDIR): the content root holds appsettings.json
  # and its log levels; from elsewhere every request would log six lines at Information.
  (cd "$(dirname "${service#dotnet }")" && ASPNETCORE_URLS="http://127.0.0.1:$port" exec env ${SERVICE_ENV:-} $service) >"$data/service.log" 2>&1 &
  pid=$!
  until curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null; do
    kill -0 $pid 2>/dev/null || { cat "$data/service.log"; exit 1; }; sleep 0.2
  done
  pg_port="$(grep -ao 'Started PostgreSQL on 127.0.0.1:[0-9]*' "$data/service.log" | grep -o '[0-9]*$')"
}
start_service
password="$(cat "$pgdata/superuser.password")"
psql_() { PGPASSWORD="$password" psql -h 127.0.0.1 -p "$pg_port" -U postgres -d mediation -Atc "$1"; }
if [ "${PROFILE:-0}" = 1 ]; then
  # pg_stat_statements needs loading at server start: set it, then restart the service (and its PostgreSQL).
  psql_ "alter system set shared_preload_libraries = 'pg_stat_statements'" >/dev/null
  # Time spent in each function (Marten's append function among them), for the profile.
  psql_ "alter system set track_functions = 'all'" >/dev/null
  kill $pid; wait $pid 2>/dev/null || true
  start_service
  psql_ "create extension if not exists pg_stat_statements" >/dev/null
fi
# The peer in its own schema of the same database, seeded with as many cases (each a filing and six
# commands) before the statistics are gathered; it answers once seeded.
ConnectionStrings__Peer="Host=127.0.0.1;Port=$pg_port;Username=postgres;Password=$password;Database=mediation" Peer__SeedCases="$cases" \
  ASPNETCORE_URLS="http://127.0.0.1:$peer_port" $peer >"$data/peer.log" 2>&1 &
peer_pid=$!
until curl -sf "http://127.0.0.1:$peer_port/health" >/dev/null; do
  kill -0 $peer_pid 2>/dev/null || { cat "$data/peer.log"; exit 1; }; sleep 0.2
done
psql_ "vacuum analyze" >/dev/null

ConnectionStrings__Ceiling="Host=127.0.0.1;Port=$pg_port;Username=postgres;Password=$password;Database=mediation" \
  ASPNETCORE_URLS="http://127.0.0.1:$ceiling_port" $ceiling >"$data/ceiling.log" 2>&1 &
ceiling_pid=$!
until curl -sf "http://127.0.0.1:$ceiling_port/health" >/dev/null; do
  kill -0 $ceiling_pid 2>/dev/null || { cat "$data/ceiling.log"; exit 1; }; sleep 0.2
done

machine="$(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(. /etc/os-release && echo "$PRETTY_NAME"), .NET $(dotnet --version)"
pg_settings="PostgreSQL $(psql_ "show server_version" | cut -d' ' -f1): fsync=$(psql_ "show fsync"), synchronous_commit=$(psql_ "show synchronous_commit"), shared_buffers=$(psql_ "show shared_buffers"), max_connections=$(psql_ "show max_connections")"
{
  echo "# Benchmark run $(date -u +%Y-%m-%dT%H:%MZ)$([ $smoke = 1 ] && echo ' (smoke sizes)')"
  echo
  echo "$machine; $pg_settings. Commit $(git rev-parse --short HEAD)$(git diff --quiet || echo ' (with local changes)')."
  echo
  echo "## Write path: case commands over HTTP (${secs} s per row, $cases cases seeded first) against the stack's minimal command endpoint (peer) and the bare endpoint"
  echo
} | tee "$results"

[ "${PROFILE:-0}" = 1 ] && psql_ "select pg_stat_statements_reset(), pg_stat_reset()" >/dev/null
set +e
$client write --url "http://127.0.0.1:$port" --peer "http://127.0.0.1:$peer_port" --ceiling "http://127.0.0.1:$ceiling_port" --clients "$clients" --seconds "$secs" \
  --rate "$rate" --rate-seconds "$secs" --pid "$pid" --peer-pid "$peer_pid" | tee -a "$results"
write_status=${PIPESTATUS[0]}
set -e
if [ "${PROFILE:-0}" = 1 ]; then
  echo; echo "## pg_stat_statements after the write path (top 15 by total time)"
  psql_ "select round(total_exec_time::numeric, 0) || ' ms | ' || calls || ' calls | ' || round(mean_exec_time::numeric, 3) || ' ms | ' || left(regexp_replace(query, '\s+', ' ', 'g'), 160) from pg_stat_statements order by total_exec_time desc limit 15"
  echo; echo "## Functions after the write path (total ms | self ms | calls | name)"
  psql_ "select round(total_time::numeric, 0) || ' | ' || round(self_time::numeric, 0) || ' | ' || calls || ' | ' || schemaname || '.' || funcname from pg_stat_user_functions order by total_time desc limit 8"
fi
kill $ceiling_pid $peer_pid; wait $ceiling_pid $peer_pid 2>/dev/null || true; ceiling_pid=""; peer_pid=""

# pgbench: one row of the write path's filing body per transaction, into the ceiling's table.
body="$($client body)"
printf "insert into bench_ceiling (body) values ('%s');\n" "${body//\'/\'\'}" > "$data/insert.sql"
{
  echo
  echo "## Database ceiling: pgbench, one $(printf %s "$body" | wc -c)-byte jsonb row per transaction (${secs} s per row)"
  echo
  echo "| clients | inserts/s | latency avg ms |"
  echo "|---|---|---|"
} | tee -a "$results"
for c in ${clients//,/ }; do
  out="$(PGPASSWORD="$password" /usr/lib/postgresql/15/bin/pgbench -h 127.0.0.1 -p "$pg_port" -U postgres -n -f "$data/insert.sql" -c "$c" -j "$c" -T "$secs" mediation 2>&1)"
  echo "| $c | $(grep -o 'tps = [0-9.]*' <<<"$out" | head -1 | cut -d' ' -f3 | cut -d. -f1) | $(grep -o 'latency average = [0-9.]*' <<<"$out" | cut -d' ' -f4) |" | tee -a "$results"
done
kill $pid; wait $pid 2>/dev/null || true; pid=""

if [ $write_only = 0 ]; then
  # Each part ends with its own `anchor ratios:` line; the run gathers them into one at the end.
  parts="$data/parts.out"; : >"$parts"
  echo | tee -a "$results"
  echo "## Statistics, reports and projections: bench/stats.sh $stats_cases" | tee -a "$results"
  if [ $smoke = 1 ]; then
    stats_data="$(mktemp -d /var/tmp/mediation-bench-smoke.XXXXXX)"
    ROUNDS=3 bench/stats.sh "$stats_cases" "$stats_data" 2>&1 | tee -a "$results" "$parts"; rm -rf "$stats_data"
  else
    # STATS_DATA: another data folder than stats.sh's default (one shared by everyone's runs on this machine).
    bench/stats.sh "$stats_cases" ${STATS_DATA:+"$STATS_DATA"} 2>&1 | tee -a "$results" "$parts"
  fi
  echo | tee -a "$results"
  echo "## Cold start: bench/cold-start.sh $cold_runs, against the bare endpoint's" | tee -a "$results"
  bench/cold-start.sh "$cold_runs" $([ $smoke = 1 ] && echo build || echo publish) 2>&1 | tail -n 3 | tee -a "$results" "$parts"
  echo | tee -a "$results"
  echo "## Idle: bench/idle.sh" | tee -a "$results"
  bench/idle.sh $([ $smoke = 1 ] && echo "5 build" || echo "60 publish") 2>&1 | tail -n 2 | tee -a "$results" "$parts"
  echo | tee -a "$results"
  echo "anchor ratios:$(grep -a '^anchor ratios:' "$parts" | sed 's/^anchor ratios://' | tr -d '\n')" | tee -a "$results"
fi
echo; echo "Results: $results"
exit "$write_status"
