#!/usr/bin/env bash
# Benchmarks the reference store's hot path, GET /api/v1/products/{id}, against nginx serving a
# static file of the same size, configured the same way (one worker, keep-alive, no access log).
# The server runs pinned to one core and wrk to another; each server gets RUNS rounds,
# alternating, and the median req/s of each is printed with their ratio.
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

bench() {
  taskset -c "$client_cpu" wrk -t1 -c"$connections" -d"$duration" "$1" |
    awk '/Requests\/sec/ { print $2 }'
}
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

echo "body: $(wc -c < "$work/html/product.json") bytes; wrk -t1 -c$connections -d$duration; $runs rounds"
: > "$work/store.txt"
: > "$work/nginx.txt"
for i in $(seq "$runs"); do
  s=$(bench "$store_url"); echo "$s" >> "$work/store.txt"
  n=$(bench "$nginx_url"); echo "$n" >> "$work/nginx.txt"
  printf 'round %d: refstore %s req/s, nginx %s req/s\n' "$i" "$s" "$n"
done
store_median=$(median < "$work/store.txt")
nginx_median=$(median < "$work/nginx.txt")
awk -v s="$store_median" -v n="$nginx_median" \
  'BEGIN { printf "median: refstore %.0f req/s, nginx %.0f req/s, ratio %.2f\n", s, n, s / n }'
