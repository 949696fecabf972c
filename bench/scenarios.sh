#!/usr/bin/env bash
# Scenario runs against the reference store on loopback (Release build, no sanitizers):
#
# 1. Generator CPU per request: a 5-step checkout flow with a JSON extraction in every step
#    versus a plain GET loop (URL mode) at the same request rate. CPU is the user + system time
#    of the storecheck process (GNU time), divided by the requests it sent. The runs alternate
#    RUNS times; the medians and their ratio are printed (target: <= 2x). A one-step GET
#    scenario at the same rate is measured too: it has the flow's machinery without the extra
#    steps and extractions, and its arrivals cost what the plain loop's do.
# 2. Memory per idle virtual user: closed-model runs whose users start one short iteration
#    (GET /healthz) on a ramp, then think for 10 minutes, at USERS_SMALL and USERS users. The
#    peak RSS of the process (VmHWM) of both gives the cost of one more user:
#    (RSS(USERS) - RSS(USERS_SMALL)) / (USERS - USERS_SMALL). That includes the user's
#    variables (2 KiB) and cookie jar (16 slots, 2 KiB) reserved at creation; the report
#    subtracts what the allocator actually has to give for them (target: <= 16 KiB besides).
#    The USERS run (100,000 by default) must fit in 2 GB.
#
# Usage: bench/scenarios.sh   (env: RUNS=3 RATE=2000 DURATION=10s USERS=100000
#                                   USERS_SMALL=10000 BUILD_DIR=build-bench)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-3}
rate=${RATE:-2000}
duration=${DURATION:-10s}
users=${USERS:-100000}
users_small=${USERS_SMALL:-10000}
build=${BUILD_DIR:-build-bench}

[ -x /usr/bin/time ] || { echo "bench needs GNU time (/usr/bin/time)" >&2; exit 2; }
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DSTORECHECK_SANITIZE=OFF -DSTORECHECK_WERROR=OFF >/dev/null
cmake --build "$build" -j 2 --target storecheck storecheck-refstore >/dev/null
sc=$build/checker/storecheck
store=$build/tests/refstore/storecheck-refstore

