#!/usr/bin/env bash
# What misbehaving clients cost `wastecheck serve` (issue 20), on loopback:
#
#   abandoned  wrk's throughput for the example manifest alone, then beside 2
#              clients that each send a slow document (many waste lines) and hang
#              up 50 ms later, again and again; and the service's CPU for one slow
#              document checked in full, or abandoned after 50 ms or 10 ms;
#   sandbox    with --sandbox (2 instances): an ordinary check's latency beside 4
#              clients checking slow documents back to back;
#   memory     the service's peak resident memory after 32 requests of 5 MB at once
#              (and how many were answered 503);
#   idle       /healthz (status and time) while 5,000 idle sockets are held open,
#              the service limited to 4,096 file descriptors.
#
#   bindings/serve/bench/faults.sh [BINARY] [SECONDS]
#
# BINARY defaults to target/release/wastecheck (another build compares before and
# after). Needs wrk, curl, python3 and, for `sandbox`, target/wastecheck.wasm
# (`./x abi-wasm`). Only 127.0.0.1; every process started is stopped at the end.
set -euo pipefail
cd "$(dirname "$0")/../../.."

bin="${1:-target/release/wastecheck}"
seconds="${2:-10}"
for tool in wrk curl python3; do
  command -v "$tool" >/dev/null || { echo "faults.sh: $tool is missing" >&2; exit 2; }
done
[ -x "$bin" ] || { echo "faults.sh: build $bin first" >&2; exit 2; }

work=$(mktemp -d)
pid=
clients=()
cleanup() {
  for c in "${clients[@]}"; do kill "$c" 2>/dev/null || true; done
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

printf '{"document": %s, "locale": "en"}' "$(cat spec/examples/manifest.mistakes.json)" >"$work/small.json"
# A slow document: the example manifest with LINES waste lines.
slow() { # LINES FILE
  python3 - "$1" "$2" <<'PY'
import json, sys
doc = json.load(open("spec/examples/manifest.valid.json"))
doc["wastes"] = [doc["wastes"][0]] * int(sys.argv[1])
json.dump({"document": doc}, open(sys.argv[2], "w"))
PY
}
# Both under the 10 MiB body limit, so that they are read and checked, not refused.
slow 20000 "$work/slow.json"
slow 14000 "$work/five.json"

port=$((20000 + RANDOM % 20000))
url="http://127.0.0.1:$port"
start() {
  "$bin" serve --listen "127.0.0.1:$port" "$@" 2>"$work/log" &
  pid=$!
  for _ in $(seq 1 300); do curl -sf "$url/healthz" >/dev/null 2>&1 && return; sleep 0.1; done
  cat "$work/log" >&2; exit 1
}
stop() {
  for c in "${clients[@]}"; do kill "$c" 2>/dev/null || true; done
  for c in "${clients[@]}"; do wait "$c" 2>/dev/null || true; done
  clients=()
  kill "$pid" && wait "$pid" 2>/dev/null || true
  pid=
}
post() { # FILE, then curl's options
  local file=$1; shift
  curl -s -o /dev/null -w '%{http_code}\n' -H 'Content-Type: application/json' \
    --data-binary "@$file" "$@" "$url/v1/check" || true
}
load() { # CONNECTIONS
  WRK_BODY="$work/small.json" wrk -t1 -c"$1" -d"${seconds}s" --latency \
    -s bindings/serve/bench/post.lua "$url/v1/check" | grep '^RESULT' | sed 's/^RESULT //'
}
cpu() { awk '{print $14 + $15}' "/proc/$pid/stat"; }

echo "binary: $bin; slow document $(wc -c <"$work/slow.json") bytes; $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"

start
echo "abandoned: alone:          $(load 4)"
for _ in 1 2; do
  ( while true; do post "$work/slow.json" --max-time 0.05 >/dev/null; done ) &
  clients+=($!)
done
sleep 1
before=$(cpu)
echo "abandoned: 2 hanging up:   $(load 4)"
echo "abandoned: service CPU during the run: $(( ($(cpu) - before) / $(getconf CLK_TCK) )) s of ${seconds} s"
stop

# The service's CPU for one slow document, checked in full and abandoned by its
# client after 50 ms and after 10 ms (ten requests each, one at a time).
start
for wait in 0 0.05 0.01; do
  before=$(cpu)
  for _ in $(seq 1 10); do
    if [ "$wait" = 0 ]; then post "$work/slow.json" >/dev/null; else post "$work/slow.json" --max-time "$wait" >/dev/null; fi
  done
  sleep 1
  echo "abandoned: CPU per request, client gone after ${wait}s (0: waits for the answer): $(( ($(cpu) - before) * 100 / $(getconf CLK_TCK) )) ms"
done
stop

if [ -f target/wastecheck.wasm ]; then
  start --sandbox --sandbox-module target/wastecheck.wasm --sandbox-hosts 2
  echo "sandbox: alone:            $(load 1)"
  for _ in 1 2 3 4; do
    ( while true; do post "$work/slow.json" >/dev/null; done ) &
    clients+=($!)
  done
  sleep 1
  echo "sandbox: 4 slow clients:   $(load 1)"
  stop
fi

start
rss() { awk '/VmHWM/ {print $2 / 1024 " MiB"}' "/proc/$pid/status"; }
echo "memory: at rest: $(rss) (peak)"
for _ in $(seq 1 32); do post "$work/five.json" >>"$work/codes" & done
wait $(jobs -p | grep -v "^$pid$") 2>/dev/null || true
echo "memory: after 32 × $(wc -c <"$work/five.json") bytes at once: $(rss) (peak); answers: $(sort "$work/codes" | uniq -c | tr -s ' ' | tr '\n' ';')"
stop

ulimit -n 8192
(ulimit -n 4096 && exec "$bin" serve --listen "127.0.0.1:$port" 2>"$work/log") &
pid=$!
for _ in $(seq 1 300); do curl -sf "$url/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
python3 - "$port" <<'PY' &
import socket, sys, time
held = []
for _ in range(5000):
    try:
        held.append(socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=2))
    except OSError:
        pass
print(f"idle: {len(held)} sockets open", flush=True)
time.sleep(8)
PY
clients+=($!)
sleep 4
echo "idle: /healthz beside them: $(curl -s -o /dev/null -m 5 -w '%{http_code} in %{time_total} s' "$url/healthz" || echo 'no answer in 5 s')"
stop
