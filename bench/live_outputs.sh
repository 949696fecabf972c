#!/usr/bin/env bash
# What the live outputs cost the load: storecheck load against the reference store on loopback
# (Release build, no sanitizers), closed model, once without outputs and once with
# --out json, --out csv and --out prometheus-rw to a real Prometheus started here, alternating
# RUNS times. Prints every run's responses per second, the medians and their ratio (with /
# without; target: >= 0.95: a push and a few hundred lines a second are nothing next to the
# requests). Prometheus shares the machine: on a busy one, raise RUNS before believing a ratio.
#
# Usage: bench/live_outputs.sh   (env: RUNS=3 DURATION=5s CONNECTIONS=8 BUILD_DIR=build-bench)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-3}
duration=${DURATION:-5s}
conns=${CONNECTIONS:-8}
build=${BUILD_DIR:-build-bench}

command -v prometheus >/dev/null || { echo "bench needs prometheus (apt-get install prometheus)" >&2; exit 2; }
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DSTORECHECK_SANITIZE=OFF -DSTORECHECK_WERROR=OFF >/dev/null
cmake --build "$build" -j 2 --target storecheck storecheck-refstore >/dev/null
sc=$build/checker/storecheck
store=$build/tests/refstore/storecheck-refstore

work=$(mktemp -d "${TMPDIR:-/tmp}/live-outputs-bench.XXXXXX")
store_pid=""
prom_pid=""
cleanup() {
  [ -n "$store_pid" ] && kill "$store_pid" 2>/dev/null && wait "$store_pid" 2>/dev/null
  [ -n "$prom_pid" ] && kill "$prom_pid" 2>/dev/null && wait "$prom_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

"$store" --listen 127.0.0.1:0 --ready-file "$work/ready" --quiet >/dev/null &
store_pid=$!
for _ in $(seq 100); do [ -s "$work/ready" ] && break; sleep 0.05; done
port=$(sed -n 's/.*http=127.0.0.1:\([0-9]*\).*/\1/p' "$work/ready")
[ -n "$port" ] || { echo "the store did not start" >&2; exit 3; }

prom_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
printf 'global:\n  scrape_interval: 1h\n' > "$work/prometheus.yml"
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/prom" \
  --web.listen-address="127.0.0.1:$prom_port" --web.enable-remote-write-receiver \
  --log.level=warn >"$work/prom.log" 2>&1 &
prom_pid=$!
for _ in $(seq 300); do
  curl -sf "http://127.0.0.1:$prom_port/-/ready" >/dev/null && break
  sleep 0.1
done
curl -sf "http://127.0.0.1:$prom_port/-/ready" >/dev/null || { echo "prometheus did not start" >&2; exit 3; }

# rate RESULT.json: its responses per second.
rate() { python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["achieved_rate"])' "$1"; }
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

url=http://127.0.0.1:$port/api/v1/products/42
common=(load "$url" -c "$conns" -t 1 -d "$duration" -q)
: > "$work/without" ; : > "$work/with"
for i in $(seq "$runs"); do
  "$sc" "${common[@]}" --json "$work/a.json"
  rate "$work/a.json" >> "$work/without"
  "$sc" "${common[@]}" --run-id "bench-$i" --json "$work/b.json" \
    --out "json=$work/live.jsonl" --out "csv=$work/live.csv" \
    --out "prometheus-rw=http://127.0.0.1:$prom_port/api/v1/write"
  rate "$work/b.json" >> "$work/with"
  python3 -c 'import json, sys
o = json.load(open(sys.argv[1]))["outputs"]
assert all(x["failed"] == 0 and x["dropped"] == 0 for x in o), o' "$work/b.json"
done
echo "each run, without: $(tr '\n' ' ' < "$work/without")"
echo "each run, with:    $(tr '\n' ' ' < "$work/with")"
without=$(median < "$work/without")
with=$(median < "$work/with")
printf 'responses/s without outputs: %.0f  with json, csv and prometheus-rw: %.0f  ratio %.3f\n' \
  "$without" "$with" "$(awk -v a="$with" -v b="$without" 'BEGIN { print a / b }')"
