# npm_cache_install DIR NAME MARKER: install DIR's package.json/package-lock.json (npm ci, no
# install scripts) into a cache outside the source tree, keyed by the two files, unless already
# there; sets NPM_CACHE_DIR to it. MARKER is a file under node_modules that a finished install
# has. Exits 77 (a skip for CTest) only when npm cannot reach its registry; 1 when npm is missing
# or the install fails although the registry answers. Source it: . tests/support/npm_cache.sh
npm_cache_install() {
  local dir=$1 name=$2 marker=$3 key tmp tool
  for tool in node npm; do
    command -v "$tool" >/dev/null || {
      echo "$tool is not installed: scripts/install-deps.sh --tests installs it" >&2
      exit 1
    }
  done
  key=$(cat "$dir/package.json" "$dir/package-lock.json" | sha256sum | cut -c1-16)
  NPM_CACHE_DIR=${XDG_CACHE_HOME:-$HOME/.cache}/storecheck/$name-$key
  [ -f "$NPM_CACHE_DIR/node_modules/$marker" ] && return 0
  mkdir -p "$(dirname "$NPM_CACHE_DIR")"
  tmp=$(mktemp -d "$NPM_CACHE_DIR.install.XXXXXX")
  cp "$dir/package.json" "$dir/package-lock.json" "$tmp/"
  if ! (cd "$tmp" && timeout 300 npm ci --ignore-scripts --no-audit --no-fund >&2); then
    rm -rf "$tmp"
    if ! timeout 30 npm ping >/dev/null 2>&1; then
      echo "SKIP: npm cannot reach its registry to install $name" >&2
      exit 77
    fi
    echo "npm ci failed although the registry answers" >&2
    exit 1
  fi
  # Another run may have installed the same lock meanwhile: either copy is good.
  mv -T "$tmp" "$NPM_CACHE_DIR" 2>/dev/null || rm -rf "$tmp"
}
