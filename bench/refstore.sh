#!/usr/bin/env bash
# Benchmarks the reference store's hot path, GET /api/v1/products/{id}, against nginx serving a
# static file of the same size, configured the same way (one worker, keep-alive, no access log).
# The server runs pinned to one core and wrk to another; each server gets RUNS rounds,
# alternating, and the median req/s of each is printed with their ratio, together with the
# requests served per CPU-second the server actually got (its capacity on a whole core, which
# other work on a shared machine does not distort).
#
# Usage: bench/refstore.sh   (env: RUNS=3 DURATION=10s CONNECTIONS=50 SERVER_CPU=0 CLIENT_CPU=1
#                                  BUILD_DIR=build-bench)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-3}
duration=${DURATION:-10s}
connections=${CONNECTIONS:-50}
server_cpu=${SERVER_CPU:-0}
client_cpu=${CLIENT_CPU:-1}
build=${BUILD_DIR:-build-bench}

for tool in wrk nginx taskset curl; do
  command -v "$tool" >/dev/null || { echo "bench needs $tool (scripts/install-deps.sh --bench)" >&2; exit 2; }
done

cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DSTORECHECK_SANITIZE=OFF -DSTORECHECK_WERROR=OFF >/dev/null
cmake --build "$build" -j 2 --target storecheck-refstore >/dev/null
bin=$build/tests/refstore/storecheck-refstore

work=$(mktemp -d "${TMPDIR:-/tmp}/refstore-bench.XXXXXX")
store_pid=""
nginx_pid=""
cleanup() {
  [ -n "$store_pid" ] && kill "$store_pid" 2>/dev/null && wait "$store_pid" 2>/dev/null
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

taskset -c "$server_cpu" "$bin" --listen 127.0.0.1:0 --ready-file "$work/ready" --quiet >/dev/null &
store_pid=$!
for _ in $(seq 100); do [ -s "$work/ready" ] && break; sleep 0.05; done
store_port=$(sed -n 's/.*http=127.0.0.1:\([0-9]*\).*/\1/p' "$work/ready")
[ -n "$store_port" ] || { echo "the store did not start" >&2; exit 3; }
store_url="http://127.0.0.1:$store_port/api/v1/products/42"

# nginx serves the very same bytes as a file.
mkdir -p "$work/html" "$work/tmp"
curl -sf "$store_url" > "$work/html/product.json"
nginx_port=$((20000 + RANDOM % 20000))
cat > "$work/nginx.conf" <<CONF
worker_processes 1;
daemon off;
master_process off;
pid $work/nginx.pid;
error_log $work/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  keepalive_requests 1000000;
  open_file_cache max=16 inactive=60s;
  open_file_cache_valid 60s;
  client_body_temp_path $work/tmp;
  proxy_temp_path $work/tmp;
  fastcgi_temp_path $work/tmp;
  uwsgi_temp_path $work/tmp;
  scgi_temp_path $work/tmp;
  default_type application/json;
  server {
    listen 127.0.0.1:$nginx_port;
    root $work/html;
  }
}
CONF
taskset -c "$server_cpu" nginx -c "$work/nginx.conf" -p "$work" &
nginx_pid=$!
nginx_url="http://127.0.0.1:$nginx_port/product.json"
for _ in $(seq 100); do curl -sf -o /dev/null "$nginx_url" && break; sleep 0.05; done
curl -sf -o /dev/null "$nginx_url" || { echo "nginx did not start: $(cat "$work/error.log")" >&2; exit 3; }

ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)

# bench URL PID: prints "req/s requests-per-cpu-second". The second figure is what the server
# does per second of CPU it actually got, which other load on the machine does not distort.
bench() {
  local before after out
  before=$(ticks "$2")
  out=$(taskset -c "$client_cpu" wrk -t1 -c"$connections" -d"$duration" "$1")
  after=$(ticks "$2")
  awk -v hz="$hz" -v t="$((after - before))" '
    /requests in/ { n = $1 }
    /Requests\/sec/ { rps = $2 }
    END { printf "%.0f %.0f\n", rps, (t > 0 ? n * hz / t : 0) }' <<< "$out"
}
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

echo "body: $(wc -c < "$work/html/product.json") bytes; wrk -t1 -c$connections -d$duration; $runs rounds"
# Other work on the machine skews both servers; say how busy it was.
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
: > "$work/store.txt"
: > "$work/nginx.txt"
for i in $(seq "$runs"); do
  read -r s s_cpu < <(bench "$store_url" "$store_pid"); echo "$s $s_cpu" >> "$work/store.txt"
  read -r n n_cpu < <(bench "$nginx_url" "$nginx_pid"); echo "$n $n_cpu" >> "$work/nginx.txt"
  printf 'round %d: refstore %s req/s (%s per CPU-second), nginx %s req/s (%s per CPU-second)\n' \
    "$i" "$s" "$s_cpu" "$n" "$n_cpu"
done
store_median=$(cut -d' ' -f1 "$work/store.txt" | median)
nginx_median=$(cut -d' ' -f1 "$work/nginx.txt" | median)
store_cpu=$(cut -d' ' -f2 "$work/store.txt" | median)
nginx_cpu=$(cut -d' ' -f2 "$work/nginx.txt" | median)
awk -v s="$store_median" -v n="$nginx_median" -v sc="$store_cpu" -v nc="$nginx_cpu" 'BEGIN {
  printf "median: refstore %.0f req/s, nginx %.0f req/s, ratio %.2f\n", s, n, s / n
  printf "median per CPU-second: refstore %.0f, nginx %.0f, ratio %.2f\n", sc, nc, sc / nc
}'
