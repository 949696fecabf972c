#!/usr/bin/env bash
# Install the MDN HTTP Observatory (package-lock.json, by npm ci) into a cache outside the
# source tree, keyed by the lock file, then rank storecheck's Security scores against the
# Observatory's on the nginx configurations in configs/ (test_observatory_rank.py).
# Exit 77 (a skip for CTest) when npm cannot reach its registry or nginx is missing.
# Usage: tests/grades/run.sh   (STORECHECK_BIN, STORECHECK_SOURCE_DIR, STORECHECK_BUILD_DIR)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../support/npm_cache.sh"
npm_cache_install "$here" observatory @mdn/mdn-http-observatory/package.json
# The package's install script downloads Chromium's HSTS preload list into conf/; install
# scripts are not run here, and a loopback address is on no preload list: an empty list.
preload=$NPM_CACHE_DIR/node_modules/@mdn/mdn-http-observatory/conf/hsts-preload.json
[ -f "$preload" ] || echo '{}' >"$preload"

export OBSERVATORY_MODULES=$NPM_CACHE_DIR/node_modules
exec python3 "$here/test_observatory_rank.py"
