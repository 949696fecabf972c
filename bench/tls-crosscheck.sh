#!/usr/bin/env bash
# Cross-check storecheck's TLS probes (S-TLS-VERSIONS, S-TLS-CIPHERS) against sslscan and, when
# it is installed, testssl.sh, on the same two nginx configs in front of the reference store:
# "modern" (TLS 1.2/1.3, ECDHE + AEAD only) and "legacy" (TLS 1.0-1.2, nginx's default
# HIGH:!aNULL:!MD5 at security level 0). Prints the protocol versions and cipher suites each tool
# saw as accepted and every disagreement.
#
# Then the vulnerability probes (S-TLS-FALLBACK-SCSV .. S-TLS-CIPHER-ORDER) on those two and, when
# gnutls-serv is installed, a gnutls-serv with RC4/3DES/NULL/anonymous suites, heartbeat and a
# 1024-bit DH group: each finding beside testssl.sh's (-U -P -f) and sslscan's where they report
# it (bench/tls_vulns_compare.py), the agreement count and each tool's time as a ratio to
# storecheck's. Those disagreements are printed, not counted in the exit status: testssl.sh runs
# part of its checks with the local OpenSSL, which cannot speak TLS 1.0 or weak suites here.
#
# Usage: bench/tls-crosscheck.sh [BUILD_DIR]     (default: ./build)
# Exit: 0 no disagreement, 1 disagreements, 2 a tool or server is missing or did not start.
# Everything listens on 127.0.0.1 and is stopped on exit.
set -euo pipefail

src=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$src/build}" && pwd)
storecheck=$build/checker/storecheck
refstore=$build/tests/refstore/storecheck-refstore
for tool in "$storecheck" "$refstore"; do
  [ -x "$tool" ] || { echo "missing $tool: build first" >&2; exit 2; }
done
for tool in nginx sslscan python3; do
  command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 2; }
done
testssl=$(command -v testssl || command -v testssl.sh || true)

work=$(mktemp -d "${TMPDIR:-/tmp}/tls-crosscheck.XXXXXX")
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() {
  for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "nothing listens on port $1" >&2
  exit 2
}

"$src/tests/certs/make-certs.sh" "$work/certs" >/dev/null

"$refstore" --listen 127.0.0.1:0 --quiet --ready-file "$work/ready" >/dev/null &
pids+=($!)
for _ in $(seq 100); do [ -s "$work/ready" ] && break; sleep 0.1; done
store=$(sed -nE 's/.*http=127\.0\.0\.1:([0-9]+).*/\1/p' "$work/ready")
[ -n "$store" ] || { echo "the reference store did not start" >&2; exit 2; }

