#!/usr/bin/env bash
# The backup and restore drill (docs/operations.md, "Backup and restore"): both documented backups,
# taken while the service writes, restored into fresh clusters and checked.
#
#   1. A PostgreSQL cluster that archives its WAL (archive_mode=on, archive_command copying into a
#      folder); the service on it, in Production, its keys from a key file; `seed` cases.
#   2. Writers file cases and supervise them through the API, recording every 2xx answer (case id,
#      version, time). Under that load: pg_basebackup, then pg_dump; the load goes on, then the end
#      point: pg_switch_wal(), waited for until its segment is archived.
#   3. ops/restore.sh puts the base backup and the archive into a new data folder; on it: `audit verify`,
#      every write acknowledged before the end point is in mt_events, and the settlement and backlog
#      figures equal a recomputation (`projections rebuild -p Statistics`).
#   4. pg_restore of the dump into a new database of a new cluster; the same checks, for the writes
#      acknowledged before the dump began.
# Exits non-zero, naming the difference, on any.
#
# Usage: ops/backup-drill.sh   (as root, PostgreSQL then runs as the postgres user; or as another user
#   but root, who runs PostgreSQL itself). Needs the .NET SDK, PostgreSQL's server binaries, curl and jq.
# Environment: CASES (seeded, 300), WRITERS (2), LOAD_SECONDS (load before the base backup, 10; it goes
#   on as long again after the dump), MEDIATION_DLL (a built Mediation.dll; default: the Release build,
#   built now), PG_BIN (/usr/lib/postgresql/15/bin), KEEP=1 (keep the drill's folder).
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"
pg_bin="${PG_BIN:-/usr/lib/postgresql/15/bin}"
cases="${CASES:-300}"; writers="${WRITERS:-2}"; load_seconds="${LOAD_SECONDS:-10}"
admin_password="drill-admin-password"; writer_password="drill-writer-password"

# The clusters' folders, logs, backups and sockets: the postgres user's, readable by the drill.
work="$(mktemp -d /var/tmp/mediation-backup-drill.XXXXXX)"
chmod 755 "$work"; [ "$(id -u)" = 0 ] && chown postgres:postgres "$work"
clusters=(); service_pid=""; writer_pids=()

cleanup() {
  touch "$work/stop-load"
  for pid in "${writer_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -n "$service_pid" ] && kill "$service_pid" 2>/dev/null && wait "$service_pid" 2>/dev/null
  local data
  for data in "${clusters[@]}"; do as_postgres "$pg_bin/pg_ctl" -D "$data" -m fast stop >/dev/null 2>&1 || true; done
  if [ "${KEEP:-0}" = 1 ]; then echo "kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

fail() { echo "DRILL FAILED: $*" >&2; exit 1; }
say() { echo "$*"; }

. ops/drill-lib.sh

get() { curl -sf "$api$1" -H "authorization: Bearer $admin_token"; }

# ---- The load ------------------------------------------------------------------------------------

filing() {
  jq -nc --arg node "$1" --arg category "$2" '{kind: "Dispute", channel: "WalkIn", category: $category,
    summary: "backup drill", nodeCode: $node, parties: [{role: "Applicant", name: "演练"}]}'
}

# post PATH BODY: records "time id version" of a 2xx answer in the writer's file, a line in its errors otherwise.
post() {
  local answer status
  answer="$(curl -s -w '\n%{http_code}' -X POST "$api$1" -H "authorization: Bearer $writer_token" \
    -H 'content-type: application/json' -d "$2")" || { echo "curl $?" >> "$errors"; return 1; }
  status="${answer##*$'\n'}"; answer="${answer%$'\n'*}"
  if [[ "$status" != 2* ]]; then echo "$status $1" >> "$errors"; return 1; fi
  printf '%s %s\n' "$EPOCHREALTIME" "$(jq -r '"\(.id) \(.version)"' <<<"$answer")" >> "$acks"
  last_id="$(jq -r .id <<<"$answer")"
}

