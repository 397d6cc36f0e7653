#!/usr/bin/env bash
# The upgrade drill (README, "Upgrading"): a database of the previous release, upgraded by the documented
# path, then run by an account without DDL rights.
#   (a) builds the previous release, seeds a database with it and records what it holds;
#   (b) with this checkout's build, as the schema's owner: db-patch (printed for review, and refused if it
#       drops or empties anything), db-apply, and the statistics rebuilt;
#   (c) starts this build as an account that may only read and write rows, with automatic schema creation
#       off, and checks that everything recorded is still there, that a new case gets the next number, that
#       an erasure empties its attachment, and that audit verify and db-assert pass.
# Exits non-zero, naming the difference, on any.
#
# Usage: ops/upgrade-drill.sh [previous commit] [cases]   (as root, PostgreSQL then runs as the postgres
#   user; or as another user but root). The previous commit defaults to the parent of the commit that
#   introduced the case_numbers table; cases to 300. Needs the .NET SDK, PostgreSQL's server binaries,
#   curl and jq. Environment: PG_BIN (/usr/lib/postgresql/15/bin), KEEP=1 (keep the drill's folder).
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"
previous="${1:-$(git log --format=%H --reverse -S'TableName = "case_numbers"' -- src/Mediation/Cases/Filing/CaseNumbers.cs | head -1)^}"
previous="$(git rev-parse --verify "$previous^{commit}")"
cases="${2:-300}"
pg_bin="${PG_BIN:-/usr/lib/postgresql/15/bin}"
admin_password="drill-admin-password"

work="$(mktemp -d /var/tmp/mediation-upgrade-drill.XXXXXX)"
chmod 755 "$work"; [ "$(id -u)" = 0 ] && chown postgres:postgres "$work"
clusters=(); service_pid=""

