#!/usr/bin/env bash
# catalogd as N replicas on one throwaway PostgreSQL, behind nginx, all on loopback (docs/SCALING.md).
#
#   scripts/cluster.sh [run] [OPTIONS]   start everything, print the balancer's URL and the tokens, and stop
#                                        everything on Enter, Ctrl-C or SIGTERM (what `make cluster` runs)
#   scripts/cluster.sh up [OPTIONS]      start everything and return; DIR/cluster.env says what runs where
#   scripts/cluster.sh down --dir DIR    stop everything `up` started in DIR and remove DIR
#   scripts/cluster.sh kill-replica N --dir DIR     kill -9 replica N (a crash)
#   scripts/cluster.sh start-replica N --dir DIR    start replica N again (same data folder and port)
#
# Options:
#   --replicas N       catalogd replicas (default 3)
#   --dir DIR          where everything lives (default: a new temporary folder)
#   --seed FILE        seeds through replica 1 (default seeds/demo.json; --seed none for an empty platform)
#   --port PORT        the balancer's port (default 8080, or a free one when 8080 is taken; 0: a free one)
#   --bin DIR          where catalogd is (default .build/debug)
#   --nginx-workers N  nginx worker processes (default 2; each holds at most 9,000 streams: two descriptors
#                      per stream, 20,000 per process)
#   --catalogd-args "ARGS"   more `catalogd serve` options for every replica
set -euo pipefail
cd "$(dirname "$0")/.."

command=run
case "${1:-}" in run | up | down | kill-replica | start-replica) command=$1; shift ;; esac
replica_number=""
if [ "$command" = kill-replica ] || [ "$command" = start-replica ]; then
  replica_number=${1:?"$command needs a replica number"}
  shift
fi
replicas=3 dir="" seed=seeds/demo.json port="" bin=.build/debug nginx_workers=2 catalogd_args=""
while [ $# -gt 0 ]; do
  case "$1" in
    --replicas) replicas=$2; shift 2 ;;
    --dir) dir=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    --bin) bin=$2; shift 2 ;;
    --nginx-workers) nginx_workers=$2; shift 2 ;;
    --catalogd-args) catalogd_args=$2; shift 2 ;;
    -h | --help) sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "cluster.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done

