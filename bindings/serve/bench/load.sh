#!/usr/bin/env bash
# Throughput of `wastecheck serve` under load from wrk (a second process) on
# loopback: POST /v1/check of one example document, native and --sandbox.
#
#   bindings/serve/bench/load.sh [DOCUMENT] [SECONDS] [RUNS]
#
# Defaults: spec/examples/manifest.mistakes.json, 10 s, 3 runs per setting. Needs
# wrk (Debian package `wrk`), a release build (`cargo build --release -p
# wastecheck-cli`) and, for --sandbox, target/wastecheck.wasm (`./x abi-wasm`).
# Prints each run and the median per setting, with the load average before each.
# Only 127.0.0.1; the service is stopped at the end.
set -euo pipefail
cd "$(dirname "$0")/../../.."

doc="${1:-spec/examples/manifest.mistakes.json}"
seconds="${2:-10}"
runs="${3:-3}"
bin=target/release/wastecheck
command -v wrk >/dev/null || { echo "load.sh: wrk is missing (apt-get install wrk)" >&2; exit 2; }
[ -x "$bin" ] || { echo "load.sh: build $bin first: cargo build --release -p wastecheck-cli" >&2; exit 2; }

body=$(mktemp)
log=$(mktemp)
pid=
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -f "$body" "$log"
}
trap cleanup EXIT
printf '{"document": %s, "locale": "en"}' "$(cat "$doc")" >"$body"

port=$((20000 + RANDOM % 20000))
run_setting() { # name, then serve's extra arguments
  local name=$1; shift
  "$bin" serve --listen "127.0.0.1:$port" "$@" 2>"$log" &
  pid=$!
  for _ in $(seq 1 200); do
    curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
    sleep 0.1
  done
  curl -sf "http://127.0.0.1:$port/healthz" >/dev/null || { cat "$log" >&2; exit 1; }
  local status
  status=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
    --data-binary "@$body" "http://127.0.0.1:$port/v1/check")
  [ "$status" = 200 ] || { echo "load.sh: $name answered $status" >&2; exit 1; }
  for connections in 1 4; do
    local rates=()
    for run in $(seq 1 "$runs"); do
      local load line
      load=$(cut -d' ' -f1-3 /proc/loadavg)
      line=$(WRK_BODY="$body" wrk -t1 -c"$connections" -d"${seconds}s" --latency \
        -s bindings/serve/bench/post.lua "http://127.0.0.1:$port/v1/check" | grep '^RESULT')
      echo "$name c=$connections run $run (load $load): ${line#RESULT }"
      rates+=("$(echo "$line" | awk '{print $3}')")
    done
    printf '%s c=%s median requests/s: %s\n' "$name" "$connections" \
      "$(printf '%s\n' "${rates[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')"
  done
  kill "$pid" && wait "$pid" 2>/dev/null || true
  pid=
}

echo "document: $doc ($(wc -c <"$body") bytes of request), ${seconds}s per run, $(nproc) cores"
run_setting native
run_setting sandbox --sandbox --sandbox-module target/wastecheck.wasm
