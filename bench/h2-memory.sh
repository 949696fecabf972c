#!/usr/bin/env bash
# The memory of storecheck load with 10,000 HTTP/2 streams in flight at once: 100 connections x
# 100 streams against one nginx (h2 over TLS) whose responses trickle out slowly (limit_rate),
# so that every stream stays open for seconds. Prints the most memory the generator held (max
# RSS, GNU time) and, by Little's law, the streams in flight on average (the sum of every
# response's latency / the time responses can have been in flight: sending plus the 2 s drain;
# a lower bound); target: under 100 MB.
#
#   bench/h2-memory.sh [--duration S] [--build DIR]
set -euo pipefail
cd "$(dirname "$0")/.."

duration=12
build=
while [ $# -gt 0 ]; do
    case "$1" in
    --duration) duration=$2; shift 2 ;;
    --build) build=$2; shift 2 ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done


. bench/release_build.sh
. bench/nginx_bench.sh
bench_needs nginx openssl python3 curl /usr/bin/time
bench_storecheck "$build"

bench_scratch h2mem

bench_site
# 8 KiB at 2 KiB/s: each response takes about 4 s, so every stream is busy all run long.
head -c 8192 /dev/zero | tr '\0' 'x' >"$tmp/slow.html"
start_nginx() {
    port=$(free_port)
    nginx_conf 4096 "http2_max_concurrent_streams 128;" "
    listen 127.0.0.1:$port ssl http2 backlog=4096;
    ssl_certificate $tmp/cert.pem;
    ssl_certificate_key $tmp/key.pem;
    location = /slow.html { limit_rate 2k; }"
    nginx_run "https://127.0.0.1:$port/index.html"
}
start_retried start_nginx

echo "storecheck load --http 2, 100 connections x 100 streams, ${duration}s, responses of 8 KiB"
echo "at 2 KiB/s each; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
/usr/bin/time -f "%M" -o "$tmp/rss.txt" "$sc" load --http 2 -t1 -c100 --streams 100 \
    -d"${duration}s" --timeout 30s --cacert "$tmp/cert.pem" --json "$tmp/mem.json" \
    "https://127.0.0.1:$port/slow.html" >"$tmp/out.txt" 2>&1 || true
[ -s "$tmp/mem.json" ] || { echo "bench: the load wrote no result" >&2; cat "$tmp/out.txt" >&2; exit 1; }
python3 - "$tmp/mem.json" "$(cat "$tmp/rss.txt")" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
t, lat = d["totals"], d["latency_us"]["uncorrected"]
rss_kb = float(sys.argv[2])
DRAIN_US = 2e6  # in-flight requests finish for at most min(timeout, 2 s) after sending ends
in_flight = lat["sum"] / (d["elapsed_us"] + DRAIN_US)
rss_mb = rss_kb / 1024
print(f"  h2 connections {t['protocols'].get('h2', 0)}, responses {t['responses']}, "
      f"errors {t['errors_total']}, mean latency {lat['mean'] / 1e6:.2f} s")
print(f"  streams in flight on average (Little's law, at least): {in_flight:.0f}")
print(f"  max RSS {rss_mb:.1f} MB ({'under' if rss_mb < 100 else 'OVER'} 100 MB)")
PY
