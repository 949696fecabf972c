#!/usr/bin/env bash
# A real EverShop 2 store for the tests, from the npm registry, on loopback only.
#   store.sh install          npm ci + evershop build into the cache (reused when present)
#   store.sh start STATE_DIR  install, then a private PostgreSQL, the store on a free port,
#                             its admin user and seed data; writes STATE_DIR/store.env
#   store.sh stop STATE_DIR   stops the store (its whole process group) and PostgreSQL
# The install lives outside the repository, in $STORECHECK_CACHE_DIR (default
# ${XDG_CACHE_HOME:-$HOME/.cache}/storecheck), in a folder named after the lock file's hash.
# Exit 77: the install is not cached and the npm registry cannot be reached.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"

lock_hash=$(sha256sum "$here/store/package-lock.json" | cut -c1-16)
cache_root=${STORECHECK_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/storecheck}
cache=$cache_root/evershop-$lock_hash
admin_email=admin@storecheck.test
admin_password=storecheck-admin-1

log() { echo "evershop: $*" >&2; }

# The build writes absolute paths, so it is made in place; .complete is written last and an
# install without it is started again. flock keeps two tests from installing at once.
install() {
  mkdir -p "$cache_root"
  exec 9>"$cache.lock"
  flock -w 1200 9 || { log "another install holds $cache.lock"; exit 1; }
  if [ -e "$cache/.complete" ]; then
    log "cached install at $cache"
    return
  fi
  npm_reachable || { log "the npm registry cannot be reached and $cache is not installed"; exit 77; }
  rm -rf "$cache"
  mkdir -p "$cache"
  cp "$here/store/package.json" "$here/store/package-lock.json" "$cache/"
  local t0=$SECONDS
  (cd "$cache" && npm ci --no-audit --no-fund --loglevel=error >"$cache/npm-ci.log" 2>&1) ||
    { log "npm ci failed: $(tail -5 "$cache/npm-ci.log")"; exit 1; }
  local t1=$SECONDS
  # The build reads no data: without a database its settings bootstrap logs an error and the
  # defaults are built.
  (cd "$cache" && SUPPRESS_NO_CONFIG_WARNING=1 node_modules/.bin/evershop build \
     >"$cache/build.log" 2>&1) || { log "evershop build failed: $(tail -5 "$cache/build.log")"; exit 1; }
  [ -d "$cache/.evershop/build" ] || { log "evershop build wrote nothing"; exit 1; }
  echo "npm_ci_s=$((t1 - t0)) build_s=$((SECONDS - t1))" >"$cache/.complete"
  log "installed in $cache: $(cat "$cache/.complete")"
}

start() {
  local state=$1
  mkdir -p "$state"
  install
  local t0=$SECONDS pg_port store_port
  pg_port=$(free_port)
  # Its exit 77 (PostgreSQL not installed) is a failure here: the tests skip only for npm.
  "$here/../postgres.sh" start "$state/pg" "$pg_port" ||
    { log "PostgreSQL could not be started (scripts/install-deps.sh --tests installs it)"; exit 1; }
  psql -h 127.0.0.1 -p "$pg_port" -U postgres -qc 'CREATE DATABASE evershop' >/dev/null
  store_port=$(free_port)
  {
    echo "DB_HOST=127.0.0.1"; echo "DB_PORT=$pg_port"; echo "DB_NAME=evershop"
    echo "DB_USER=postgres"; echo "DB_PASSWORD=unused"; echo "DB_SSLMODE=disable"
  } >"$state/db.env"
  set -a; . "$state/db.env"; set +a
  export PORT=$store_port SUPPRESS_NO_CONFIG_WARNING=1
  export NODE_OPTIONS="--require $here/store/loopback.cjs"
  local name
  for name in JWT_ADMIN_SECRET JWT_ADMIN_REFRESH_SECRET JWT_CUSTOMER_SECRET \
              JWT_CUSTOMER_REFRESH_SECRET ORDER_TRACKING_TOKEN_SECRET; do
    export "$name=$(head -c 24 /dev/urandom | base64)"
  done
  # Its own process group, so stop ends the cron and event children too. Migrations run at
  # start on the empty database.
  (cd "$cache" && exec setsid node_modules/.bin/evershop start) >"$state/store.log" 2>&1 </dev/null &
  echo $! >"$state/store.pid"
  wait_http "http://127.0.0.1:$store_port/" 180 "$(cat "$state/store.pid")" ||
    { log "the store did not answer within 180 s: $(tail -5 "$state/store.log")"; exit 1; }
  local t1=$SECONDS
  (cd "$cache" && node_modules/.bin/evershop user:create --name Admin --email "$admin_email" \
     --password "$admin_password" >"$state/user.log" 2>&1)
  local seeded
  seeded=$(node "$here/seed.mjs" "http://127.0.0.1:$store_port" "$admin_email" "$admin_password")
  {
    echo "BASE_URL=http://127.0.0.1:$store_port"
    echo "PG_PORT=$pg_port"
    echo "SKU=$(node -e 'console.log(JSON.parse(process.argv[1]).sku)' "$seeded")"
    echo "SHIPPING_METHOD=$(node -e 'console.log(JSON.parse(process.argv[1]).shipping_method)' "$seeded")"
    echo "START_S=$((t1 - t0))"
    echo "SEED_S=$((SECONDS - t1))"
  } >"$state/store.env"
  log "started at http://127.0.0.1:$store_port in $((t1 - t0)) s, seeded in $((SECONDS - t1)) s"
}

stop() {
  local state=$1 pid
  if [ -f "$state/store.pid" ]; then
    pid=$(cat "$state/store.pid")
    kill -TERM -- "-$pid" 2>/dev/null || true
    for _ in $(seq 1 20); do kill -0 -- "-$pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL -- "-$pid" 2>/dev/null || true
    rm -f "$state/store.pid"
  fi
  "$here/../postgres.sh" stop "$state/pg"
}

case ${1:-} in
  install) install; echo "$cache" ;;
  start) start "${2:?usage: store.sh start STATE_DIR}" ;;
  stop) stop "${2:?usage: store.sh stop STATE_DIR}" ;;
  *) echo "usage: store.sh install | start STATE_DIR | stop STATE_DIR" >&2; exit 2 ;;
esac
