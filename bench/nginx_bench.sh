# Sourced by the benches that time a generator against nginx (from the project root). They set
# tmp (their scratch folder) and nginx_pid, and write their own nginx.conf.

# bench_needs TOOL...: exits 2 naming the first tool that is not there (a name on PATH, or a
# path such as /usr/bin/time for GNU time).
bench_needs() {
    for tool; do
        command -v "$tool" >/dev/null || { echo "bench: $tool is needed" >&2; exit 2; }
    done
}

# bench_scratch NAME: tmp is a fresh folder /tmp/storecheck-bench-NAME-XXXXXX; on exit nginx
# (nginx_pid) is stopped and the folder removed.
bench_scratch() {
    tmp=$(mktemp -d "/tmp/storecheck-bench-$1-XXXXXX")
    nginx_pid=
    trap 'nginx_stop; rm -rf "$tmp"' EXIT
}

# nginx_stop: stops the nginx started as nginx_pid, if any.
nginx_stop() {
    if [ -n "$nginx_pid" ]; then
        kill "$nginx_pid" 2>/dev/null || true
        wait "$nginx_pid" 2>/dev/null || true
    fi
    nginx_pid=
}

# nginx_cpu: nginx's CPU time so far, in seconds (user + system).
nginx_cpu() {
    awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$nginx_pid/stat"
}

# bench_timed CMD...: runs CMD pinned to core 0 under GNU time, its output in $tmp/out.txt;
# prints "generator_cpu_seconds nginx_cpu_seconds" (user + system of each, during the run).
bench_timed() {
    local n0 n1 cpu
    n0=$(nginx_cpu)
    /usr/bin/time -f "CPU %U %S" -o "$tmp/time.txt" taskset -c 0 "$@" >"$tmp/out.txt" 2>&1 || true
    n1=$(nginx_cpu)
    cpu=$(awk '/^CPU/ {print $2 + $3}' "$tmp/time.txt")
    echo "${cpu:-0} $(awk -v a="$n0" -v b="$n1" 'BEGIN {print b - a}')"
}

# free_port: a loopback port free now (another process may still take it before it is bound).
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# bench_site: a 200-byte index.html and a throwaway EC certificate for 127.0.0.1 in $tmp.
bench_site() {
    head -c 200 /dev/zero | tr '\0' 'x' >"$tmp/index.html"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 \
        -subj /CN=localhost -addext subjectAltName=IP:127.0.0.1 \
        -keyout "$tmp/key.pem" -out "$tmp/cert.pem" 2>/dev/null
}

# nginx_conf CONNECTIONS HTTP SERVER: writes $tmp/nginx.conf: one worker in the foreground with
# CONNECTIONS connections, no access log, keep-alive without limits, temp files in $tmp, the
# lines HTTP in the http block, and one server serving $tmp with the lines SERVER.
nginx_conf() {
    cat >"$tmp/nginx.conf" <<CONF
daemon off;
master_process off;
worker_processes 1;
worker_rlimit_nofile $(($1 + 1000));
pid $tmp/nginx.pid;
error_log $tmp/error.log error;
events { worker_connections $1; }
http {
  access_log off;
  keepalive_requests 100000000;
  keepalive_timeout 300s;
  client_body_temp_path $tmp; proxy_temp_path $tmp; fastcgi_temp_path $tmp;
  uwsgi_temp_path $tmp; scgi_temp_path $tmp;
  $2
  server {
    root $tmp;
    $3
  }
}
CONF
}

# nginx_run URL [CPU]: starts nginx on $tmp/nginx.conf (pinned to core CPU when given) as
# nginx_pid and waits until it answers URL (nginx_answers).
nginx_run() {
    if [ -n "${2:-}" ]; then
        taskset -c "$2" nginx -p "$tmp" -c "$tmp/nginx.conf" 2>>"$tmp/error.log" &
    else
        nginx -p "$tmp" -c "$tmp/nginx.conf" 2>>"$tmp/error.log" &
    fi
    nginx_pid=$!
    nginx_answers "$1"
}

# nginx_answers URL: waits (5 s at most) until the nginx just started as $nginx_pid answers
# URL; when it dies or never answers it is stopped and the call returns 1.
nginx_answers() {
    for _ in $(seq 100); do
        curl -sk -o /dev/null "$1" && return 0
        kill -0 "$nginx_pid" 2>/dev/null || break
        sleep 0.05
    done
    kill "$nginx_pid" 2>/dev/null; wait "$nginx_pid" 2>/dev/null; nginx_pid=
    return 1
}

# start_retried CMD...: runs CMD (which starts nginx on a picked port) up to five times, as a
# picked port can be taken before nginx binds it; exits 1 with nginx's log when all fail.
start_retried() {
    for attempt in 1 2 3 4 5; do
        "$@" && return 0
        [ "$attempt" = 5 ] && { echo "bench: nginx did not start" >&2; cat "$tmp/error.log" >&2; exit 1; }
    done
}
