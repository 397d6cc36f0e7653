#!/usr/bin/env bash
# The upgrade drill: a database of the previous release, upgraded by the documented path (README,
# "Upgrading"), then run by an account without DDL rights.
#   (a) builds the previous release, seeds a database with it and records what it holds;
#   (b) with this checkout's build, as the schema's owner: db-patch (printed for review, and refused if it
#       drops or empties anything), db-apply;
#   (c) starts this build as an account that may only read and write rows, with automatic schema creation
#       off, and checks that everything recorded is still there, that a new case gets the next number,
#       and that audit verify and db-assert pass.
# Exits non-zero on any difference. Runs its own PostgreSQL cluster (as the postgres user, from
# /usr/lib/postgresql/15/bin or PG_BIN) in a temporary folder it deletes afterwards (KEEP=1 keeps it).
# Usage: ops/upgrade-drill.sh [previous commit, default: the parent of the commit that introduced the
#        case_numbers table] [cases=300]
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"
previous="${1:-$(git log --format=%H --reverse -S'TableName = "case_numbers"' -- src/Mediation/Cases/Filing/CaseNumbers.cs | head -1)^}"
previous="$(git rev-parse --verify "$previous^{commit}")"
cases="${2:-300}"
pg_bin="${PG_BIN:-/usr/lib/postgresql/15/bin}"

work="$(mktemp -d /tmp/upgrade-drill.XXXXXX)"; chmod 755 "$work"
port=$(( 20000 + RANDOM % 10000 )); http=$(( port + 1 ))
pgdata="$work/pg"; pid=""
super_pw="$(head -c 18 /dev/urandom | base64 | tr -d '/+=')"
owner_pw="$(head -c 18 /dev/urandom | base64 | tr -d '/+=')"
runtime_pw="$(head -c 18 /dev/urandom | base64 | tr -d '/+=')"

step() { printf '\n== %s\n' "$*"; }
fail() { echo "DRILL FAILED: $*" >&2; exit 1; }
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  [ -f "$pgdata/postmaster.pid" ] && (cd /tmp && runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pgdata" -m fast stop >/dev/null)
  git -C "$repo" worktree remove --force "$work/previous" 2>/dev/null || true
  if [ "${KEEP:-0}" = 1 ]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

connection() { echo "Host=127.0.0.1;Port=$port;Database=mediation;Username=$1;Password=$2"; }
sql() { # $1: user (postgres|mediation_owner|mediation_runtime), $2: SQL; prints unaligned rows
  local pw; case "$1" in postgres) pw="$super_pw";; mediation_owner) pw="$owner_pw";; *) pw="$runtime_pw";; esac
  PGPASSWORD="$pw" "$pg_bin/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U "$1" -d "${DB:-mediation}" -Atc "$2"
}
# Runs a build's command line with the given account; the rest of the environment is the service's.
run() { # $1: dll, $2: user, $3: password, then the command
  local dll="$1" user="$2" pw="$3"; shift 3
  (cd "$work" && ConnectionStrings__Marten="$(connection "$user" "$pw")" dotnet "$dll" "$@")
}
# Runs a command quietly; on failure shows its output and stops the drill.
quietly() { # $1: what it is, then the command
  local what="$1"; shift
  "$@" > "$work/command.log" 2>&1 || { tail -60 "$work/command.log"; fail "$what"; }
}
export Mediation__KeyFile="$work/keys.json" Mediation__BootstrapAdminPassword="drill-admin-password"
export Logging__LogLevel__Default=Warning Logging__LogLevel__Microsoft=Warning DOTNET_NOLOGO=1

key() { head -c 32 /dev/urandom | base64; }
(umask 077; printf '{"Mediation":{"Keys":{"Token":{"Current":"drill","Keys":{"drill":"%s"}},"Chain":{"Current":"drill","Keys":{"drill":"%s"}},"DataProtection":{"Current":"drill","Keys":{"drill":"%s"}}}}}\n' \
  "$(key)" "$(key)" "$(key)" > "$work/keys.json")