fail() { echo "cluster.sh: error: $*" >&2; exit 1; }
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
pg_bin() {
  for version in 15 16 17 14; do
    [ -x "/usr/lib/postgresql/$version/bin/initdb" ] && { echo "/usr/lib/postgresql/$version/bin"; return; }
  done
  fail "PostgreSQL is not installed (make deps installs postgresql-15)"
}
# A loopback port nothing answers on now.
free_port() {
  local candidate
  for candidate in $(shuf -i 20000-60000 -n 64); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then echo "$candidate"; return; fi
  done
  fail "no free loopback port"
}
wait_for_line() { # FILE PATTERN SECONDS PID
  local i
  for i in $(seq 1 $(($3 * 10))); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    kill -0 "$4" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

# Starts replica N on its data folder; PORT 0 picks a free port (the first start), else it takes its old one.
start_replica() { # N PORT
  local n=$1 listen_port=$2 data="$dir/replica-$1" pid
  mkdir -p "$data"
  local extra=()
  [ "$n" = 1 ] && [ "$seed" != none ] && [ ! -e "$dir/seeded" ] && extra=(--seed "$seed")
  # shellcheck disable=SC2086
  "$bin/catalogd" serve --data "$data" --listen "127.0.0.1:$listen_port" --database "$database" \
    --trusted-proxy 127.0.0.1 "${extra[@]}" $catalogd_args > "$data/out.txt" 2> "$data/log.txt" < /dev/null &
  pid=$!
  wait_for_line "$data/out.txt" "listening on" 120 "$pid" \
    || fail "replica $n did not start: $(tail -3 "$data/log.txt")"
  [ "${#extra[@]}" -gt 0 ] && touch "$dir/seeded"
  echo "$pid" > "$data/pid"
  grep -o 'listening on http://[0-9.:]*' "$data/out.txt" | tail -1 | sed 's/.*://' > "$data/port"
}

write_nginx_conf() {
  local upstreams="" n
  for n in $(seq 1 "$replicas"); do
    upstreams+="    server 127.0.0.1:$(cat "$dir/replica-$n/port") max_fails=0;"$'\n'
  done
  mkdir -p "$dir/nginx/temp"
  chmod 777 "$dir/nginx/temp"
  cat > "$dir/nginx/nginx.conf" <<EOF
# Written by scripts/cluster.sh. Server-sent events: no buffering, long read timeouts, HTTP/1.1 to the replicas
# with keep-alive; least_conn spreads the long-lived streams evenly.
worker_processes $nginx_workers;
worker_rlimit_nofile 19000;
pid $dir/nginx/nginx.pid;
error_log $dir/nginx/error.log warn;
events { worker_connections 18000; }
http {
  access_log off;
  client_body_temp_path $dir/nginx/temp/body;
  proxy_temp_path $dir/nginx/temp/proxy;
  fastcgi_temp_path $dir/nginx/temp/fastcgi;
  uwsgi_temp_path $dir/nginx/temp/uwsgi;
  scgi_temp_path $dir/nginx/temp/scgi;
  upstream catalogd {
    least_conn;
$upstreams    keepalive 128;
  }
  server {
    # reuseport: the kernel spreads connections evenly over the workers (each holds at most 9,000 streams).
    listen 127.0.0.1:$port backlog=4096 reuseport;
    # catalogd bounds bodies itself (a package is at most 2 MiB) and answers with a problem document.
    client_max_body_size 8m;
    location / {
      proxy_pass http://catalogd;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$host;
      proxy_set_header X-Real-IP \$remote_addr;
      proxy_buffering off;
      proxy_request_buffering off;
      proxy_cache off;
      proxy_read_timeout 1h;
      proxy_send_timeout 1h;
      # Long enough for a replica busy accepting thousands of reconnecting shells; a dead replica refuses at once.
      proxy_connect_timeout 5s;
      # A replica that refuses or drops the connection before answering: the next one gets the request. Replicas
      # are never marked down (max_fails=0): a dead one refuses at once, and a busy one (thousands of shells
      # reconnecting after a balancer restart) must not push its load onto the others until they fail too.
      proxy_next_upstream error timeout;
      proxy_next_upstream_tries 3;
    }
  }
}
EOF
}

start_nginx() {
  command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || fail "nginx is not installed (make deps installs it)"
  local nginx
  nginx=$(command -v nginx || echo /usr/sbin/nginx)
  "$nginx" -p "$dir/nginx" -c "$dir/nginx/nginx.conf" -e "$dir/nginx/error.log" \
    || fail "nginx did not start: $(tail -3 "$dir/nginx/error.log" 2>/dev/null)"
  local i
  for i in $(seq 1 100); do
    curl -fsS "http://127.0.0.1:$port/healthz" > /dev/null 2>&1 && return 0
    sleep 0.1
  done
  fail "the balancer does not answer on port $port"
}

up() {
  if [ -z "$dir" ]; then dir=$(mktemp -d /tmp/catalog-cluster.XXXXXX); fi
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  [ -x "$bin/catalogd" ] || fail "no catalogd in $bin (make programs, or --bin DIR)"
  local pg
  pg=$(pg_bin)
  # PostgreSQL refuses to run as root: its folder belongs to the postgres user then.
  mkdir -p "$dir/postgres"
  [ "$(id -u)" = 0 ] && chown postgres "$dir/postgres" && chmod 755 "$dir"
  as_postgres "$pg/initdb" -D "$dir/postgres/data" -U postgres --auth=trust > "$dir/postgres/initdb.log" 2>&1 \
    || fail "initdb failed: $(tail -3 "$dir/postgres/initdb.log")"
  local pg_port="" attempt
  for attempt in 1 2 3 4 5; do
    pg_port=$(free_port)
    if as_postgres "$pg/pg_ctl" -D "$dir/postgres/data" -w -t 30 -l "$dir/postgres/log" \
      -o "-p $pg_port -k $dir/postgres -c listen_addresses=127.0.0.1 -c max_connections=400" start > /dev/null 2>&1; then
      break
    fi
    pg_port=""
  done
  [ -n "$pg_port" ] || fail "PostgreSQL did not start: $(tail -3 "$dir/postgres/log")"
  echo "$pg_port" > "$dir/postgres/port"
  "$pg/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres catalog
  database="postgres://postgres@127.0.0.1:$pg_port/catalog"

  start_replica 1 0
  # Every replica signs with the same key: the first replica's, copied before the others start.
  for n in $(seq 2 "$replicas"); do
    mkdir -p "$dir/replica-$n"
    rm -rf "$dir/replica-$n/keys"
    cp -a "$dir/replica-1/keys" "$dir/replica-$n/keys"
    start_replica "$n" 0
  done
  if [ -z "$port" ]; then
    port=8080
    if (exec 3<>/dev/tcp/127.0.0.1/8080) 2>/dev/null; then port=$(free_port); fi
  elif [ "$port" = 0 ]; then
    port=$(free_port)
  fi
  write_nginx_conf
  start_nginx
  {
    echo "BALANCER=http://127.0.0.1:$port"
    echo "DATABASE=$database"
    echo "REPLICAS=$replicas"
    for n in $(seq 1 "$replicas"); do
      echo "REPLICA_${n}=http://127.0.0.1:$(cat "$dir/replica-$n/port")"
    done
    echo "SERVER_KEY=$(grep -o '"publicKey" *: *"[^"]*"' <("$bin/catalogd" key show --data "$dir/replica-1" --json) | sed 's/.*"\([^"]*\)"$/\1/')"
  } > "$dir/cluster.env"
}

