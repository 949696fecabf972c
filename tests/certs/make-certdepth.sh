#!/usr/bin/env bash
# Generates the PKI for the certificate-depth probes' tests into OUTDIR (never committed): a
# root, an intermediate it signs, leaves the intermediate issues, and OCSP responses about them
# made with `openssl ocsp` (no responder runs; nginx staples the files).
#   root.pem, root.key        the trust anchor (clients load root.pem only)
#   int.pem, int.key          the intermediate CA
#   other.pem, other.key      a self-signed certificate that belongs to no chain here
#   good.pem/.key             serverAuth, digitalSignature, an OCSP responder named, must-staple
#                             (TLS feature status_request) and two SCTs from distinct logs
#   plain.pem/.key            serverAuth, an OCSP responder named; no must-staple, no SCT
#   noeku.pem/.key            extended key usage clientAuth only
#   sha1.pem/.key             signed by the intermediate with SHA-1
#   one-sct.pem/.key          a single SCT
#   bad-sct.pem/.key          an SCT list extension whose bytes do not parse
#   good-ocsp.der             good.pem is good, nextUpdate in a day
#   revoked-ocsp.der          good.pem is revoked
#   stale-ocsp.der            good.pem is good, but its nextUpdate passed a day ago
#   plain-ocsp.der            plain.pem is good (a staple carrying no SCT)
# Every leaf is for localhost, 127.0.0.1 and ::1. Needs openssl, python3 and faketime.
# Usage: make-certdepth.sh OUTDIR
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 OUTDIR" >&2; exit 2; }
. "$(cd "$(dirname "$0")" && pwd)/ca-lib.sh"
pki_start "$1" certdepth-ca

san="DNS:localhost,IP:127.0.0.1,IP:::1"
ocsp_url="http://ocsp.storecheck.test/"

openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 -keyout root.key -out root.pem \
  -subj "/O=storecheck tests/CN=storecheck depth root" \
  -addext "basicConstraints=critical,CA:TRUE" \
  -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 365 -keyout other.key -out other.pem \
  -subj "/CN=unrelated.storecheck.test" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -sha256 -keyout int.key -out "$work/int.csr" \
  -subj "/O=storecheck tests/CN=storecheck depth intermediate" 2>/dev/null
openssl x509 -req -in "$work/int.csr" -CA root.pem -CAkey root.key -CAcreateserial \
  -CAserial "$work/root.srl" -days 3650 -sha256 -out int.pem -extfile <(printf '%s\n' \
  "basicConstraints=critical,CA:TRUE,pathlen:0" "keyUsage=critical,keyCertSign,cRLSign" \
  "subjectKeyIdentifier=hash" "authorityKeyIdentifier=keyid") 2>/dev/null

# A SignedCertificateTimestampList (RFC 6962 3.3) of one v1 SCT per log id byte given, wrapped
# in the OCTET STRING the X.509 extension holds, as openssl's DER: config syntax. The SCTs'
# signatures are filler: no client here checks them.
sct_der() {
  python3 - "$@" <<'PY'
import struct, sys, time
scts = b""
for log in sys.argv[1:]:
    sig = bytes(range(64))
    sct = (b"\x00" + bytes([int(log, 16)]) * 32 + struct.pack(">Q", int(time.time() * 1000))
           + b"\x00\x00" + b"\x04\x03" + struct.pack(">H", len(sig)) + sig)
    scts += struct.pack(">H", len(sct)) + sct
body = struct.pack(">H", len(scts)) + scts
octets = b"\x04\x81" + bytes([len(body)]) if len(body) < 256 else b"\x04\x82" + struct.pack(">H", len(body))
print(":".join("%02X" % b for b in octets + body))
PY
}

# served NAME EKU [LINE...]: a config section for a leaf for this host, with more lines.
served() {
  printf '[ %s ]\n' "$1"
  printf '%s\n' "basicConstraints = critical,CA:FALSE" \
    "keyUsage = critical,digitalSignature,keyEncipherment" "extendedKeyUsage = $2" \
    "subjectAltName = $san"
  shift 2
  printf '%s\n' "$@"
}
{
  ca_config "$work" "$PWD/int.pem" "$PWD/int.key" "default_days = 365" "copy_extensions = none"
  served plain serverAuth "authorityInfoAccess = OCSP;URI:$ocsp_url"
  served good serverAuth "authorityInfoAccess = OCSP;URI:$ocsp_url" \
    "tlsfeature = status_request" "1.3.6.1.4.1.11129.2.4.2 = DER:$(sct_der a1 b2)"
  served one_sct serverAuth "1.3.6.1.4.1.11129.2.4.2 = DER:$(sct_der c3)"
  served bad_sct serverAuth "1.3.6.1.4.1.11129.2.4.2 = DER:04:05:00:09:01:02:03"
  served noeku clientAuth
} > "$work/ca.cnf"

# leaf NAME SECTION [MD]
leaf() {
  openssl req -newkey rsa:2048 -nodes -sha256 -keyout "$1.key" -out "$work/$1.csr" \
    -subj "/CN=localhost/OU=$1" 2>/dev/null
  openssl ca -batch -notext -config "$work/ca.cnf" -extensions "$2" -md "${3:-sha256}" \
    -in "$work/$1.csr" -out "$1.pem" 2>/dev/null
}
leaf good good
leaf plain plain
leaf noeku noeku
leaf sha1 plain sha1
leaf one-sct one_sct
leaf bad-sct bad_sct

# ocsp_for CERT OUT INDEX [openssl ocsp options]: a response signed by the intermediate.
ocsp_for() {
  local cert=$1 resp=$2 index=$3
  shift 3
  openssl ocsp -issuer int.pem -cert "$cert" -reqout "$work/req.der" -no_nonce 2>/dev/null
  openssl ocsp -index "$index" -rsigner int.pem -rkey int.key -CA int.pem \
    -reqin "$work/req.der" -respout "$resp" "$@" >/dev/null 2>&1
}
ocsp_for good.pem good-ocsp.der "$work/index.txt" -ndays 1
ocsp_for plain.pem plain-ocsp.der "$work/index.txt" -ndays 1
# openssl ocsp dates a response from now: a stale one is made two days in the past (faketime).
faketime -f -2d bash -c "$(declare -f ocsp_for); ocsp_for good.pem stale-ocsp.der \
  '$work/index.txt' -ndays 1"
cp "$work/index.txt" "$work/index.txt.bak"
openssl ca -config "$work/ca.cnf" -revoke good.pem -crl_reason keyCompromise 2>/dev/null
ocsp_for good.pem revoked-ocsp.der "$work/index.txt" -ndays 1
chmod 600 ./*.key
echo "certificate-depth test certificates in $PWD"