modern=$(free_port)
legacy=$(free_port)
mkdir -p "$work/nginx"
cat > "$work/nginx/nginx.conf" <<EOF
worker_processes 1;
daemon off;
user root;
pid $work/nginx/nginx.pid;
error_log stderr error;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  ssl_certificate $work/certs/server.pem;
  ssl_certificate_key $work/certs/server.key;
  server {
    listen 127.0.0.1:$modern ssl http2;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305;
    ssl_prefer_server_ciphers off;
    location / { proxy_pass http://127.0.0.1:$store; }
  }
  server {
    listen 127.0.0.1:$legacy ssl;
    ssl_protocols TLSv1 TLSv1.1 TLSv1.2;
    ssl_ciphers HIGH:!aNULL:!MD5:@SECLEVEL=0;
    location / { proxy_pass http://127.0.0.1:$store; }
  }
}
EOF
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -e stderr &
pids+=($!)
wait_port "$modern"
wait_port "$legacy"

# What one tool saw, as lines "TLSv1.x" and "TLSv1.x CIPHER" (OpenSSL names), sorted.
storecheck_view() {
  cat > "$work/sc.yaml" <<EOF
target:
  base_url: https://127.0.0.1:$1
  tls: { ca_file: $work/certs/ca.pem }
EOF
  "$storecheck" -q audit "$work/sc.yaml" --only S-TLS-VERSIONS,S-TLS-CIPHERS \
    --json "$work/sc.json" >/dev/null || true
  python3 - "$work/sc.json" <<'PY'
import json, re, sys
doc = json.load(open(sys.argv[1]))
out = set()
for p in doc["checks"]:
    for e in p.get("evidence", []):
        m = re.search(r"\((TLS 1\.[0-3]) (only|suites)\)", e.get("request", ""))
        if not m:
            continue
        v = m.group(1).replace("TLS ", "TLSv")
        if m.group(2) == "only" and e["detail"].startswith("accepted"):
            out.add(v)
        # "accepted: A B" (TLS 1.3) or "accepted (server's order): A B; secure renegotiation: yes"
        s = re.match(r"accepted(?: \([^)]*\))?: ([^;]*)", e["detail"])
        if m.group(2) == "suites" and s:
            out.add(v)
            out.update(f"{v} {c}" for c in s.group(1).split())
print("\n".join(sorted(out)))
PY
}

sslscan_view() {
  timeout 120 sslscan --no-colour --no-heartbleed --no-renegotiation --no-compression \
    --no-fallback --no-groups --no-check-certificate --xml="$work/ss.xml" "127.0.0.1:$1" \
    >/dev/null 2>&1 || true
  python3 - "$work/ss.xml" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
out = set()
for p in root.iter("protocol"):
    if p.get("type") == "tls" and p.get("enabled") == "1":
        out.add("TLSv" + p.get("version"))
for c in root.iter("cipher"):
    if c.get("status") in ("accepted", "preferred"):
        v = c.get("sslversion").replace("TLSv1.0", "TLSv1")
        out.add(f"{'TLSv1.0' if v == 'TLSv1' else v} {c.get('cipher')}")
print("\n".join(sorted(out)))
PY
}

# testssl's --each-cipher names the suites without their protocol: "any CIPHER" lines.
testssl_view() {
  rm -f "$work/ts.json"
  timeout 300 "$testssl" --quiet --color 0 --warnings off --protocols --each-cipher \
    --jsonfile "$work/ts.json" "127.0.0.1:$1" >/dev/null 2>&1 || true
  python3 - "$work/ts.json" <<'PY'
import json, re, sys
ids = {"TLS1": "TLSv1.0", "TLS1_1": "TLSv1.1", "TLS1_2": "TLSv1.2", "TLS1_3": "TLSv1.3"}
out = set()
for f in json.load(open(sys.argv[1])):
    fid, finding = f.get("id", ""), f.get("finding", "")
    if fid in ids and finding.startswith("offered"):
        out.add(ids[fid])
    if re.match(r"cipher_x[0-9a-f]+$", fid) and len(finding.split()) > 1:
        out.add("any " + finding.split()[1])
print("\n".join(sorted(out)))
PY
}

status=0
compare() { # NAME PORT TOOL
  local a b
  a=$(storecheck_view "$2")
  b=$("${3}_view" "$2")
  if [ "$3" = testssl ]; then # compare suites without their protocol
    a=$(sed -E 's/^TLSv1\.[0-3] /any /' <<<"$a" | sort -u)
  fi
  echo "== $1 (127.0.0.1:$2): storecheck vs $3"
  echo "   storecheck: $(grep -c . <<<"$a") entries; $3: $(grep -c . <<<"$b") entries"
  if [ "$a" = "$b" ]; then
    echo "   agree: $(grep -v ' ' <<<"$a" | paste -sd' ' -), $(grep -c ' ' <<<"$a") suites"
  else
    echo "   DISAGREE (< only storecheck, > only $3):"
    diff <(echo "$a") <(echo "$b") | grep '^[<>]' | sed 's/^/     /' || true
    status=1
  fi
}

compare modern "$modern" sslscan
compare legacy "$legacy" sslscan
if [ -n "$testssl" ]; then
  compare modern "$modern" testssl
  compare legacy "$legacy" testssl
else
  echo "(testssl.sh not installed: skipped)"
fi

# The vulnerability probes -----------------------------------------------------------------
vuln_probes=S-TLS-FALLBACK-SCSV,S-TLS-RENEGOTIATION,S-TLS-COMPRESSION,S-TLS-HEARTBLEED
vuln_probes+=,S-TLS-CCS-INJECTION,S-TLS-DH-PARAMS,S-TLS-ROBOT,S-TLS-KNOWN-ATTACKS
vuln_probes+=,S-TLS-CIPHER-ORDER
now() { date +%s.%N; }

vulns() { # NAME PORT
  printf 'target:\n  base_url: https://127.0.0.1:%s\n  tls: { ca_file: %s }\n' "$2" \
    "$work/certs/ca.pem" > "$work/scv.yaml"
  local t0 t1 t2 t3
  t0=$(now)
  "$storecheck" -q audit "$work/scv.yaml" --only "$vuln_probes" --json "$work/scv.json" \
    >/dev/null || true
  t1=$(now)
  rm -f "$work/tsv.json" "$work/ssv.xml"
  if [ -n "$testssl" ]; then
    timeout 600 "$testssl" --quiet --color 0 --warnings off -U -P -f \
      --jsonfile "$work/tsv.json" "127.0.0.1:$2" >/dev/null 2>&1 || true
  fi
  t2=$(now)
  timeout 120 sslscan --no-colour --no-check-certificate --xml="$work/ssv.xml" \
    "127.0.0.1:$2" >/dev/null 2>&1 || true
  t3=$(now)
  echo "== $1 (127.0.0.1:$2): vulnerability findings, storecheck vs testssl.sh vs sslscan"
  python3 "$src/bench/tls_vulns_compare.py" "$work/scv.json" "$work/tsv.json" "$work/ssv.xml" \
    "$t0" "$t1" "$t2" "$t3"
}

vulns modern "$modern"
vulns legacy "$legacy"
if command -v gnutls-serv >/dev/null; then
  gnutls=$(free_port)
  openssl dhparam -out "$work/dh1024.pem" 1024 2>/dev/null
  gnutls-serv --port "$gnutls" --heartbeat --dhparams "$work/dh1024.pem" \
    --priority "NORMAL:+VERS-TLS1.0:+VERS-TLS1.1:+ARCFOUR-128:+3DES-CBC:+NULL:+RSA:+ANON-ECDH:+ANON-DH:+SHA1:+MD5:-VERS-TLS1.3" \
    --x509certfile "$work/certs/server.pem" --x509keyfile "$work/certs/server.key" \
    >/dev/null 2>&1 &
  pids+=($!)
  wait_port "$gnutls"
  vulns gnutls-legacy "$gnutls"
else
  echo "(gnutls-serv not installed: its vulnerability comparison skipped)"
fi
exit $status
