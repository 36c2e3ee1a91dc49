#!/usr/bin/env bash
# Load test of the built server over loopback: a tool to run by hand, not part of .ci/run.
#
# Builds cmd/connectormock, starts it on a free 127.0.0.1 port (the kernel picks it: -addr
# 127.0.0.1:0, read back from the startup line), waits for /__admin/health, then drives it
# with wrk (.ci/bench.lua: the seed's Productsup disable request alternately with the enable
# request, so state really changes), prints requests/s and p50/p99, and stops the server.
# It fails if any answer is not 2xx or any socket error occurs.
#
# Usage: .ci/bench.sh [--duration 10s] [--conns 32] [--threads 2] [--log-level warn]
#   --log-level is the server's: warn (default) measures the mock, info adds one log line per
#   request (written to a file here), which costs throughput.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=10s CONNS=32 THREADS=2 LOG_LEVEL=warn
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) DURATION=$2; shift 2 ;;
    --conns) CONNS=$2; shift 2 ;;
    --threads) THREADS=$2; shift 2 ;;
    --log-level) LOG_LEVEL=$2; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done

if ! command -v wrk >/dev/null; then
  echo "wrk not found: installing the Debian package" >&2
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk
fi

WORK=$(mktemp -d)
PID=""
stop() {
  if [ -n "$PID" ]; then
    kill -TERM "$PID" 2>/dev/null || true  # graceful: in-flight requests finish
    wait "$PID" 2>/dev/null || true
    PID=""
  fi
  rm -rf "$WORK"
}
trap stop EXIT
trap 'exit 130' INT TERM

go build -o "$WORK/connectormock" ./cmd/connectormock
"$WORK/connectormock" -addr 127.0.0.1:0 -log-level "$LOG_LEVEL" >"$WORK/stdout" 2>"$WORK/stderr" </dev/null &
PID=$!

# The startup line names the address; health answers once the server accepts requests.
URL=""
for _ in $(seq 200); do
  URL=$(sed -n 's|^connectormock listening on \(http://[^ ]*\).*|\1|p' "$WORK/stdout")
  if [ -n "$URL" ] && curl -fsS -o /dev/null --max-time 2 "$URL/__admin/health"; then break; fi
  kill -0 "$PID" 2>/dev/null || { cat "$WORK/stderr" >&2; echo "server exited during startup" >&2; exit 1; }
  URL=""
  sleep 0.05
done
[ -n "$URL" ] || { echo "server not healthy within 10 s" >&2; exit 1; }

echo "server: $URL (log level $LOG_LEVEL), $(go version | cut -d' ' -f3), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "wrk -t$THREADS -c$CONNS -d$DURATION --latency -s .ci/bench.lua  (disable/enable alternately)"
wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency -s .ci/bench.lua "$URL" | tee "$WORK/wrk.txt"

LINE=$(grep '^BENCH ' "$WORK/wrk.txt") || { echo "wrk printed no BENCH line" >&2; exit 1; }
field() { sed -E "s/.* $1=([0-9.]+).*/\1/" <<<"$LINE"; }
printf '\nrequests/s %s   p50 %.2f ms   p99 %.2f ms   requests %s   non-2xx %s   socket errors %s\n' \
  "$(field rps)" "$(awk -v u="$(field p50_us)" 'BEGIN{print u/1000}')" \
  "$(awk -v u="$(field p99_us)" 'BEGIN{print u/1000}')" "$(field requests)" "$(field non2xx)" "$(field sockerr)"
if [ "$(field non2xx)" != 0 ] || [ "$(field sockerr)" != 0 ]; then
  echo "FAIL: some answers were not 2xx or sockets failed" >&2
  exit 1
fi
