#!/usr/bin/env bash
# The demo job: install what is needed, build, start the bundled reference store on loopback
# (HTTPS 127.0.0.1:8443, HTTP 127.0.0.1:8080, fault admin 127.0.0.1:9100), then validate the
# example config and run it: baseline audit, load with the under-load checks and an injected
# fault, one verdict. The reports go to out/.
# Usage: scripts/demo.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
build=build
out=$root/out

scripts/install-deps.sh
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j "$(nproc)" >/dev/null
sc=$build/checker/storecheck
refstore=$build/tests/refstore/storecheck-refstore

mkdir -p "$out"
certs=$build/demo-certs
[ -f "$certs/server.pem" ] || tests/certs/make-certs.sh "$certs" >/dev/null

for port in 8080 8443 9100; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "demo: port $port on 127.0.0.1 is in use; stop what listens there first" >&2
    exit 3
  fi
done

# Test secrets for the reference store's webhooks, exported so the config reads them as ${VAR}.
export STORECHECK_CA_FILE=$root/$certs/ca.pem
export WEBHOOK_SECRET=whsec_ZGVtby13ZWJob29rLXNlY3JldA==
export INTAKE_SECRET=whsec_ZGVtby1pbnRha2Utc2VjcmV0

rm -f "$out/refstore.ready"
"$refstore" --listen 127.0.0.1:8080 --tls-listen 127.0.0.1:8443 \
  --cert "$certs/server.pem" --key "$certs/server.key" --admin 127.0.0.1:9100 \
  --webhook-schedule 1s,2s,4s --webhook-secret "$WEBHOOK_SECRET" \
  --intake-secret "$INTAKE_SECRET" --ready-file "$out/refstore.ready" --quiet &
store_pid=$!
trap 'kill $store_pid 2>/dev/null; wait $store_pid 2>/dev/null' EXIT
for _ in $(seq 50); do [ -s "$out/refstore.ready" ] && break; sleep 0.1; done
[ -s "$out/refstore.ready" ] || { echo "demo: the reference store did not start" >&2; exit 3; }

set +e
"$sc" validate examples/refstore.yaml || exit $?
echo
"$sc" run examples/refstore.yaml --json "$out/report.json" --html "$out/report.html" \
  --junit "$out/junit.xml" --markdown "$out/summary.md"
run_rc=$?
set -e
echo
echo "HTML report: $out/report.html"
echo "JSON report: $out/report.json (exit $run_rc)"
exit $run_rc
