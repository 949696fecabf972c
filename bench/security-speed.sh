#!/usr/bin/env bash
# How long does the whole S group take, the handshake scanner included, beside testssl.sh's
# default run on the same server? nginx on loopback serves a small page over TLS 1.0-1.3 with
# its default suites at security level 0 (the most handshakes a scan makes), its plain HTTP on
# the same port redirected to HTTPS. Times `storecheck audit --only S` and `testssl` (Debian's
# testssl.sh, default run) alternately, RUNS times each, and prints the medians and their ratio.
# The target is the S group under 5 s. Then the handshake scanner's share: S-TLS-CIPHERS's
# time, connections and hellos at once, from the last audit's report.
#
#   bench/security-speed.sh [--runs N] [--rtt MS] [--build DIR]
#
# --runs: runs of each tool (default 3); --rtt: both tools reach nginx through a loopback
# proxy that holds every connection's opening and every read for MS/2 ms each way, a network
# MS ms round trip away (default 0: straight to nginx); --build reuses a build (default: a
# Release build in build-bench). Exit: 0 done, 1 the S group took 5 s or more, 2 a tool is missing or a server
# did not start. Everything listens on 127.0.0.1 and is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

runs=3
rtt=0
build=
while [ $# -gt 0 ]; do
    case "$1" in
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    --runs|--rtt|--build)
        [ $# -ge 2 ] || { echo "$1 needs a value" >&2; exit 2; }
        printf -v "${1#--}" '%s' "$2"
        shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done

for tool in nginx python3 timeout; do
    command -v "$tool" >/dev/null || { echo "bench: $tool is needed" >&2; exit 2; }
done
testssl=$(command -v testssl || command -v testssl.sh || true)
[ -n "$testssl" ] || { echo "bench: testssl.sh is needed (Debian: apt-get install testssl.sh)" >&2; exit 2; }

. bench/release_build.sh
bench_storecheck "$build"

work=$(mktemp -d /tmp/storecheck-bench-security-XXXXXX)
chmod 755 "$work" # nginx's workers read the page
nginx_pid= proxy_pid=
cleanup() {
    [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null
    [ -n "$proxy_pid" ] && kill "$proxy_pid" 2>/dev/null && wait "$proxy_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

tests/certs/make-certs.sh "$work/certs" >/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$work/site"
echo '<!doctype html><html><head><title>Shop</title></head><body>Shop</body></html>' \
    >"$work/site/index.html"
cat >"$work/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $work/nginx.pid;
error_log $work/error.log crit;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path $work/body;
  proxy_temp_path $work/proxy;
  fastcgi_temp_path $work/fastcgi;
  uwsgi_temp_path $work/uwsgi;
  scgi_temp_path $work/scgi;
  server {
    listen 127.0.0.1:$port ssl;
    server_name localhost;
    ssl_certificate $work/certs/server.pem;
    ssl_certificate_key $work/certs/server.key;
    ssl_protocols TLSv1 TLSv1.1 TLSv1.2 TLSv1.3;
    ssl_ciphers HIGH:!aNULL:!MD5:@SECLEVEL=0;
    server_tokens off;
    error_page 497 =301 https://\$host:\$server_port\$request_uri;
    root $work/site;
    add_header Strict-Transport-Security "max-age=31536000" always;
    add_header Content-Security-Policy "default-src 'self'; form-action 'self'" always;
    add_header X-Content-Type-Options nosniff always;
    add_header X-Frame-Options DENY always;
  }
}
CONF
nginx -p "$work" -c "$work/nginx.conf" -e "$work/error.log" &
nginx_pid=$!
for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.1
done
(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "bench: nginx did not start" >&2; exit 2; }

# A round trip of $rtt ms: the proxy's port stands for the server from here on.
if [ "$rtt" != 0 ]; then
    upstream=$port
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    python3 - "$port" "$upstream" "$rtt" <<'PY' &
import asyncio, sys
listen, upstream, half = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]) / 2000

async def pipe(reader, writer):
    """Forward what reader gives, each piece half a round trip after it came, in order."""
    queue = asyncio.Queue()
    async def deliver():
        while (item := await queue.get()) is not None:
            due, data = item
            await asyncio.sleep(max(0, due - asyncio.get_running_loop().time()))
            writer.write(data)
            await writer.drain()
        writer.close()
    task = asyncio.create_task(deliver())
    try:
        while data := await reader.read(65536):
            await queue.put((asyncio.get_running_loop().time() + half, data))
    except OSError:
        pass
    await queue.put(None)
    await task

async def serve(reader, writer):
    await asyncio.sleep(2 * half)  # the TCP handshake's round trip
    try:
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", upstream)
    except OSError:
        writer.close()
        return
    await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer),
                         return_exceptions=True)

async def main():
    server = await asyncio.start_server(serve, "127.0.0.1", listen, backlog=256)
    await server.serve_forever()

asyncio.run(main())
PY
    proxy_pid=$!
    for _ in $(seq 100); do
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
        sleep 0.1
    done
fi

cat >"$work/sc.yaml" <<YAML
target:
  base_url: https://127.0.0.1:$port
  http_url: http://127.0.0.1:$port
  tls: { ca_file: $work/certs/ca.pem }
  endpoints: { home: / }
YAML

# seconds CMD...: the wall time of CMD in seconds (its exit status is not a failure here: an
# audit that finds problems exits 1).
seconds() {
    local t0 t1
    t0=$(date +%s.%N)
    "$@" >/dev/null 2>&1 || true
    t1=$(date +%s.%N)
    awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }'
}
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

sc_times=() ts_times=()
for i in $(seq "$runs"); do
    sc_times+=("$(seconds timeout 120 "$sc" -q audit "$work/sc.yaml" --only S --json "$work/sc.json")")
    ts_times+=("$(seconds timeout 1800 "$testssl" --quiet --color 0 --warnings off \
        --ip 127.0.0.1 --jsonfile "$work/ts-$i.json" "https://127.0.0.1:$port")")
    echo "run $i: storecheck ${sc_times[-1]} s, testssl.sh ${ts_times[-1]} s"
done
[ -s "$work/sc.json" ] || { echo "bench: storecheck wrote no report" >&2; exit 2; }
python3 - "$work/sc.json" <<'PY'
import json, sys
for c in json.load(open(sys.argv[1]))["checks"]:
    if c["id"] != "S-TLS-CIPHERS":
        continue
    scan = [e["detail"] for e in c["evidence"] if e["request"].endswith("(handshake scanner)")]
    print("S-TLS-CIPHERS: %d ms; handshake scanner: %s" % (c["elapsed_ms"], scan[0] if scan else "?"))
PY
decided=$(python3 -c 'import json, sys
print(sum(c["status"] in ("pass", "warn", "fail") for c in json.load(open(sys.argv[1]))["checks"]))' \
    "$work/sc.json")
sc_med=$(printf '%s\n' "${sc_times[@]}" | median)
ts_med=$(printf '%s\n' "${ts_times[@]}" | median)
printf 'round trip to the server: %s ms\n' "$rtt"
printf 'storecheck audit --only S (%s checks decided): median %.2f s over %d runs\n' \
    "$decided" "$sc_med" "$runs"
printf 'testssl.sh default run:                       median %.2f s over %d runs\n' "$ts_med" "$runs"
printf 'testssl.sh / storecheck: %.0fx\n' "$(awk -v a="$ts_med" -v b="$sc_med" 'BEGIN { print a / b }')"
if awk -v t="$sc_med" 'BEGIN { exit !(t >= 5) }'; then
    echo "the S group took 5 s or more: over its target" >&2
    exit 1
fi
