#!/usr/bin/env bash
# Restores a base backup and replays the WAL archive into a new PostgreSQL data folder
# (docs/operations.md, "Backup and restore"). Start the cluster afterwards with pg_ctl; it replays the
# archive up to the target, then opens on a new timeline.
#
# Usage: ops/restore.sh BASE_BACKUP WAL_ARCHIVE NEW_DATA_DIR [--target-time 'yyyy-mm-dd hh:mm:ss+08']
#   BASE_BACKUP   a folder written by pg_basebackup -Ft -z (base.tar.gz, pg_wal.tar.gz), or by -Fp
#   WAL_ARCHIVE   the folder archive_command copies WAL segments into
#   NEW_DATA_DIR  a folder that does not exist yet, or is empty
#   --target-time stop replaying at that moment; default: the end of the archive
# Run as root (the folder is then given to the postgres user) or as the user PostgreSQL runs as.
# The restored cluster does not archive: it would write its new timeline into the old cluster's
# archive. Give it an archive of its own and a fresh base backup once it is in service.
set -euo pipefail

usage() { sed -n '5,10p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

fail() { echo "restore: $*" >&2; exit 1; }

extract_base_backup() {
  local backup="$1" data="$2"
  if [ -f "$backup/base.tar.gz" ]; then
    tar -xzf "$backup/base.tar.gz" -C "$data"
    [ -f "$backup/pg_wal.tar.gz" ] && tar -xzf "$backup/pg_wal.tar.gz" -C "$data/pg_wal"
  elif [ -f "$backup/base.tar" ]; then
    tar -xf "$backup/base.tar" -C "$data"
    [ -f "$backup/pg_wal.tar" ] && tar -xf "$backup/pg_wal.tar" -C "$data/pg_wal"
  elif [ -f "$backup/PG_VERSION" ]; then
    cp -a "$backup/." "$data/"
  else
    fail "$backup holds no base backup (base.tar.gz, base.tar or a plain data folder)"
  fi
  [ -f "$data/PG_VERSION" ] || fail "the base backup in $backup did not give a data folder"
}

configure_recovery() {
  local data="$1" archive="$2" target="$3"
  {
    echo
    echo "# Written by ops/restore.sh: replay $archive, then open on a new timeline."
    echo "restore_command = 'cp \"$archive/%f\" \"%p\"'"
    echo "recovery_target_action = 'promote'"
    [ -n "$target" ] && echo "recovery_target_time = '$target'"
    echo "archive_mode = off"
  } >> "$data/postgresql.auto.conf"
  # The source's standby and recovery files have no place in a restored cluster.
  rm -f "$data/standby.signal" "$data/postmaster.pid" "$data/postmaster.opts"
  touch "$data/recovery.signal"
}

main() {
  [ $# -ge 3 ] || usage
  local backup data archive target=""
  backup="$(realpath "$1")"; archive="$(realpath "$2")"; data="$3"; shift 3
  while [ $# -gt 0 ]; do
    case "$1" in
      --target-time) target="${2:?--target-time needs a time}"; shift 2 ;;
      *) usage ;;
    esac
  done
  [ -d "$archive" ] || fail "there is no WAL archive $archive"
  if [ -e "$data" ] && [ -n "$(ls -A "$data")" ]; then fail "$data is not empty: restore into a new folder"; fi
  mkdir -p "$data"
  data="$(realpath "$data")"

  extract_base_backup "$backup" "$data"
  configure_recovery "$data" "$archive" "$target"
  chmod 700 "$data"
  [ "$(id -u)" = 0 ] && chown -R postgres:postgres "$data"
  echo "restore: $data holds the base backup of $backup and replays $archive up to ${target:-its end}; start it with pg_ctl -D $data start"
}

main "$@"