step "PostgreSQL: a cluster of its own on 127.0.0.1:$port"
mkdir -p "$pgdata"; chown postgres "$pgdata"; chmod 700 "$pgdata"
printf '%s\n' "$super_pw" > "$work/superuser.pw"; chown postgres "$work/superuser.pw"
(cd /tmp && runuser -u postgres -- "$pg_bin/initdb" -D "$pgdata" -U postgres --auth=scram-sha-256 --pwfile="$work/superuser.pw" >/dev/null)
(cd /tmp && runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pgdata" -l "$pgdata/server.log" -w \
  -o "-p $port -c listen_addresses=127.0.0.1 -k $pgdata" start >/dev/null)
DB=postgres sql postgres "create role mediation_owner login password '$owner_pw'; create role mediation_runtime login password '$runtime_pw';"
DB=postgres sql postgres "create database mediation owner mediation_owner"
# Every account may create temporary tables by default; the service's account needs none.
sql postgres "revoke temporary on database mediation from public"

step "(a) previous release $(git log -1 --format='%h %s' "$previous")"
git worktree add -q --detach "$work/previous" "$previous"
(cd "$work/previous" && dotnet build src/Mediation -c Release -v q -nologo >/dev/null)
old="$work/previous/src/Mediation/bin/Release/net10.0/Mediation.dll"
yesterday="$(TZ=Asia/Shanghai date -d yesterday +%F)"
run "$old" mediation_owner "$owner_pw" seed --cases "$cases" --seed 1 --until "$yesterday" --parallel 4 | grep -a "Seeded" \
  || fail "the previous release did not seed"

# The statistics are kept by the service's projection daemon: run the previous release until it has caught up.
(cd "$work" && exec env ConnectionStrings__Marten="$(connection mediation_owner "$owner_pw")" ASPNETCORE_URLS="http://127.0.0.1:$http" \
  dotnet "$old" >"$work/previous.log" 2>&1) &
pid=$!
caught_up() { [ "$(sql mediation_owner "select coalesce((select last_seq_id from mediation.mt_event_progression where name = 'Statistics:All'), -1) >= (select coalesce(max(seq_id), 0) from mediation.mt_events)")" = t ]; }
for _ in $(seq 600); do caught_up && break; kill -0 "$pid" 2>/dev/null || fail "the previous release stopped; $work/previous.log"; sleep 0.2; done
caught_up || fail "the previous release's statistics did not catch up"
kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""

filed="select data->>'caseNumber' as number from mediation.mt_events where type = 'case_filed'"
record() { # what the database holds, as one account sees it
  echo "cases: $(sql "$1" "select count(*) from mediation.mt_streams s where exists (select from mediation.mt_events e where e.stream_id = s.id and e.type = 'case_filed')")"
  echo "filed events: $(sql "$1" "select count(*) from ($filed) f")"
  sql "$1" "select 'max case number ' || left(number, 4) || ': ' || max(number) from ($filed) f group by left(number, 4) order by 1"
  echo "events: $(sql "$1" "select count(*) from mediation.mt_events")"
}
from="$(TZ=Asia/Shanghai date -d '1 year ago' +%F)"
settlement() { # $1: dll, $2: user, $3: password; the county's settlement table of the seeded year, without its title lines
  quietly "export settlement failed" run "$1" "$2" "$3" export settlement --out "$work/settlement.csv" --from "$from" --to "$yesterday" --format csv --lang en
  grep -av -i 'figures\|as of\|read at\|generated' "$work/settlement.csv" | tail -n +2
}
record mediation_owner > "$work/before.txt"
settlement "$old" mediation_owner "$owner_pw" > "$work/settlement-before.csv"
cat "$work/before.txt"
echo "settlement (total row): $(tail -1 "$work/settlement-before.csv")"
# Recorded, not required: what the previous release says of its own database is its verdict; this build's must pass (c).
if run "$old" mediation_owner "$owner_pw" audit verify > "$work/verify-before.txt" 2>&1; then verdict=passes; else verdict=FAILS; fi
echo "audit verify (previous release) $verdict: $(tail -1 "$work/verify-before.txt")"

step "(b) this build $(git log -1 --format='%h %s'): db-patch, review, db-apply as the owner"
(cd "$repo" && dotnet build src/Mediation -c Release -v q -nologo >/dev/null)
new="$repo/src/Mediation/bin/Release/net10.0/Mediation.dll"
# One patch per database the service keeps: Marten's (the schema mediation) and Wolverine's messages.
for subject in marten://store/ wolverine://messages/main; do
  patch="$work/upgrade-$(echo "$subject" | cut -d: -f1).sql"
  quietly "db-patch $subject failed" run "$new" mediation_owner "$owner_pw" db-patch "$patch" --database "$subject"
  # (db-patch also writes the way back beside it, *.drop.sql: not part of the review.)
  if [ -f "$patch" ]; then echo "--- the patch for $subject ($patch):"; cat "$patch"; echo "--- end of the patch"; cat "$patch" >> "$work/upgrade.sql"
  else echo "--- no patch for $subject: it is up to date"; fi
done
touch "$work/upgrade.sql"
# Review: the patch may create and replace, never drop or empty what holds data.
if grep -aniE '\b(drop +(table|schema|column|sequence)|truncate|delete +from)\b' "$work/upgrade.sql"; then
  fail "the patch drops or empties data (lines above)"
fi
# What the previous release did not have must be in the patch: the case-number table, for one.
if [ "$(sql mediation_owner "select to_regclass('mediation.case_numbers') is null")" = t ]; then
  grep -aqi "create table if not exists mediation.case_numbers" "$work/upgrade.sql" || fail "the patch does not create mediation.case_numbers"
fi
quietly "db-apply failed" run "$new" mediation_owner "$owner_pw" db-apply
quietly "db-assert fails right after db-apply" run "$new" mediation_owner "$owner_pw" db-assert
echo "db-apply done; db-assert passes as the owner"

step "(c) this build as mediation_runtime (no DDL rights), Mediation:Database:AutoCreate=None"
sql mediation_owner "
  grant usage on schema mediation, wolverine to mediation_runtime;
  grant select, insert, update, delete on all tables in schema mediation, wolverine to mediation_runtime;
  grant usage, select, update on all sequences in schema mediation, wolverine to mediation_runtime;"
if sql mediation_runtime "create table mediation.drill_probe (id int)" 2>/dev/null; then fail "mediation_runtime may create tables"; fi
if sql mediation_runtime "create temporary table drill_probe (id int)" 2>/dev/null; then fail "mediation_runtime may create temporary tables"; fi
echo "mediation_runtime may not create tables (checked)"
export Mediation__Database__AutoCreate=None

record mediation_runtime > "$work/after.txt"
settlement "$new" mediation_runtime "$runtime_pw" > "$work/settlement-after.csv"
diff "$work/before.txt" "$work/after.txt" || fail "the database holds something else after the upgrade (diff above)"
diff "$work/settlement-before.csv" "$work/settlement-after.csv" || fail "the settlement table differs after the upgrade (diff above)"
echo "cases, case numbers, events and the settlement table are as before"

(cd "$work" && exec env ConnectionStrings__Marten="$(connection mediation_runtime "$runtime_pw")" ASPNETCORE_URLS="http://127.0.0.1:$http" \
  dotnet "$new" >"$work/service.log" 2>&1) &
pid=$!
ready=""
for _ in $(seq 300); do
  kill -0 "$pid" 2>/dev/null || { tail -40 "$work/service.log"; fail "the service stopped at start"; }
  [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$http/health/ready")" = 200 ] && { ready=1; break; }
  sleep 0.2
done
[ -n "$ready" ] || { tail -40 "$work/service.log"; fail "/health/ready did not answer 200"; }
echo "started; /health/ready answers 200"

api() { # $1: method, $2: path, $3: token, [$4: body]; prints the body, then the status on the last line
  curl -s -X "$1" "http://127.0.0.1:$http$2" -H "Authorization: Bearer $3" -H 'Content-Type: application/json' ${4:+-d "$4"} -w '\n%{http_code}'
}
token() { curl -sf "http://127.0.0.1:$http/api/auth/token" -H 'Content-Type: application/json' -d "{\"username\":\"$1\",\"password\":\"$1-demo-1\"}" | jq -r .accessToken; }
supervisor="$(token supervisor)"; clerk="$(token clerk)"
[ -n "$supervisor" ] && [ -n "$clerk" ] || fail "the demo users cannot sign in"
listed="$(api GET '/api/cases?pageSize=1' "$supervisor")"
[ "$(tail -1 <<<"$listed")" = 200 ] || fail "listing cases: $listed"
total="$(head -n -1 <<<"$listed" | jq .total)"
[ "$total" = "$(sed -n 's/^cases: //p' "$work/before.txt")" ] || fail "the API lists $total cases"
echo "the API lists all $total cases"

year="$(TZ=Asia/Shanghai date +%Y)"
expected=$(( $(sql mediation_runtime "select coalesce(max(right(number, 6)::int), 0) from ($filed) f where left(number, 4) = '$year'") + 1 ))
grid="$(sql mediation_runtime "select id from mediation.mt_doc_orgnode where data->>'level' = 'Grid' order by id limit 1")"
body="{\"kind\":\"HelpRequest\",\"channel\":\"Online\",\"category\":\"Other\",\"summary\":\"升级演练：独居老人请求协助就医\",\"nodeCode\":\"$grid\",\"parties\":[{\"role\":\"Applicant\",\"name\":\"赵六\",\"phone\":\"13812345678\"}]}"
answer="$(api POST /api/cases "$clerk" "$body")"
[ "$(tail -1 <<<"$answer")" = 201 ] || fail "filing a case: $answer"
number="$(head -n -1 <<<"$answer" | jq -r .caseNumber)"
[ "$number" = "$(printf '%s-%06d' "$year" "$expected")" ] || fail "the new case is $number, expected $(printf '%s-%06d' "$year" "$expected")"
echo "a new case is filed: $number, after the last of the previous release"

run "$new" mediation_runtime "$runtime_pw" audit verify > "$work/verify-after.txt" 2>&1 || { cat "$work/verify-after.txt"; fail "audit verify fails after the upgrade"; }
echo "audit verify (this build, mediation_runtime): $(tail -1 "$work/verify-after.txt")"
run "$new" mediation_runtime "$runtime_pw" db-assert > "$work/assert.txt" 2>&1 || { cat "$work/assert.txt"; fail "db-assert fails"; }
echo "db-assert (mediation_runtime): passes"
if grep -aiE 'permission denied|must be owner' "$work/service.log"; then fail "the service was refused something (lines above)"; fi
kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""

step "the upgrade drill passed"
