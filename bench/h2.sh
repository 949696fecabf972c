#!/usr/bin/env bash
# Benchmark storecheck load over HTTP/2 against h2load (nghttp2-client), both against one nginx
# on loopback speaking h2 over TLS.
#
#   bench/h2.sh [--rounds N] [--duration S]
#
# nginx: one worker pinned to core 1, ~200-byte response, access_log off, HTTP/2 over TLS.
# Generators: one thread, 10 connections x 32 streams, pinned to core 0, run alternately;
# medians of the rounds. CPU per generator is user+system time of the process (GNU time).
# Ratios compare medians of the same run. The memory of 10,000 streams in flight:
# bench/h2-memory.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=3
duration=10
while [ $# -gt 0 ]; do
    case "$1" in
    --rounds) rounds=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done


build=build-bench
. bench/release_build.sh
. bench/nginx_bench.sh
bench_needs nginx h2load openssl python3 taskset curl /usr/bin/time
release_build "$build"
sc=$PWD/$build/checker/storecheck

bench_scratch h2

bench_site
start_nginx() {
    port=$(free_port)
    # nginx before 1.25 turns HTTP/2 on per listen socket ("http2 on;" from 1.25).
    nginx_conf 4096 "http2_max_concurrent_streams 128;" "
    listen 127.0.0.1:$port ssl http2 backlog=4096;
    ssl_certificate $tmp/cert.pem;
    ssl_certificate_key $tmp/key.pem;"
    nginx_run "https://127.0.0.1:$port/" 1
}
start_retried start_nginx
url="https://127.0.0.1:$port/index.html"

# run NAME CMD...: one pinned run; prints "responses_per_s generator_cpu_seconds
# nginx_cpu_seconds answered_requests".
run() {
    local name=$1 out=$tmp/out.txt timed rps answered
    shift
    timed=$(bench_timed "$@")
    if [ "$name" = h2load ]; then
        # "finished in 10.00s, 51234.56 req/s, ..." counts completed requests;
        # "requests: N total, N started, N done, N succeeded, ..." the answered ones.
        rps=$(sed -nE 's/^finished in [0-9.]+s, ([0-9.]+) req\/s.*/\1/p' "$out")
        answered=$(sed -nE 's/^requests: .* ([0-9]+) succeeded.*/\1/p' "$out")
    else
        rps=$(sed -nE 's/.*Requests\/sec: *([0-9.]+).*/\1/p' "$out" | head -1)
        answered=$(awk '/ requests, .* responses in / {print $3; exit}' "$out")
    fi
    echo "${rps:-0} $timed ${answered:-0}"
}

: >"$tmp/h2load.txt"; : >"$tmp/sc.txt"
for _ in $(seq "$rounds"); do
    run h2load h2load -t1 -c10 -m32 -D"$duration" "$url" >>"$tmp/h2load.txt"
    run storecheck "$sc" load --http 2 -t1 -c10 --streams 32 -d"${duration}s" \
        --cacert "$tmp/cert.pem" "$url" >>"$tmp/sc.txt"
done

echo "storecheck vs h2load, HTTP/2 over TLS: nginx 1 worker on core 1, generators 1 thread,"
echo "10 connections x 32 streams on core 0, ${rounds} alternating rounds of ${duration}s, medians;"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "(nginx req per its CPU-s: what each generator's requests cost the server, which limits"
echo " req/s when its core is busy)"
python3 - "$tmp/h2load.txt" "$tmp/sc.txt" <<'PY'
import statistics, sys
hf, sf = sys.argv[1], sys.argv[2]
def load(f):
    rows = [tuple(map(float, l.split())) for l in open(f) if l.strip()]
    return (statistics.median(r[0] for r in rows),
            statistics.median(r[3] / r[1] if r[1] else 0 for r in rows),
            statistics.median(r[3] / r[2] if r[2] else 0 for r in rows))
def ratio(a, b):
    return a / b if b else 0
h, s = load(hf), load(sf)
print(f"h2/tls     req/s: h2load {h[0]:>8.0f}  storecheck {s[0]:>8.0f}  ({ratio(s[0], h[0]):.2f}x) | "
      f"req per generator CPU-s: h2load {h[1]:>8.0f}  storecheck {s[1]:>8.0f}  ({ratio(s[1], h[1]):.2f}x) | "
      f"nginx req per its CPU-s: {h[2]:>7.0f} / {s[2]:>7.0f}")
PY

