#!/usr/bin/env bash
# An idle service is idle: the CPU the service process uses with no requests, averaged over a window,
# after it has started and settled (the projection daemon, Wolverine's durability agent and the
# scheduled jobs all running, as in production), on the service's own local PostgreSQL.
# Usage: bench/idle.sh [seconds] [build]
#   seconds = the measured window (default 60), after 30 s to settle
#   build = publish (default): the ReadyToRun publish the Dockerfile deploys; build: the Release build
# Prints the figure, and last `anchor ratios: idle-percent <percent of a core>` (target: under 2).
set -euo pipefail
cd "$(dirname "$0")/.."
window="${1:-60}"
mode="${2:-publish}"
data="$(mktemp -d)"; chmod 755 "$data"
. bench/lib.sh
dll="$(service_dll "$mode" "$data")"
port=$(( 20000 + RANDOM % 10000 ))

export Mediation__LocalPostgres__DataDirectory="$data/pg"
ASPNETCORE_ENVIRONMENT=Production ASPNETCORE_URLS="http://127.0.0.1:$port" dotnet "$dll" >"$data/service.log" 2>&1 &
pid=$!
trap 'kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; rm -rf "$data"' EXIT
until curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null; do sleep 0.2; done
sleep 30

# utime + stime of the process, in clock ticks (fields 14 and 15 of /proc/PID/stat).
ticks() { awk '{ print $14 + $15 }' "/proc/$pid/stat"; }
hz="$(getconf CLK_TCK)"
before="$(ticks)"; sleep "$window"; after="$(ticks)"
awk -v t=$(( after - before )) -v hz="$hz" -v w="$window" \
  'BEGIN { printf "idle service CPU over %d s: %.2f core-seconds, %.2f%% of a core (target: under 2%%)\nanchor ratios: idle-percent %.2f\n", w, t / hz, 100 * t / hz / w, 100 * t / hz / w }'
