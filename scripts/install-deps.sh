#!/usr/bin/env bash
# Install the Debian packages storecheck needs to build, test and run its demo.
# Usage: scripts/install-deps.sh [--tests] [--bench]
#   (none)   what building and running storecheck and the reference store need
#   --tests  also the real servers and tools the test suite drives
#   --bench  also the peers bench/ compares against
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  libcurl4-openssl-dev libssl-dev libyaml-dev libcjson-dev libev-dev zlib1g-dev
  libnghttp2-dev                                       # the load generator's HTTP/2
  libprotobuf-c-dev protobuf-c-compiler libsnappy-dev  # Prometheus remote write (--out)
  openssl curl ca-certificates
)
for arg in "$@"; do
  case $arg in
    --tests)
      packages+=(
        python3          # the report and run integration tests
        nginx-light      # real servers in front of the reference store
        varnish          # a cache in front of the reference store
        chromium         # renders the HTML report headless
        libxml2-utils    # xmllint validates the JUnit report against its XSD
        python3-jsonschema  # validates the SARIF report against its schema
        clang libclang-rt-14-dev  # libFuzzer and the sanitizers for scripts/fuzz.sh
        postgresql       # the real stores' database (tests/realstores)
        gnutls-bin       # gnutls-serv with RC4/3DES/NULL suites for the TLS handshake scanner
        sslscan          # the TLS handshake scanner's results compared with sslscan's
        faketime         # a stale OCSP response for the certificate-depth tests
        dnsmasq-base     # a DNS server with CAA records for S-CAA's test
        prometheus       # receives --out prometheus-rw pushes in the live-output tests
      )
      # The GraphQL test store, the real stores and the MDN Observatory (the Security ranking
      # test's reference) run on Node.js with npm. A machine that already has both (for
      # instance a Node.js build that bundles npm) keeps them: Debian's npm package conflicts
      # with such a build.
      command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)
      # deploy/k8s is checked by kubectl's client-side dry run; any kubectl will do.
      command -v kubectl >/dev/null 2>&1 || packages+=(kubernetes-client)
      ;;
    --bench) packages+=(wrk nghttp2-client util-linux time sslscan testssl.sh) ;;
    *) echo "usage: $0 [--tests] [--bench]" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
# The nginx package starts a system service on port 80; the tests start their own instances.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet nginx 2>/dev/null; then
  $sudo systemctl stop nginx || true
elif [ -f /run/nginx.pid ]; then
  $sudo nginx -s stop 2>/dev/null || true
fi
