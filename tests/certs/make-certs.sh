#!/usr/bin/env bash
# Generates the test PKI for the reference store into OUTDIR (never committed):
#   ca.pem, ca.key                    a local CA (clients trust ca.pem)
#   server.pem, server.key            good: 127.0.0.1, localhost and ::1, valid for a year
#   expired.pem, expired.key          expired yesterday
#   wrong-host.pem, wrong-host.key    valid, but for wrong-host.example.test only
#   self-signed.pem, self-signed.key  not issued by the CA
#   expiring.pem, expiring.key        expires in 10 days
#   weak-key.pem, weak-key.key        a 1024-bit RSA key
# Usage: make-certs.sh OUTDIR
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 OUTDIR" >&2; exit 2; }
. "$(cd "$(dirname "$0")" && pwd)/ca-lib.sh"
pki_start "$1" refstore-ca

# openssl ca takes explicit start and end dates, which is how the expired and the expiring
# certificates get their validity windows (OpenSSL 3.0's x509 has -days but no -not_before).
stamp() { date -u -d "$1" +%Y%m%d%H%M%SZ; }
good_san="DNS:localhost,IP:127.0.0.1,IP:::1"

openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 -keyout ca.key -out ca.pem \
  -subj "/O=storecheck tests/CN=storecheck test CA" \
  -addext "basicConstraints=critical,CA:TRUE" \
  -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null

ca_config "$work" "$PWD/ca.pem" "$PWD/ca.key" "copy_extensions = copy" \
  "x509_extensions = leaf" > "$work/ca.cnf"

# issue NAME BITS CN SAN START END
issue() {
  openssl req -newkey "rsa:$2" -nodes -sha256 -keyout "$1.key" -out "$work/$1.csr" \
    -subj "/CN=$3" -addext "subjectAltName=$4" 2>/dev/null
  openssl ca -batch -notext -config "$work/ca.cnf" -in "$work/$1.csr" -out "$1.pem" \
    -startdate "$5" -enddate "$6" 2>/dev/null
}

issue server 2048 localhost "$good_san" "$(stamp '-1 day')" "$(stamp '+365 days')"
issue expired 2048 localhost "$good_san" "$(stamp '-90 days')" "$(stamp '-1 day')"
issue wrong-host 2048 wrong-host.example.test "DNS:wrong-host.example.test" \
  "$(stamp '-1 day')" "$(stamp '+365 days')"
issue expiring 2048 localhost "$good_san" "$(stamp '-1 day')" "$(stamp '+10 days')"
issue weak-key 1024 localhost "$good_san" "$(stamp '-1 day')" "$(stamp '+365 days')"
openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 365 -keyout self-signed.key \
  -out self-signed.pem -subj "/CN=localhost" -addext "subjectAltName=$good_san" 2>/dev/null
chmod 600 ./*.key
echo "test certificates in $PWD"
