#!/usr/bin/env bash
# The reliability suite (README, "Reliability"): builds the service and the suite, then runs the service
# binary as a child process on a PostgreSQL cluster of its own while it is contended, killed and cut off
# from its database. Exits non-zero naming every property violated; the report goes to
# reliability/results/latest.md, the service's logs to reliability/results/logs/.
#   reliability/run.sh [--short | --long] [--minutes N] [--seed N]
#   --short (the default) takes about three minutes; --long is a soak of --minutes (default 20).
set -euo pipefail
cd "$(dirname "$0")/.."

build_log="$(mktemp)"
trap 'rm -f "$build_log"' EXIT
if ! dotnet build reliability/Mediation.Reliability -v q -nologo >"$build_log" 2>&1; then
  cat "$build_log"
  echo "reliability: the build failed"
  exit 1
fi
dotnet reliability/Mediation.Reliability/bin/Debug/net10.0/Mediation.Reliability.dll "$@"
