#!/usr/bin/env bash
# Benchmark storecheck load against wrk, both against one nginx on loopback.
#
#   bench/loadgen.sh [--rounds N] [--duration S] [--soak]
#
# nginx: one worker pinned to core 1, ~200-byte response, access_log off, plain and TLS.
# Generators: one thread, 50 connections, pinned to core 0, run alternately; medians of the
# rounds. CPU per generator is user+system time of the process (GNU time). Ratios compare
# medians of the same run. --soak adds a 60 s run that samples storecheck's RSS.
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=3
duration=10
soak=0
while [ $# -gt 0 ]; do
    case "$1" in
    --rounds) rounds=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --soak) soak=1; shift ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done


build=build-bench
. bench/release_build.sh
. bench/nginx_bench.sh
bench_needs nginx wrk openssl python3 taskset /usr/bin/time
release_build "$build"
sc=$PWD/$build/checker/storecheck

bench_scratch loadgen

# 10,000 idle connections need descriptors on both sides.
ulimit -n 30000 2>/dev/null || ulimit -n "$(ulimit -Hn)"

bench_site
start_nginx() {
port=$(free_port)
tport=$(free_port)
nginx_conf 25000 "" "
    listen 127.0.0.1:$port backlog=4096;
    listen 127.0.0.1:$tport ssl backlog=4096;
    ssl_certificate $tmp/cert.pem;
    ssl_certificate_key $tmp/key.pem;
    ssl_session_cache shared:SSL:10m;"
nginx_run "http://127.0.0.1:$port/" 1
}
start_retried start_nginx

# run CMD...: one pinned run; prints "req_per_s generator_cpu_seconds nginx_cpu_seconds
# answered_requests". The CPU figures divide the answered requests the generator counted, not
# req/s times the nominal duration: a run on a busy machine ends later than asked (wrk's 10 s
# can last 11), and the nominal duration would then miscount its requests.
run() {
    local timed rps answered out=$tmp/out.txt
    timed=$(bench_timed "$@")
    rps=$(grep -E 'Requests/sec:' "$out" | head -1 | sed -E 's/.*Requests\/sec: *([0-9.]+).*/\1/')
    # wrk: "N requests in 10.00s"; storecheck: "N requests, M responses in 10s".
    answered=$(awk '/ requests in / {print $1; exit} / requests, .* responses in / {print $3; exit}' "$out")
    echo "${rps:-0} $timed ${answered:-0}"
}

# compare LABEL WRK_ARGS :: SC_ARGS: alternate the two generators, print medians and ratios.
compare() {
    local label=$1; shift
    local wrk_args=() sc_args=()
    while [ "$1" != "::" ]; do wrk_args+=("$1"); shift; done
    shift
    sc_args=("$@")
    : >"$tmp/wrk.txt"; : >"$tmp/sc.txt"
    for _ in $(seq "$rounds"); do
        run wrk -t1 -c50 -d"${duration}s" "${wrk_args[@]}" >>"$tmp/wrk.txt"
        run "$sc" load -t1 -c50 -d"${duration}s" "${sc_args[@]}" >>"$tmp/sc.txt" || true
    done
    python3 - "$label" "$tmp/wrk.txt" "$tmp/sc.txt" <<'PY'
import statistics, sys
label, wf, sf = sys.argv[1], sys.argv[2], sys.argv[3]
def load(f):
    rows = [tuple(map(float, l.split())) for l in open(f) if l.strip()]
    rps = statistics.median(r[0] for r in rows)
    per_cpu = statistics.median(r[3] / r[1] if r[1] else 0 for r in rows)
    server = statistics.median(r[3] / r[2] if r[2] else 0 for r in rows)
    return rps, per_cpu, server
def ratio(a, b):
    return a / b if b else 0
w, s = load(wf), load(sf)
print(f"{label:10} req/s: wrk {w[0]:>8.0f}  storecheck {s[0]:>8.0f}  ({ratio(s[0], w[0]):.2f}x) | "
      f"req per generator CPU-s: wrk {w[1]:>8.0f}  storecheck {s[1]:>8.0f}  ({ratio(s[1], w[1]):.2f}x) | "
      f"nginx req per its CPU-s: {w[2]:>7.0f} / {s[2]:>7.0f}")
PY
}

echo "storecheck vs wrk: nginx 1 worker on core 1, generators 1 thread 50 connections on core 0,"
echo "${rounds} alternating rounds of ${duration}s, medians; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "(nginx req per its CPU-s shows what each generator's requests cost the server: on a shared"
echo " machine req/s follows the server's share of its core, the CPU figures do not)"
compare plain "http://127.0.0.1:$port/" :: "http://127.0.0.1:$port/"
compare pipeline16 -s bench/pipeline.lua "http://127.0.0.1:$port/" -- 16 :: \
    --pipeline 16 "http://127.0.0.1:$port/"
compare tls "https://127.0.0.1:$tport/" :: --cacert "$tmp/cert.pem" "https://127.0.0.1:$tport/"

echo
echo "open model accuracy (1 thread on core 0, ${duration}s each): achieved / requested"
for rate in 1000 10000 50000; do
    taskset -c 0 "$sc" load -t1 -R "$rate" -d "${duration}s" --json "$tmp/open.json" \
        "http://127.0.0.1:$port/" >/dev/null 2>&1 || true
    python3 - "$rate" "$tmp/open.json" <<'PY'
import json, sys
rate, path = float(sys.argv[1]), sys.argv[2]
d = json.load(open(path))
t = d["totals"]
lat = d["latency_us"]["corrected"]
print(f"  {rate:>8.0f}/s requested: achieved {d['achieved_rate']:>10.1f}/s "
      f"({d['achieved_rate'] / rate * 100:6.2f}%), late {t['late']}, dropped {t['dropped']}, "
      f"errors {t['errors_total']}, corrected p99 {lat['p99']}us")
PY
done

echo
echo "10,000 idle keep-alive connections (open model at 1 req/s, 10 s)"
/usr/bin/time -f "%M" -o "$tmp/rss.txt" "$sc" load -t1 -R 1 -c 10000 --max-connections 10000 \
    -d 10s --json "$tmp/idle.json" "http://127.0.0.1:$port/" >/dev/null 2>&1 || true
python3 - "$tmp/idle.json" "$(cat "$tmp/rss.txt")" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
rss_mb = int(sys.argv[2]) / 1024
print(f"  connections established {d['totals']['connects']}, peak {d['totals']['peak_connections']}, "
      f"errors {d['totals']['errors_total']}; max RSS {rss_mb:.1f} MB")
PY

if [ "$soak" = 1 ]; then
    echo
    echo "RSS over a 60 s closed-model run (1 thread, 50 connections), sampled every 5 s to 55 s"
    "$sc" load -t1 -c50 -d60s "http://127.0.0.1:$port/" >/dev/null 2>&1 &
    pid=$!
    samples=()
    for _ in $(seq 11); do
        sleep 5
        rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
        samples+=("$rss")
    done
    wait "$pid" || true
    echo "  RSS kB: ${samples[*]}"
    echo "  growth from 10 s to 55 s: $(( ${samples[-1]} - ${samples[1]} )) kB"
fi
