# PostgreSQL clusters and the service binary for the drills under ops/, sourced by them.
# The sourcing script sets: work (a folder the postgres user owns), pg_bin, repo, admin_password, and the
# arrays and variables these keep: clusters=() (started, stopped by the script's cleanup), service_pid,
# api and dll; it defines fail.

# PostgreSQL refuses to run as root.
as_postgres() { if [ "$(id -u)" = 0 ]; then (cd /tmp && runuser -u postgres -- "$@"); else "$@"; fi; }

free_port() {
  local port
  while :; do
    port=$(( 20000 + RANDOM % 20000 ))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
}

postgres_folder() { mkdir -p "$1"; [ "$(id -u)" = 0 ] && chown postgres:postgres "$1"; chmod 700 "$1"; }

# ---- PostgreSQL ----------------------------------------------------------------------------------

# new_cluster DATA: an empty cluster whose database `mediation` belongs to the login `mediation`.
new_cluster() {
  postgres_folder "$1"
  as_postgres "$pg_bin/initdb" -D "$1" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
}

# start_cluster DATA PORT: waits until it accepts writes (a restored cluster first replays its archive).
start_cluster() {
  local data="$1" port="$2"
  as_postgres "$pg_bin/pg_ctl" -D "$data" -l "$data.log" -w -t 300 \
    -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$work" start >/dev/null
  clusters+=("$data")
  until [ "$(sql "$port" postgres "select pg_is_in_recovery()")" = f ]; do sleep 0.5; done
}

stop_cluster() {
  as_postgres "$pg_bin/pg_ctl" -D "$1" -m fast -w stop >/dev/null
  local running=() data
  for data in "${clusters[@]}"; do [ "$data" = "$1" ] || running+=("$data"); done
  clusters=("${running[@]}")
}

sql() { psql -h 127.0.0.1 -p "$1" -U postgres -d "$2" -AtXq -v ON_ERROR_STOP=1 -c "$3"; }

create_owner_and_database() {
  sql "$1" postgres "create role mediation login"
  sql "$1" postgres "create database mediation owner mediation"
}

# ---- The service ---------------------------------------------------------------------------------

service_dll() {
  if [ -n "${MEDIATION_DLL:-}" ]; then echo "$MEDIATION_DLL"; return; fi
  dotnet build src/Mediation -c Release -v q -nologo >/dev/null
  echo "$repo/src/Mediation/bin/Release/net10.0/Mediation.dll"
}

write_key_file() {
  local key; key() { head -c 32 /dev/urandom | base64; }
  (umask 077; printf '{"Mediation":{"Keys":{"Token":{"Current":"d1","Keys":{"d1":"%s"}},"Chain":{"Current":"d1","Keys":{"d1":"%s"}},"DataProtection":{"Current":"d1","Keys":{"d1":"%s"}}}}}\n' \
    "$(key)" "$(key)" "$(key)" > "$work/keys.json")
}

# exec_mediation PGPORT DATABASE ARGS...: becomes the service binary (a command, or the service itself)
# as deployed: from its own folder, in Production, its keys from the key file; as the login db_user
# (default: mediation, the owner).
exec_mediation() {
  local pg_port="$1" database="$2"; shift 2
  cd "$(dirname "$dll")"
  exec env ASPNETCORE_ENVIRONMENT=Production \
    ConnectionStrings__Marten="Host=127.0.0.1;Port=$pg_port;Username=${db_user:-mediation};Database=$database" \
    Mediation__KeyFile="$work/keys.json" Mediation__BootstrapAdminPassword="$admin_password" \
    dotnet "$dll" "$@"
}

# mediation PGPORT DATABASE ARGS...: runs a command of the service binary.
mediation() { (exec_mediation "$@"); }

start_service() {
  local pg_port="$1" database="$2" log="$work/service-$3.log"
  api_port="$(free_port)"; api="http://127.0.0.1:$api_port"
  # The background shell becomes the service, so that its pid is the service's.
  ASPNETCORE_URLS="$api" exec_mediation "$pg_port" "$database" >"$log" 2>&1 &
  service_pid=$!
  until curl -sf "$api/health/ready" >/dev/null; do
    kill -0 "$service_pid" 2>/dev/null || { tail -n 30 "$log" >&2; fail "the service did not start (log: $log)"; }
    sleep 0.5
  done
}

stop_service() { kill "$service_pid"; wait "$service_pid" 2>/dev/null || true; service_pid=""; }

token() {
  curl -sf -X POST "$api/api/auth/token" -H 'content-type: application/json' \
    -d "{\"username\":\"$1\",\"password\":\"$2\"}" | jq -r .accessToken
}