cleanup() {
  [ -n "$service_pid" ] && kill "$service_pid" 2>/dev/null && wait "$service_pid" 2>/dev/null
  local data
  for data in "${clusters[@]}"; do as_postgres "$pg_bin/pg_ctl" -D "$data" -m fast stop >/dev/null 2>&1 || true; done
  git -C "$repo" worktree remove --force "$work/previous" 2>/dev/null || true
  if [ "${KEEP:-0}" = 1 ]; then echo "kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

fail() { echo "DRILL FAILED: $*" >&2; exit 1; }
step() { printf '\n== %s\n' "$*"; }

. ops/drill-lib.sh

# quietly WHAT COMMAND...: runs a command of the service binary; on failure shows its output and stops.
quietly() {
  local what="$1"; shift
  "$@" > "$work/command.log" 2>&1 || { tail -n 60 "$work/command.log" >&2; fail "$what"; }
}
# psql_as ROLE SQL: a statement as one login (the owner `mediation`, or the service's `mediation_runtime`).
psql_as() { psql -h 127.0.0.1 -p "$port" -U "$1" -d mediation -AtXq -v ON_ERROR_STOP=1 -c "$2"; }

step "PostgreSQL: a cluster of its own"
port="$(free_port)"
new_cluster "$work/pg"
start_cluster "$work/pg" "$port"
create_owner_and_database "$port"
sql "$port" postgres "create role mediation_runtime login"
# Every login may create temporary tables by default; the service's needs none.
sql "$port" mediation "revoke temporary on database mediation from public"
write_key_file

step "(a) the previous release, $(git log -1 --format='%h %s' "$previous")"
git worktree add -q --detach "$work/previous" "$previous"
(cd "$work/previous" && dotnet build src/Mediation -c Release -v q -nologo >/dev/null)
dll="$work/previous/src/Mediation/bin/Release/net10.0/Mediation.dll"
yesterday="$(TZ=Asia/Shanghai date -d yesterday +%F)"; from="$(TZ=Asia/Shanghai date -d '1 year ago' +%F)"
quietly "the previous release did not seed" mediation "$port" mediation seed --cases "$cases" --seed 1 --until "$yesterday" --parallel 4
grep -a "Seeded" "$work/command.log"

# The statistics are kept by the service's projection daemon: run the previous release until it has caught up.
start_service "$port" mediation previous
caught_up() { [ "$(psql_as mediation "select coalesce((select last_seq_id from mediation.mt_event_progression where name = 'Statistics:All'), -1) >= (select coalesce(max(seq_id), 0) from mediation.mt_events)")" = t ]; }
for _ in $(seq 600); do caught_up && break; sleep 0.2; done
caught_up || fail "the previous release's statistics did not catch up"
stop_service

filed="select data->>'caseNumber' as number from mediation.mt_events where type = 'case_filed'"
record() { # what the database holds, as one login sees it
  echo "cases: $(psql_as "$1" "select count(*) from mediation.mt_streams s where exists (select from mediation.mt_events e where e.stream_id = s.id and e.type = 'case_filed')")"
  psql_as "$1" "select 'max case number ' || left(number, 4) || ': ' || max(number) from ($filed) f group by left(number, 4) order by 1"
  echo "events: $(psql_as "$1" "select count(*) from mediation.mt_events")"
}
settlement() { # the county's settlement report of the seeded year, without its titles (they name the moment it was read)
  quietly "export settlement failed" mediation "$port" mediation export settlement --out "$work/settlement.csv" --from "$from" --to "$yesterday" --format csv --lang en
  grep -av 'as recorded by' "$work/settlement.csv"
}
# same_columns BEFORE AFTER: AFTER's tables (each a heading row, then its rows; a line with no value between tables) with
# only the columns whose heading BEFORE's table of the same place has, and only the tables BEFORE has, so that a column
# or a table a release adds (after the others) does not count as a difference and everything the previous release had
# is compared.
same_columns() {
  awk '
    function fields(line, out,    n, i, c, quoted, field) {
      n = 0; field = ""; quoted = 0
      for (i = 1; i <= length(line); i++) {
        c = substr(line, i, 1)
        if (c == "\"") quoted = !quoted
        if (c == "," && !quoted) { out[++n] = field; field = "" } else field = field c
      }
      out[++n] = field
      return n
    }
    { sub(/\r$/, "") }
    FNR == 1 { table = 0; heading = 1 }
    /^,*$/ { table++; heading = 1; if (NR != FNR && table <= tables) print ""; next }
    NR == FNR { tables = table; if (heading) { n = fields($0, cell); for (i = 1; i <= n; i++) had[table, cell[i]] = 1 }; heading = 0; next }
    table > tables { next }
    {
      n = fields($0, cell)
      # A column with no heading is the padding of a row to the file'"'"'s widest table, which a table a release adds widens.
      if (heading) { for (i = 1; i <= n; i++) keep[i] = (cell[i] != "" && (table, cell[i]) in had); heading = 0 }
      line = ""; first = 1
      for (i = 1; i <= n; i++) if (keep[i]) { line = line (first ? "" : ",") cell[i]; first = 0 }
      print line
    }' "$1" "$2"
}
record mediation > "$work/before.txt"
settlement > "$work/settlement-before.csv"
cat "$work/before.txt"
echo "settlement, last row: $(tail -n 1 "$work/settlement-before.csv")"
# Recorded, not required: the previous release's verdict on its own database. This build's must pass (c).
if mediation "$port" mediation audit verify > "$work/verify-before.txt" 2>&1; then verdict=passes; else verdict=FAILS; fi
echo "audit verify (previous release) $verdict: $(tail -n 1 "$work/verify-before.txt")"

step "(b) this build, $(git log -1 --format='%h %s'): db-patch, review, db-apply as the owner"
dll="$(service_dll)"
touch "$work/upgrade.sql"
# One patch per database the service keeps: Marten's (the schema mediation) and Wolverine's messages.
for subject in marten://store/ wolverine://messages/main; do
  patch="$work/upgrade-${subject%%:*}.sql"
  quietly "db-patch $subject failed" mediation "$port" mediation db-patch "$patch" --database "$subject"
  # (db-patch also writes the way back beside it, *.drop.sql: not part of the review.)
  if [ -f "$patch" ]; then echo "--- the patch for $subject:"; cat "$patch"; echo "--- end of the patch"; cat "$patch" >> "$work/upgrade.sql"
  else echo "--- no patch for $subject: it is up to date"; fi
done
# Review: the patch may create and replace, never drop or empty what holds data.
if grep -aniE '\b(drop +(table|schema|column|sequence)|truncate|delete +from)\b' "$work/upgrade.sql"; then
  fail "the patch drops or empties data (lines above)"
fi
# What the previous release did not have must be in it: the case-number table, for one.
if [ "$(psql_as mediation "select to_regclass('mediation.case_numbers') is null")" = t ]; then
  grep -aqi "create table if not exists mediation.case_numbers" "$work/upgrade.sql" || fail "the patch does not create mediation.case_numbers"
fi
quietly "db-apply failed" mediation "$port" mediation db-apply
quietly "db-assert fails right after db-apply" mediation "$port" mediation db-assert
echo "db-apply done; db-assert passes as the owner"
# Columns the patch added to the statistics tables start with their defaults: the statistics are rebuilt from the events.
quietly "projections rebuild failed" mediation "$port" mediation projections rebuild -p Statistics
echo "the statistics are rebuilt from the events"
# A case's snapshot written by the previous release lacks what this one keeps: rebuilt from the events too.
quietly "rebuilding the case snapshots failed" mediation "$port" mediation projections rebuild -p MediationCase
echo "the case snapshots are rebuilt from the events"
quietly "persons reindex failed" mediation "$port" mediation persons reindex
echo "the person index is made from the parties: $(grep -ao 'Indexed [0-9]* parties' "$work/command.log")"

step "(c) this build as mediation_runtime (no DDL rights), Mediation:Database:AutoCreate=None"
psql_as mediation "
  grant usage on schema mediation, wolverine to mediation_runtime;
  grant select, insert, update, delete on all tables in schema mediation, wolverine to mediation_runtime;
  grant usage, select, update on all sequences in schema mediation, wolverine to mediation_runtime;"
if psql_as mediation_runtime "create table mediation.drill_probe (id int)" 2>/dev/null; then fail "mediation_runtime may create tables"; fi
if psql_as mediation_runtime "create temporary table drill_probe (id int)" 2>/dev/null; then fail "mediation_runtime may create temporary tables"; fi
echo "mediation_runtime may not create tables (checked)"
export db_user=mediation_runtime Mediation__Database__AutoCreate=None

record mediation_runtime > "$work/after.txt"
settlement > "$work/settlement-after.csv"
diff "$work/before.txt" "$work/after.txt" || fail "the database holds something else after the upgrade (diff above)"
same_columns "$work/settlement-before.csv" "$work/settlement-before.csv" > "$work/settlement-before.columns.csv"
same_columns "$work/settlement-before.csv" "$work/settlement-after.csv" > "$work/settlement-after.columns.csv"
diff "$work/settlement-before.columns.csv" "$work/settlement-after.columns.csv" \
  || fail "the settlement table differs after the upgrade in the columns the previous release had (diff above)"
echo "cases, case numbers, events and the settlement table (the columns the previous release had) are as before"

start_service "$port" mediation current
echo "started; /health/ready answers 200"
supervisor="$(token supervisor supervisor-demo-1)"; clerk="$(token clerk clerk-demo-1)"
[ -n "$supervisor" ] && [ -n "$clerk" ] || fail "the demo users cannot sign in"
total="$(curl -sf "$api/api/cases?pageSize=1" -H "authorization: Bearer $supervisor" | jq .total)" || fail "listing the cases failed"
[ "$total" = "$(sed -n 's/^cases: //p' "$work/before.txt")" ] || fail "the API lists $total cases"
echo "the API lists all $total cases"

year="$(TZ=Asia/Shanghai date +%Y)"
expected="$(printf '%s-%06d' "$year" $(( $(psql_as mediation_runtime "select coalesce(max(right(number, 6)::int), 0) from ($filed) f where left(number, 4) = '$year'") + 1 )))"
grid="$(psql_as mediation_runtime "select id from mediation.mt_doc_orgnode where data->>'level' = 'Grid' order by id limit 1")"
body="$(jq -nc --arg node "$grid" '{kind: "HelpRequest", channel: "Online", category: "Other", summary: "upgrade drill",
  nodeCode: $node, parties: [{role: "Applicant", name: "演练"}]}')"
