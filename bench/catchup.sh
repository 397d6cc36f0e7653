#!/usr/bin/env bash
# Daemon catch-up: how fast the statistics projection works off events it has not seen yet.
# Needs a data folder that bench/stats.sh has seeded. Once per folder it prepares a backlog beside
# it (<data>/catchup-base): a copy of the data and 20% more cases seeded with the daemon off, so that
# only the daemon is behind.
# Each round then starts the service on a fresh copy of that backlog and times the daemon from its
# first step to the high-water mark.
# Usage: [BUILD=publish] [ROUNDS=3] bench/catchup.sh [cases=100000] [data folder=/var/tmp/mediation-bench-<cases>]
set -euo pipefail
cd "$(dirname "$0")/.."
cases="${1:-100000}"
data="${2:-/var/tmp/mediation-bench-$cases}"
[ -f "$data/seeded" ] || { echo "catchup: $data is not seeded; run bench/stats.sh $cases $data first" >&2; exit 2; }
port=$(( 20000 + RANDOM % 10000 ))
export Mediation__BootstrapAdminPassword="bench-admin-password" Logging__LogLevel__Marten=Warning Logging__LogLevel__Default=Warning Logging__LogLevel__Mediation=Information

. bench/lib.sh
service="dotnet $(service_dll "${BUILD:-release}" "$data")"

pid=""
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; wait 2>/dev/null' EXIT
start_service() { # $1: folder, then extra environment; waits until PostgreSQL is up and sets pg_port
  port=$(( 20000 + RANDOM % 10000 ))
  local folder="$1"; shift
  # exec: $pid is the service itself, so stopping it stops the service (and its PostgreSQL), not a shell.
  (cd "$folder" && exec env Mediation__LocalPostgres__DataDirectory="$folder/.mediation/postgres" ASPNETCORE_URLS="http://127.0.0.1:$port" "$@" $service >"$folder/service.log" 2>&1) &
  pid=$!
  until grep -aq 'Started PostgreSQL on' "$folder/service.log" 2>/dev/null; do
    kill -0 "$pid" 2>/dev/null || { echo "catchup: the service stopped; see $folder/service.log" >&2; exit 1; }
    sleep 0.05
  done
  pg_port="$(grep -ao 'Started PostgreSQL on 127.0.0.1:[0-9]*' "$folder/service.log" | grep -o '[0-9]*$')"
}
stop_service() { kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""; }
psql_() { PGPASSWORD="$(cat "$folder/.mediation/postgres/superuser.password")" psql -h 127.0.0.1 -p "$pg_port" -U postgres -d mediation -Atc "$1"; }

base="$data/catchup-base"
if [ ! -f "$base/prepared" ]; then
  rm -rf "$base"; mkdir -p "$base"; chmod 755 "$base"; cp -a "$data/.mediation" "$base/"
  folder="$base"
  extra=$(( cases / 5 ))
  echo "Preparing the backlog: $extra more cases with the daemon off…"
  (cd "$base" && Mediation__LocalPostgres__DataDirectory="$base/.mediation/postgres" Mediation__ProjectionDaemon=Disabled \
    $service seed --cases "$extra" --seed 2 --until 2026-10-31 --parallel 8 | grep -a "Seeded" || true)
  # A year seeded in minutes leaves the deadline of nearly every case overdue at once; in a county
  # they fire one by one as the year passes. Here the service would deliver them 100 per poll during
  # the measurement (appending DeadlineBreached events and competing with the daemon), so the backlog
  # keeps only the deadlines still ahead: what the daemon is timed on is the same either way.
  start_service "$base" Mediation__ProjectionDaemon=Disabled
  until curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null; do sleep 0.2; done
  echo "overdue deadline messages dropped from the backlog: $(psql_ "with d as (delete from wolverine.wolverine_incoming_envelopes where message_type = 'Mediation.Cases.Deadlines.DeadlineDue' and status = 'Scheduled' and execution_time < now() returning 1) select count(*) from d")"
  stop_service
  touch "$base/prepared"
fi

# The backlog is brought to this build's schema before the rounds, once per build: a migration (an
# added column is filled in for every stored row) and the vacuum after it are an upgrade's one-off
# work, not the daemon's, and each round would otherwise redo them beside the daemon.
build_stamp="$(sha256sum "${service#dotnet }" | cut -d' ' -f1)"
if [ "$(cat "$base/migrated-by" 2>/dev/null)" != "$build_stamp" ]; then
  folder="$base"
  start_service "$base" Mediation__ProjectionDaemon=Disabled
  until curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null; do sleep 0.2; done
  psql_ "vacuum analyze" >/dev/null
  stop_service
  echo "$build_stamp" > "$base/migrated-by"
fi

folder="$data/catchup-run"
for round in $(seq 1 "${ROUNDS:-3}"); do
  rm -rf "$folder"; mkdir -p "$folder"; chmod 755 "$folder"; cp -a "$base/.mediation" "$folder/"
  start_service "$folder"
  [ "$round" = 1 ] && echo "## Daemon catch-up (PostgreSQL as the service starts it: fsync=$(psql_ "show fsync"), shared_buffers=$(psql_ "show shared_buffers"); $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f", $2 / 1048576}' /proc/meminfo) GiB)"
  progress() { psql_ "select coalesce((select last_seq_id from mediation.mt_event_progression where name = 'Statistics:All'), 0) || ' ' || (select max(seq_id) from mediation.mt_events) || ' ' || extract(epoch from clock_timestamp())" 2>/dev/null || true; }
  first=""; start=""; last=""; quarter=""
  while true; do
    read -r done high now <<<"$(progress)" || true
    if [ -n "${done:-}" ]; then
      [ -z "$first" ] && first="$done"
      # The clock starts at the last look before the daemon's first step.
      [ -z "$start" ] && [ "$done" != "$first" ] && start="$last" && began="$first"
      # Past the first quarter of the backlog the service's own start-up work (JIT, Wolverine's
      # stored messages) is behind it: the rate from there on is the daemon's steady one.
      [ -n "$start" ] && [ -z "$quarter" ] && [ $(( (done - began) * 4 )) -ge $(( high - began )) ] && quarter="$now" && quarter_done="$done"
      last="$now"
      if [ -n "$start" ] && [ "$done" -ge "$high" ]; then
        hwm=$(awk '/VmHWM/ {print int($2 / 1024)}' /proc/$pid/status)
        awk -v r="$round" -v n="$(( done - began ))" -v s="$start" -v e="$now" -v qn="$(( done - quarter_done ))" -v q="$quarter" -v m="$hwm" \
          'BEGIN { printf "round %d: %d events in %.2f s: %.0f events/s from the daemon'"'"'s first step; %.0f events/s over the last three quarters; service peak memory %d MB\n", r, n, e - s, n / (e - s), qn / (e - q), m }'
        break
      fi
    fi
    kill -0 "$pid" 2>/dev/null || { echo "catchup: the service stopped; see $folder/service.log" >&2; exit 1; }
    sleep 0.1
  done
  stop_service
done
rm -rf "$folder"
