#!/usr/bin/env bash
# Install the test store's packages (package-lock.json, by npm ci) into a cache outside the
# source tree, keyed by the lock file, then run the GraphQL probe tests against it.
# Exit 77 (a skip for CTest) only when the install fails because npm cannot reach its
# registry. Usage: tests/graphql/run.sh   (STORECHECK_BIN names the binary under test)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../support/npm_cache.sh"
npm_cache_install "$here" graphql graphql/package.json
cache=$NPM_CACHE_DIR

export NODE_PATH=$cache/node_modules
exec node "$here/test_graphql_probes.js"