work=$(mktemp -d "${TMPDIR:-/tmp}/scenario-bench.XXXXXX")
store_pid=""
cleanup() {
  [ -n "$store_pid" ] && kill "$store_pid" 2>/dev/null && wait "$store_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

"$store" --listen 127.0.0.1:0 --ready-file "$work/ready" --quiet >/dev/null &
store_pid=$!
for _ in $(seq 100); do [ -s "$work/ready" ] && break; sleep 0.05; done
port=$(sed -n 's/.*http=127.0.0.1:\([0-9]*\).*/\1/p' "$work/ready")
[ -n "$port" ] || { echo "the store did not start" >&2; exit 3; }
base=http://127.0.0.1:$port

cat > "$work/checkout.yaml" <<EOF
target: { base_url: "$base", allowed_hosts: [127.0.0.1], timeout: 5s }
load:
  scenarios:
    checkout:
      - { name: cart, method: POST, path: /api/v1/carts, json: {}, expect: [201],
          extract: { cart_id: "\$.id" } }
      - { name: add, method: POST, path: "/api/v1/carts/{{cart_id}}/items",
          json: { product_id: "{{randint 1 1000}}", quantity: 1 }, expect: [200],
          extract: { pid: "\$.items[0].product_id" } }
      - { name: product, path: "/api/v1/products/{{pid}}", expect: [200],
          extract: { sku: "\$.sku" } }
      - { name: view, path: "/api/v1/carts/{{cart_id}}", expect: [200],
          extract: { total: "\$.total_cents" } }
      - { name: order, method: POST, path: /api/v1/checkout,
          headers: { Idempotency-Key: "{{uuid}}" }, json: { cart_id: "{{cart_id}}" },
          expect: [201], extract: { order_id: "\$.id" } }
    idle:
      - { name: health, path: /healthz, expect: [200] }
    get:
      - { name: product, path: /api/v1/products/42, expect: [200] }
EOF
iterations=$(awk -v r="$rate" 'BEGIN { printf "%g", r / 5 }')
cat > "$work/flow.yaml" <<EOF
model: open
start_rate: $iterations
stages: [ { duration: $duration, rate: $iterations } ]
mix: { checkout: 1 }
max_vus: 5000
pre_allocated_vus: 500
EOF

cat > "$work/get.yaml" <<EOF
model: open
start_rate: $rate
stages: [ { duration: $duration, rate: $rate } ]
mix: { get: 1 }
max_vus: 5000
pre_allocated_vus: 500
EOF

# CPU seconds per request of one run; prints "cpu_us_per_request requests failed".
measure() {
  local json=$1; shift
  /usr/bin/time -f "%U %S" -o "$work/time" "$@" --json "$json" >/dev/null
  python3 - "$json" "$work/time" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
u, s = map(float, open(sys.argv[2]).read().split()[-2:])
req = r["totals"]["requests"]
failed = sum(x["failed_total"] for x in r["scenarios"])
print("%.3f %d %d" % ((u + s) * 1e6 / max(req, 1), req, failed))
PY
}

flow=() plain=() one=()
for i in $(seq "$runs"); do
  f=$(measure "$work/flow.json" "$sc" load "$work/checkout.yaml" --profile "$work/flow.yaml" -t 1)
  p=$(measure "$work/plain.json" "$sc" load --rate "$rate" --duration "$duration" -t 1 \
        --connections 20 "$base/api/v1/products/42")
  g=$(measure "$work/get.json" "$sc" load "$work/checkout.yaml" --profile "$work/get.yaml" -t 1)
  echo "round $i: checkout flow ${f% * *} us/request (requests, failed: ${f#* });" \
       "plain GET ${p% * *} us/request; one-step GET scenario ${g% * *} us/request"
  flow+=("${f%% *}") plain+=("${p%% *}") one+=("${g%% *}")
done
median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
mf=$(median "${flow[@]}") mp=$(median "${plain[@]}") mg=$(median "${one[@]}")
echo "generator CPU per request at $rate req/s: checkout flow ${mf} us, plain GET ${mp} us," \
     "ratio $(ratio "$mf" "$mp") (target <= 2); one-step GET scenario ${mg} us," \
     "flow / one-step $(ratio "$mf" "$mg")"

# Peak RSS in KiB of a closed run with n users that mostly think.
rss_of() {
  local n=$1
  cat > "$work/idle.yaml" <<EOF
model: closed
start_users: 0
stages: [ { duration: 20s, users: $n }, { duration: 5s, users: $n } ]
think_time: 10m
mix: { idle: 1 }
EOF
  /usr/bin/time -f "%M" -o "$work/rss" "$sc" load "$work/checkout.yaml" --profile "$work/idle.yaml" \
    -t 1 --json "$work/idle.json" >/dev/null
  python3 - "$work/idle.json" "$n" <<'PY' >&2
import json, sys
r = json.load(open(sys.argv[1]))
s = r["scenarios"][1]
print("  %s users: %d iterations started, %d completed, %d failed, peak %d users" %
      (sys.argv[2], s["started"], s["completed"], s["failed_total"], r["virtual_users"]["peak"]))
PY
  tail -1 "$work/rss"
}
small=$(rss_of "$users_small")
big=$(rss_of "$users")
per=$(awk -v a="$big" -v b="$small" -v n="$users" -v m="$users_small" 'BEGIN { printf "%.0f", (a - b) * 1024 / (n - m) }')
# What a user's variables and cookie jar take from malloc: a 32-byte header, 12 bytes per
# variable slot (the plan above has 5 variables) and 2 KiB of values; a 32-byte header, 16
# cookie slots of 12 bytes and 2 KiB of cookie text. Each allocation carries an 8-byte chunk
# header and is rounded up to 16 bytes.
chunk() { echo $(( ($1 + 8 + 15) / 16 * 16 )); }
reserved=$(( $(chunk $((32 + 5 * 12 + 2048))) + $(chunk $((32 + 16 * 12 + 2048))) ))
echo "peak RSS: $small KiB with $users_small users, $big KiB with $users users" \
     "($(awk -v k="$big" 'BEGIN { printf "%.0f", k / 1024 }') MiB; target: fits in 2 GB)"
echo "per idle virtual user: $per bytes, of which ~$reserved reserved for variables and cookies:" \
     "$((per - reserved)) bytes besides (target <= 16384)"
