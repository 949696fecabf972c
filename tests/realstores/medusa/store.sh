#!/usr/bin/env bash
# A stock Medusa 2 store on loopback for the integration tests.
#   store.sh install      npm ci into the cache (once per package-lock), print the project dir
#   store.sh start DIR    PostgreSQL and Medusa on free 127.0.0.1 ports, migrated and seeded;
#                         writes DIR/store.env (BASE_URL, PG_PORT, DATABASE_URL, PUBLISHABLE_KEY,
#                         REGION_ID, VARIANT_ID, SHIPPING_OPTION_ID) and DIR/seed.json
#   store.sh stop DIR     stops the server and the database; safe to call twice
# With STORE_OWNER_PID set, start also leaves a watcher that stops the store when that process
# is gone, however it ended (a test killed by its timeout cannot run its own cleanup).
# The install lives outside the repo in ${STORECHECK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/storecheck}
# /medusa-<hash of package-lock.json>, and the migrated, seeded database is kept there as a dump
# (keyed by the config and seed too), so only the first run pays for npm and the migrations.
# Exit 77 when the npm registry cannot be reached and nothing is cached.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
realstores=$(dirname "$here")
cache_root=${STORECHECK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/storecheck}
lock_hash=$(sha256sum "$here/package-lock.json" | cut -c1-16)
project="$cache_root/medusa-$lock_hash"
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)

log() { echo "store.sh: $*" >&2; }
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# Wait at most $1 seconds for a command to succeed.
wait_for() {
  local deadline=$((SECONDS + $1)); shift
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.5
  done
}

# The store never calls home: telemetry off, and the environment a shop would set.
store_env() {
  export NODE_ENV=production MEDUSA_DISABLE_TELEMETRY=true DO_NOT_TRACK=1
  export DATABASE_URL=$1
  export STORE_CORS=http://localhost:8000 ADMIN_CORS=http://localhost:7001 AUTH_CORS=http://localhost:8000
  export JWT_SECRET=storecheck-test-jwt-secret COOKIE_SECRET=storecheck-test-cookie-secret
}

install() {
  mkdir -p "$cache_root"
  exec 9>"$cache_root/medusa.lock"
  flock -w 900 9 || { log "another install holds $cache_root/medusa.lock"; exit 1; }
  if [ ! -f "$project/.installed" ]; then
    if ! timeout 30 npm ping >/dev/null 2>&1; then
      log "the npm registry cannot be reached and no install is cached in $project"
      exit 77
    fi
    local tmp="$project.partial"
    rm -rf "$tmp" && mkdir -p "$tmp"
    cp "$here/package.json" "$here/package-lock.json" "$tmp/"
    local t0=$SECONDS
    (cd "$tmp" && MEDUSA_DISABLE_TELEMETRY=true timeout 900 npm ci --no-audit --no-fund --loglevel=error) >&2
    log "npm ci took $((SECONDS - t0)) s"
    rm -rf "$project" && mv "$tmp" "$project" && touch "$project/.installed"
  fi
  # The store's own files are small and copied every time: they may change without the lock.
  cp "$here/medusa-config.js" "$project/"
  rm -rf "$project/src" && cp -r "$here/src" "$project/src"
  flock -u 9
  echo "$project"
}

# The hash of everything that decides what the seeded database holds.
seed_hash() {
  cat "$here/package-lock.json" "$here/medusa-config.js" $(find "$here/src" -type f | sort) \
    | sha256sum | cut -c1-16
}

start() {
  local dir=${1:?usage: store.sh start DIR}
  mkdir -p "$dir"
  install >/dev/null
  if [ -n "${STORE_OWNER_PID:-}" ]; then
    setsid bash -c 'while kill -0 "$1" 2>/dev/null; do sleep 2; done; exec bash "$2" stop "$3"' \
      _ "$STORE_OWNER_PID" "$0" "$dir" </dev/null >/dev/null 2>&1 &
  fi
  local pg_port web_port db dump t0=$SECONDS
  pg_port=$(free_port)
  bash "$realstores/postgres.sh" start "$dir/pg" "$pg_port" || { log "PostgreSQL did not start"; exit 1; }
  echo "$pg_port" >"$dir/pg_port"
  db="postgres://postgres@127.0.0.1:$pg_port/medusa"
  "$pgbin/psql" -q -h 127.0.0.1 -p "$pg_port" -U postgres -c "CREATE DATABASE medusa" postgres
  store_env "$db"
  dump="$project/seeded-$(seed_hash)"
  if [ -f "$dump.dump" ] && [ -f "$dump.json" ]; then
    "$pgbin/pg_restore" -h 127.0.0.1 -p "$pg_port" -U postgres -d medusa --no-owner "$dump.dump"
    cp "$dump.json" "$dir/seed.json"
    log "restored the seeded database in $((SECONDS - t0)) s"
  else
    (cd "$project" && timeout 300 npx --no-install medusa db:migrate) >"$dir/migrate.log" 2>&1 \
      || { log "migrations failed, see $dir/migrate.log"; exit 1; }
    (cd "$project" && SEED_OUT="$dir/seed.json" timeout 300 npx --no-install medusa exec ./src/seed.js) \
      >"$dir/seed.log" 2>&1 || { log "seeding failed, see $dir/seed.log"; exit 1; }
    "$pgbin/pg_dump" -h 127.0.0.1 -p "$pg_port" -U postgres -Fc -f "$dump.dump.partial" medusa
    cp "$dir/seed.json" "$dump.json.partial"
    mv "$dump.dump.partial" "$dump.dump" && mv "$dump.json.partial" "$dump.json"
    log "migrated and seeded in $((SECONDS - t0)) s"
  fi

  web_port=$(free_port)
  t0=$SECONDS
  (cd "$project" && exec setsid npx --no-install medusa start --host 127.0.0.1 --port "$web_port") \
    >"$dir/server.log" 2>&1 &
  echo $! >"$dir/server.pid"
  if ! wait_for 120 curl -fs "http://127.0.0.1:$web_port/health"; then
    log "Medusa did not answer /health within 120 s, see $dir/server.log"
    exit 1
  fi
  log "Medusa answered /health after $((SECONDS - t0)) s"
  python3 - "$dir" "$web_port" "$pg_port" "$db" <<'PY'
import json, sys
d, web, pg, db = sys.argv[1:]
seed = json.load(open(d + "/seed.json"))
with open(d + "/store.env", "w") as f:
    f.write(f"BASE_URL=http://127.0.0.1:{web}\nPG_PORT={pg}\nDATABASE_URL={db}\n")
    for k in ("publishable_key", "region_id", "variant_id", "shipping_option_id"):
        f.write(f"{k.upper()}={seed[k]}\n")
PY
}

stop() {
  local dir=${1:?usage: store.sh stop DIR} pid
  if [ -f "$dir/server.pid" ]; then
    pid=$(cat "$dir/server.pid")
    # setsid made the server its own process group: end the group, npx and node alike
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM -- "-$pid" 2>/dev/null || true
      wait_for 15 bash -c "! kill -0 $pid" || kill -KILL -- "-$pid" 2>/dev/null || true
    fi
    rm -f "$dir/server.pid"
  fi
  bash "$realstores/postgres.sh" stop "$dir/pg"
}

case ${1:-} in
  install) install ;;
  start) start "${2:-}" ;;
  stop) stop "${2:-}" ;;
  *) echo "usage: store.sh install | start DIR | stop DIR" >&2; exit 2 ;;
esac
