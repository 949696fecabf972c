#!/usr/bin/env bash
# Install the test store's packages (package-lock.json, by npm ci) into a cache outside the
# source tree, keyed by the lock file, then run the GraphQL probe tests against it.
# Exit 77 (a skip for CTest) only when the install fails because npm cannot reach its
# registry. Usage: tests/graphql/run.sh   (STORECHECK_BIN names the binary under test)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
key=$(cat "$here/package.json" "$here/package-lock.json" | sha256sum | cut -c1-16)
cache=${XDG_CACHE_HOME:-$HOME/.cache}/storecheck/graphql-$key

for tool in node npm; do
  command -v "$tool" >/dev/null || {
    echo "$tool is not installed: scripts/install-deps.sh --tests installs it" >&2
    exit 1
  }
done

if [ ! -f "$cache/node_modules/graphql/package.json" ]; then
  mkdir -p "$(dirname "$cache")"
  tmp=$(mktemp -d "$cache.install.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  cp "$here/package.json" "$here/package-lock.json" "$tmp/"
  if ! (cd "$tmp" && timeout 300 npm ci --ignore-scripts --no-audit --no-fund >&2); then
    if ! timeout 30 npm ping >/dev/null 2>&1; then
      echo "SKIP: npm cannot reach its registry to install the test store (graphql)" >&2
      exit 77
    fi
    echo "npm ci failed although the registry answers" >&2
    exit 1
  fi
  # Another run may have installed the same lock meanwhile: either copy is good.
  mv -T "$tmp" "$cache" 2>/dev/null || rm -rf "$tmp"
  trap - EXIT
fi

export NODE_PATH=$cache/node_modules
exec node "$here/test_graphql_probes.js"
