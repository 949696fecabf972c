#!/usr/bin/env bash
# Shell functions the real-store scripts share. Source it: . "$(dirname "$0")/../lib.sh"

# free_port: a loopback TCP port nothing listens on (bound, then released).
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_http URL SECONDS [PID]: until URL answers any HTTP status, at most SECONDS; fails early
# when PID (the server being waited for) has exited.
wait_http() {
  local url=$1 deadline=$((SECONDS + $2)) pid=${3:-}
  while [ $SECONDS -lt $deadline ]; do
    if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then return 1; fi
    curl -s -o /dev/null --max-time 2 "$url" && return 0
    sleep 0.5
  done
  return 1
}

# npm_reachable: the npm registry answers within 15 s (tests skip with 77 when it does not).
npm_reachable() {
  timeout 15 npm ping >/dev/null 2>&1
}
