#!/usr/bin/env bash
# How close does storecheck capacity get to a limit set in advance? nginx on loopback refuses
# (503) what its limit_req lets through above RATE r/s (burst BURST, nodelay); the capacity
# search, judged by "error_rate < 1%", should find RATE. Prints the rate found, the knee and
# their ratio to the configured limit, for each RATE. With --segments N the search runs as N
# local segment processes (capacity --segment i/N --share): the row is theirs, and every
# segment must have written the same result.
#
#   bench/capacity.sh [--rates "200 500 1000"] [--burst N] [--segments N] [--build DIR]
#
# Steps of 1 s warm-up + 3 s judged, start 0.3 x RATE, factor 2, precision 2%, at most 14 steps:
# each search lasts about a minute and is cut at 150 s. --build reuses a build (default: a
# Release build in build-bench).
set -euo pipefail
cd "$(dirname "$0")/.."

rates="200 500 1000"
burst=20
segments=1
build=
while [ $# -gt 0 ]; do
    case "$1" in
    --rates) rates=$2; shift 2 ;;
    --burst) burst=$2; shift 2 ;;
    --segments) segments=$2; shift 2 ;;
    --build) build=$2; shift 2 ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done


. bench/release_build.sh
. bench/nginx_bench.sh
bench_needs nginx curl python3 timeout
bench_storecheck "$build"

bench_scratch capacity

# start_nginx RATE: nginx on a free loopback port, every request limited together.
start_nginx() {
    port=$(free_port)
    nginx_conf 4096 "limit_req_zone \$server_name zone=store:1m rate=${1}r/s;
  limit_req_status 503;" "
    listen 127.0.0.1:$port;
    server_name store;
    location / { limit_req zone=store burst=$burst nodelay; }"
    nginx_run "http://127.0.0.1:$port/"
}

echo ok >"$tmp/index.html"
cat >"$tmp/one.yaml" <<'YAML'
model: open
stages:
  - { duration: 10s, rate: 10 }
max_vus: 2000
timeout: 5s
mix: { home: 1 }
YAML

printf '%-10s %-10s %-10s %-8s %-8s %s\n' limit holds knee ratio steps end
for rate in $rates; do
    start_retried start_nginx "$rate"
    cat >"$tmp/capacity.yaml" <<YAML
target:
  base_url: http://127.0.0.1:$port
  allowed_hosts: [127.0.0.1]
load:
  profile: one.yaml
  max_rate: $((rate * 4))
  scenarios:
    home: [ { name: home, path: /, expect: [200] } ]
  thresholds: ["error_rate < 1%"]
capacity:
  start: $((rate * 3 / 10))/s
  step_factor: 2
  warmup: 1s
  step_duration: 3s
  precision: 2%
  max_rate: $((rate * 4))/s
  abort_error_rate: 95%
  max_steps: 14
YAML
    if [ "$segments" -gt 1 ]; then
        mkdir -p "$tmp/share"
        pids=()
        start_at=$(($(date +%s) + 2))
        for ((i = 0; i < segments; i++)); do
            timeout -s INT 150 "$sc" -q capacity "$tmp/capacity.yaml" --json "$tmp/out-$i.json" \
                --segment "$i/$segments" --share "$tmp/share" --run-id "bench-$rate" \
                --start-at "$start_at" >/dev/null 2>"$tmp/err-$i.txt" &
            pids+=($!)
        done
        for pid in "${pids[@]}"; do wait "$pid" || true; done
        for ((i = 1; i < segments; i++)); do
            cmp -s "$tmp/out-0.json" "$tmp/out-$i.json" ||
                { echo "bench: segment $i/$segments wrote another result than segment 0" >&2; exit 1; }
        done
        cp "$tmp/out-0.json" "$tmp/out.json"
    else
        timeout -s INT 150 "$sc" -q capacity "$tmp/capacity.yaml" --json "$tmp/out.json" \
            >/dev/null 2>"$tmp/err.txt" || true
    fi
    nginx_stop
    python3 - "$tmp/out.json" "$rate" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
limit = float(sys.argv[2])
v = d["verdict"]
holds = v["holds"] or 0
knee = v["knee"] or 0
end = v["end"] + (" (interrupted)" if d["interrupted"] else "")
print("%-10g %-10.1f %-10.1f %-8.3f %-8d %s" % (limit, holds, knee, holds / limit,
                                                 len(d["steps"]), end))
PY
done
