#!/usr/bin/env bash
# Statistics read model at county scale: seeds N cases through the seed command (once per data
# folder), then measures settlement and backlog query latency over HTTP, the report files, a full
# rebuild of the projection and the daemon's catch-up. Two figures are set beside an anchor timed in
# the same sitting, since an absolute figure moves with the machine: the rebuild beside PostgreSQL
# reading every event out of the events table in order (the least any rebuild does), the case-list
# export beside PostgreSQL's COPY of the same rows and columns to CSV.
# Prints `anchor ratios: rebuild <r> export-xlsx <r> export-csv <r>` last (each figure / its anchor).
# Usage: [BUILD=publish] [ROUNDS=50] [CATCHUP_ROUNDS=3] bench/stats.sh [cases=100000] [data folder=/var/tmp/mediation-bench-<cases>]
# The data folder is kept, so a second run skips the seeding.
set -euo pipefail
cd "$(dirname "$0")/.."
cases="${1:-100000}"
data="${2:-/var/tmp/mediation-bench-$cases}"
mkdir -p "$data"; chmod 755 "$data"
port=$(( 20000 + RANDOM % 10000 ))
password="bench-admin-password"
export Mediation__BootstrapAdminPassword="$password" Logging__LogLevel__Marten=Warning Logging__LogLevel__Default=Warning Logging__LogLevel__Mediation=Information
export Mediation__LocalPostgres__DataDirectory="$data/.mediation/postgres"

# BUILD=publish measures the ReadyToRun publish the Dockerfile deploys; the default, the Release build.
. bench/lib.sh
service="dotnet $(service_dll "${BUILD:-release}" "$data")"
dotnet build bench/Mediation.Bench -c Release -v q -nologo >/dev/null
client="dotnet $PWD/bench/Mediation.Bench/bin/Release/net10.0/Mediation.Bench.dll"

if [ ! -f "$data/seeded" ]; then
  echo "Seeding $cases cases (seed 1, a year up to 2026-10-31)…"
  (cd "$data" && $service seed --cases "$cases" --seed 1 --until 2026-10-31 --parallel 8 | tail -n 12)
  touch "$data/seeded"
fi

echo
echo "## Full rebuild of the Statistics projection"
rebuilt="$(cd "$data" && $service projections rebuild -p Statistics 2>&1 | grep -a "Finished rebuilding")" || { echo "the rebuild failed" >&2; exit 1; }
echo "$rebuilt"
rebuild_ms="$(grep -ao 'in [0-9]* ms' <<<"$rebuilt" | grep -o '[0-9]*')"

ASPNETCORE_URLS="http://127.0.0.1:$port" $service >"$data/service.log" 2>&1 &
pid=$!
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; wait 2>/dev/null' EXIT
until curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null; do sleep 0.2; done
pg_port="$(grep -ao 'Started PostgreSQL on 127.0.0.1:[0-9]*' "$data/service.log" | grep -o '[0-9]*$')"
psql_() { PGPASSWORD="$(cat "$data/.mediation/postgres/superuser.password")" psql -h 127.0.0.1 -p "$pg_port" -U postgres -d mediation -Atc "$1"; }
# A year seeded in minutes leaves nearly every case's deadline overdue at once, which the service would
# deliver a hundred per poll while the queries are timed (in a county they fire one by one over the
# year): as in catchup.sh, only the deadlines still ahead are kept.
echo "overdue deadline messages dropped: $(psql_ "with d as (delete from wolverine.wolverine_incoming_envelopes where message_type = 'Mediation.Cases.Deadlines.DeadlineDue' and status = 'Scheduled' and execution_time < now() returning 1) select count(*) from d")"
psql_ "vacuum analyze" >/dev/null