writer() {
  acks="$work/acks.$1"; errors="$work/errors.$1"; : > "$acks"; : > "$errors"
  local last_id
  while [ ! -f "$work/stop-load" ]; do
    post /api/cases "$(filing "${grids[RANDOM % ${#grids[@]}]}" "$category")" || continue
    post "/api/cases/$last_id/supervise" '{"kind":"Reminder","note":"drill"}' || true
  done
}

start_load() {
  admin_token="$(token admin "$admin_password")"
  curl -sf -X POST "$api/api/users" -H "authorization: Bearer $admin_token" -H 'content-type: application/json' \
    -d "{\"username\":\"drill\",\"password\":\"$writer_password\",\"displayName\":\"Drill\",\"roles\":[\"Clerk\",\"Supervisor\"]}" >/dev/null
  writer_token="$(token drill "$writer_password")"
  mapfile -t grids < <(get /api/org/tree | jq -r '.. | objects | select(.level? == "Grid") | .code')
  category="$(get /api/categories | jq -r '.[0].id')"
  [ "${#grids[@]}" -gt 0 ] || fail "the seeded tree has no grid"
  for i in $(seq "$writers"); do writer "$i" & writer_pids+=($!); done
}

stop_load() { touch "$work/stop-load"; wait "${writer_pids[@]}" 2>/dev/null || true; writer_pids=(); }

# acks_before TIME FILE: the writes acknowledged before TIME, as "id<TAB>version" lines.
acks_before() { cat "$work"/acks.* | awk -v t="$1" '$1 < t { print $2 "\t" $3 }' > "$2"; wc -l < "$2"; }

# The service keeps answering while it is backed up: a 5xx or a refused connection is a failure.
report_load() {
  local acknowledged answers
  acknowledged="$(cat "$work"/acks.* | wc -l)"
  answers="$(cut -d' ' -f1 "$work"/errors.* | sort | uniq -c | awk '{ printf "%s%s x %s", sep, $2, $1; sep = ", " }')"
  say "load: $writers writers, $acknowledged writes acknowledged${answers:+, other answers: $answers}"
  if grep -qE '^(5|curl)' "$work"/errors.*; then fail "the service failed requests under the backups (${answers})"; fi
}

# ---- The checks ----------------------------------------------------------------------------------

# missing_writes PORT DATABASE FILE: how many of the writes in FILE have no event at that stream and version.
missing_writes() {
  psql -h 127.0.0.1 -p "$1" -U postgres -d "$2" -AtXq -v ON_ERROR_STOP=1 <<SQL
create temp table acknowledged (id uuid, version bigint);
\copy acknowledged from '$3'
select count(*) from acknowledged a
 where not exists (select 1 from mediation.mt_events e where e.stream_id = a.id and e.version = a.version);
SQL
}

wait_statistics_caught_up() {
  local caught
  for _ in $(seq 600); do
    caught="$(sql "$1" "$2" "select coalesce((select last_seq_id from mediation.mt_event_progression where name = 'Statistics:All'), 0)
                                   >= coalesce((select max(seq_id) from mediation.mt_events), 0)")"
    [ "$caught" = t ] && return
    sleep 0.5
  done
  fail "the statistics did not catch up in five minutes"
}

# figures NAME: the settlement (by category, node and month) and backlog, at fixed moments, sorted.
figures() {
  local scope="from=$from&to=$to&asOf=$moment&knownAt=$moment" out="$work/figures-$1.json"
  {
    for group in category node month; do get "/api/stats/settlement?$scope&groupBy=$group"; done
    get "/api/stats/backlog?asOf=$moment&knownAt=$moment"
  } | jq -S . > "$out"
  echo "$out"
}

# check_restored NAME PGPORT DATABASE ACKS: verify, the acknowledged writes, the figures against a rebuild.
check_restored() {
  local name="$1" pg_port="$2" database="$3" acked="$4" verify missing before after cases
  verify="$(mediation "$pg_port" "$database" audit verify 2>&1)" || { echo "$verify" >&2; fail "$name: audit verify found problems"; }
  say "  audit verify: $(grep -ao '[0-9]* cases, [0-9]* events: .*' <<<"$verify")"
  missing="$(missing_writes "$pg_port" "$database" "$acked")"
  [ "$missing" = 0 ] || fail "$name: $missing of $(wc -l < "$acked") acknowledged writes are missing"
  say "  acknowledged writes present: $(wc -l < "$acked") of $(wc -l < "$acked")"

  start_service "$pg_port" "$database" "$name"
  admin_token="$(token admin "$admin_password")"
  wait_statistics_caught_up "$pg_port" "$database"
  moment="$(date -u +%Y-%m-%dT%H:%M:%S.%6NZ | sed 's/Z$/%2B00:00/')"
  before="$(figures "$name-before")" || fail "$name: the service did not answer the statistics"
  stop_service
  mediation "$pg_port" "$database" projections rebuild -p Statistics > "$work/rebuild-$name.log" 2>&1 \
    || { tail -n 20 "$work/rebuild-$name.log" >&2; fail "$name: projections rebuild failed"; }
  start_service "$pg_port" "$database" "$name-rebuilt"
  wait_statistics_caught_up "$pg_port" "$database"
  after="$(figures "$name-after")" || fail "$name: the service did not answer the statistics"
  stop_service
  if ! diff -u "$before" "$after" > "$work/figures-$name.diff"; then
    head -n 40 "$work/figures-$name.diff" >&2
    fail "$name: the statistics differ from their recomputation ($work/figures-$name.diff)"
  fi
  cases="$(jq -s '.[0].received' "$before")"
  say "  statistics equal their recomputation: settlement by category, node, month and backlog ($cases cases received in the period)"
}

# ---- The drill -----------------------------------------------------------------------------------

main() {
  say "Building the service…"
  dll="$(service_dll)"; [ -f "$dll" ] || fail "no service binary at $dll"
  write_key_file
  from="$(date -d '-400 days' +%F)"; to="$(date -d tomorrow +%F)"

  local source="$work/source" archive="$work/archive" base="$work/base" pg1 pg2 pg3
  postgres_folder "$archive"
  new_cluster "$source"
  cat >> "$source/postgresql.conf" <<CONF
archive_mode = on
archive_command = 'test ! -f $archive/%f && cp %p $archive/%f'
CONF
  pg1="$(free_port)"; start_cluster "$source" "$pg1"
  create_owner_and_database "$pg1"
  say "PostgreSQL $(sql "$pg1" postgres "show server_version" | cut -d' ' -f1), archiving WAL into $archive"

  say "Seeding $cases cases…"
  mediation "$pg1" mediation seed --cases "$cases" --seed 7 --parallel 4 > "$work/seed.log" 2>&1 \
    || { tail -n 20 "$work/seed.log" >&2; fail "seed failed"; }
  start_service "$pg1" mediation source
  start_load
  sleep "$load_seconds"

  local started ended dump_mark mark segment
  started=$EPOCHREALTIME
  as_postgres "$pg_bin/pg_basebackup" -h 127.0.0.1 -p "$pg1" -U postgres -D "$base" -Ft -z -X stream -c fast
  ended=$EPOCHREALTIME
  say "base backup under load: $(du -sh "$base" | cut -f1) in $(awk -v a="$started" -v b="$ended" 'BEGIN { printf "%.1f", b - a }') s"

  dump_mark=$EPOCHREALTIME
  started=$EPOCHREALTIME
  as_postgres "$pg_bin/pg_dump" -h 127.0.0.1 -p "$pg1" -U postgres -Fc -f "$work/mediation.dump" mediation
  ended=$EPOCHREALTIME
  say "pg_dump under load: $(du -h "$work/mediation.dump" | cut -f1) in $(awk -v a="$started" -v b="$ended" 'BEGIN { printf "%.1f", b - a }') s"

  sleep "$load_seconds"
  mark=$EPOCHREALTIME
  segment="$(sql "$pg1" postgres "select pg_walfile_name(pg_switch_wal())")"
  for _ in $(seq 120); do [ -f "$archive/$segment" ] && break; sleep 0.5; done
  [ -f "$archive/$segment" ] || fail "segment $segment was not archived within a minute"
  stop_load
  report_load
  say "end point: segment $segment archived ($(ls "$archive" | wc -l) files in the archive)"
  stop_service
  stop_cluster "$source"

  say "Point-in-time restore (ops/restore.sh) into a new folder:"
  "$repo/ops/restore.sh" "$base" "$archive" "$work/restored" >/dev/null
  pg2="$(free_port)"; start_cluster "$work/restored" "$pg2"
  say "  $(acks_before "$mark" "$work/acked-pitr.tsv") writes acknowledged before the end point"
  check_restored pitr "$pg2" mediation "$work/acked-pitr.tsv"
  stop_cluster "$work/restored"

  say "pg_restore of the dump into a new database:"
  new_cluster "$work/from-dump"
  pg3="$(free_port)"; start_cluster "$work/from-dump" "$pg3"
  create_owner_and_database "$pg3"
  as_postgres "$pg_bin/pg_restore" -h 127.0.0.1 -p "$pg3" -U postgres --exit-on-error -d mediation "$work/mediation.dump"
  say "  $(acks_before "$dump_mark" "$work/acked-dump.tsv") writes acknowledged before the dump began"
  check_restored dump "$pg3" mediation "$work/acked-dump.tsv"
  stop_cluster "$work/from-dump"

  say "DRILL PASSED in $SECONDS s"
}

main "$@"