down() {
  [ -n "$dir" ] && [ -d "$dir" ] || return 0
  local n pid
  [ -f "$dir/nginx/nginx.pid" ] && kill "$(cat "$dir/nginx/nginx.pid")" 2>/dev/null || true
  for pidfile in "$dir"/replica-*/pid; do
    [ -f "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    kill "$pid" 2>/dev/null || true
  done
  for pidfile in "$dir"/replica-*/pid; do
    [ -f "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    for n in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  if [ -d "$dir/postgres/data" ]; then
    as_postgres "$(pg_bin)/pg_ctl" -D "$dir/postgres/data" -m fast stop > /dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}

show() {
  # shellcheck disable=SC1091
  . "$dir/cluster.env"
  echo "catalogd: $replicas replicas on PostgreSQL ($DATABASE), behind nginx"
  echo
  echo "  balancer: $BALANCER        (termshell, termshell --headless and minictl use this URL)"
  for n in $(seq 1 "$replicas"); do
    eval "echo \"  replica $n: \$REPLICA_$n   (log: $dir/replica-$n/log.txt)\""
  done
  echo "  server key: $SERVER_KEY"
  if [ -f "$dir/replica-1/out.txt" ] && grep -q "account \|host key " "$dir/replica-1/out.txt"; then
    echo
    grep "account \|host key \|user-signing key " "$dir/replica-1/out.txt"
  fi
  echo
  echo "  for example:"
  echo "    minictl status com.carins.quote --server $BALANCER --token OPS_TOKEN"
  echo "    termshell --server $BALANCER --host mbank --host-key HOST_KEY --server-key $SERVER_KEY \\"
  echo "      --user-key $dir/replica-1/user-keys/mbank.key"
}

case "$command" in
  up)
    up
    show
    ;;
  down)
    [ -n "$dir" ] || fail "down needs --dir DIR"
    down
    ;;
  kill-replica)
    [ -n "$dir" ] || fail "kill-replica needs --dir DIR"
    kill -9 "$(cat "$dir/replica-$replica_number/pid")"
    ;;
  start-replica)
    [ -n "$dir" ] || fail "start-replica needs --dir DIR"
    # shellcheck disable=SC1091
    . "$dir/cluster.env"
    database=$DATABASE
    start_replica "$replica_number" "$(cat "$dir/replica-$replica_number/port")"
    ;;
  run)
    trap 'down; exit 130' INT TERM
    trap 'down' EXIT
    up
    show
    echo
    if [ -t 0 ]; then
      echo "Press Enter (or Ctrl-C) to stop everything and remove $dir."
      read -r _ || true
    else
      echo "Send SIGTERM or SIGINT to stop everything and remove $dir."
      while true; do sleep 3600 & wait $! || true; done
    fi
    ;;
esac