echo
echo "## Data"
echo "events: $(psql_ "select count(*) from mediation.mt_events"), cases: $(psql_ "select count(*) from mediation.stats_case_current"), PostgreSQL: fsync=$(psql_ "show fsync"), synchronous_commit=$(psql_ "show synchronous_commit"), shared_buffers=$(psql_ "show shared_buffers"); $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB"
# Seconds a statement's output takes to reach psql, written to $2 (psql's own start included, as
# curl's is in the timed downloads).
timed_psql() { # $1: statement, $2: where the output goes
  local start end
  start=$(date +%s%N)
  PGPASSWORD="$(cat "$data/.mediation/postgres/superuser.password")" psql -h 127.0.0.1 -p "$pg_port" -U postgres -d mediation -Atqc "$1" >"$2"
  end=$(date +%s%N)
  awk -v n=$(( end - start )) 'BEGIN { printf "%.2f", n / 1e9 }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; }

# The rebuild's anchor: every event, all its columns, read out of the events table in order and sent
# to a client that drops it. A rebuild cannot do less (it reads each event once, in order, into the
# process that applies it); a count or sum in the database would leave out the sending.
scans=(); for i in 1 2 3; do scans+=("$(timed_psql "copy (select * from mediation.mt_events order by seq_id) to stdout" /dev/null)"); done
scan="$(printf '%s\n' "${scans[@]}" | sort -n | sed -n 2p)"
rebuild_s="$(awk -v ms="$rebuild_ms" 'BEGIN { printf "%.2f", ms / 1000 }')"
rebuild_ratio="$(ratio "$rebuild_s" "$scan")"
echo "rebuild ${rebuild_s} s; its anchor, every event read out in order (COPY of mt_events to a client; three reads, ${scans[*]} s, median): ${scan} s; rebuild / anchor ${rebuild_ratio}"

# The seed's demo supervisor (county-wide): statistics, reports and case lists are theirs to read.
token="$(curl -s -X POST "http://127.0.0.1:$port/api/auth/token" -H 'content-type: application/json' \
  -d '{"username":"supervisor","password":"supervisor-demo-1"}' | sed 's/.*"accessToken":"\([^"]*\)".*/\1/')"
echo
echo "## Queries (one at a time, after 3 warm-up requests each), a county-year 2025-11-01 to 2026-11-01"
# The recording moment halfway through the events, for the reports as known at a past moment.
known_at="$(psql_ "select to_char(timestamp at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') from mediation.mt_events order by seq_id offset (select count(*) / 2 from mediation.mt_events) limit 1")"
echo "late entries and corrections: $(psql_ "select count(*) from mediation.mt_events where type = 'act_corrected' or headers ->> 'placedEarlier' = 'true'") events; known-at moment for the past reports: $known_at"
$client queries --url "http://127.0.0.1:$port" --token "$token" --rounds "${ROUNDS:-50}" --knownAt "$known_at"

echo
echo "## Report files (the whole county-year; after one untimed download, time to the last byte and the service's peak memory while it runs)"
# The case list's anchor: PostgreSQL's COPY to CSV of the rows and columns the export reads (its case
# query's, with each case's party documents, which it reads a chunk of cases at a time). The export's
# query also keeps to the caller's jurisdiction; the seed's county supervisor covers every case.
case_list_copy="copy (select d.data ->> 'caseNumber', d.data ->> 'petitionType', d.category, d.data ->> 'summary', d.node_code, d.handling_node_code,
  d.assignee, d.data -> 'parties', d.data ->> 'outcome', d.id, d.kind, d.data ->> 'channel', d.level, d.status, d.received_at, d.due_at,
  (select jsonb_agg(p.data) from mediation.mt_doc_party as p where cast(p.data ->> 'caseId' as uuid) = d.id)
  from mediation.mt_doc_mediationcase as d order by d.received_at desc, d.data ->> 'caseNumber' desc) to stdout with csv"
rss() { awk '/VmRSS/ {print int($2 / 1024)}' /proc/$pid/status; }
for report in "settlement?from=2025-11-01&to=2026-11-01&format=xlsx" "settlement?from=2025-11-01&to=2026-11-01&format=csv" \
              "cases?format=xlsx" "cases?format=csv"; do
  # One download first, untimed, as for the queries: the first call of a code path pays for its JIT.
  curl -s -o /dev/null -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/reports/$report"
  before=$(rss); peak=$before
  curl -s -o "$data/report.out" -w "%{time_total}" -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/reports/$report" > "$data/time.out" &
  fetch=$!
  while kill -0 $fetch 2>/dev/null; do now=$(rss); [ "$now" -gt "$peak" ] && peak=$now; sleep 0.05; done
  took="$(awk '{printf "%.2f", $1}' "$data/time.out")"
  echo "| /api/reports/$report | $took s | $(stat -c %s "$data/report.out") bytes | $((peak - before)) MB above the $before MB before |"
  if [[ "$report" == cases* ]]; then
    copied="$(timed_psql "$case_list_copy" "$data/report.out")"
    export_ratio="$(ratio "$took" "$copied")"
    echo "| its anchor: COPY of the same rows and columns to CSV | $copied s | $(stat -c %s "$data/report.out") bytes | export / anchor $export_ratio |"
    case "$report" in *xlsx) xlsx_ratio="$export_ratio" ;; *) csv_ratio="$export_ratio" ;; esac
  fi
done

kill $pid; wait $pid 2>/dev/null || true; pid=""

echo
# Catch-up, on a copy of the data (the figures above stay those of N cases).
ROUNDS="${CATCHUP_ROUNDS:-3}" bench/catchup.sh "$cases" "$data"

echo
echo "anchor ratios: rebuild $rebuild_ratio export-xlsx $xlsx_ratio export-csv $csv_ratio"