answer="$(curl -s "$api/api/cases" -H "authorization: Bearer $clerk" -H 'content-type: application/json' -d "$body" -w '\n%{http_code}')"
[ "$(tail -n 1 <<<"$answer")" = 201 ] || fail "filing a case: $answer"
number="$(head -n -1 <<<"$answer" | jq -r .caseNumber)"
[ "$number" = "$expected" ] || fail "the new case is $number, expected $expected"
echo "a new case is filed: $number, after the last of the previous release"
# An attachment of it, emptied by the erasure of its party: the content column of an older table takes no content.
case_id="$(head -n -1 <<<"$answer" | jq -r .id)"
printf '%%PDF-1.4\n%%%%EOF\n' > "$work/drill.pdf"
attachment="$(curl -sf "$api/api/cases/$case_id/attachments" -H "authorization: Bearer $clerk" -F "file=@$work/drill.pdf;filename=drill.pdf" | jq -r .id)" \
  || fail "adding an attachment failed"
party="$(curl -sf "$api/api/cases/$case_id" -H "authorization: Bearer $clerk" | jq -r '.parties[0].id')" || fail "reading the case failed"
admin="$(token admin "$admin_password")"
curl -sf "$api/api/parties/$party/erase" -H "authorization: Bearer $admin" -H 'content-type: application/json' \
  -d '{"reason":"upgrade drill: the retention has run"}' >/dev/null || fail "erasing the party failed"
[ "$(psql_as mediation_runtime "select content is null and erased_at is not null from mediation.case_attachments where id = '$attachment'")" = t ] \
  || fail "the erasure did not empty the attachment"
echo "an attachment is added to it and emptied by erasing its party"
stop_service
if grep -aiE 'permission denied|must be owner' "$work/service-current.log"; then fail "the service was refused something (lines above)"; fi

quietly "audit verify fails after the upgrade" mediation "$port" mediation audit verify
echo "audit verify (this build, mediation_runtime): $(tail -n 1 "$work/command.log")"
quietly "db-assert fails" mediation "$port" mediation db-assert
echo "db-assert (mediation_runtime): passes"

step "the upgrade drill passed"
