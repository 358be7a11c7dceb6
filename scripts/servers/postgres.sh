#!/usr/bin/env bash
# Throwaway PostgreSQL 15 for the integration tests: install | start | stop | status.
# start writes $ATB_SERVERS_DIR/postgres.env with ATB_TEST_POSTGRES (a maintenance database the tests create their
# own databases from) and ATB_PG_BIN. The cluster runs as the `postgres` user on a free loopback port with its
# socket in the cluster dir; it lives under /tmp (named after ATB_SERVERS_DIR) because the postgres user may not be
# able to write, or even traverse, the servers dir inside the work tree.
set -euo pipefail

ATB_SERVERS_DIR="${ATB_SERVERS_DIR:-$(cd "$(dirname "$0")/../.." && pwd)/.test-servers}"
mkdir -p "$ATB_SERVERS_DIR"
ENV_FILE="$ATB_SERVERS_DIR/postgres.env"
STATE_FILE="$ATB_SERVERS_DIR/postgres.state"
RUN_ID=$(printf '%s' "$ATB_SERVERS_DIR" | sha1sum | cut -c1-10)
CLUSTER="/tmp/atb-pg-$RUN_ID"
DATABASE="atb_test"

pg_bin() {
  local d
  for d in /usr/lib/postgresql/15/bin $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then echo "$d"; return 0; fi
  done
  return 1
}

as_postgres() { runuser -u postgres -- "$@"; }

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

install() {
  if pg_bin >/dev/null && id postgres >/dev/null 2>&1; then return 0; fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq postgresql >/dev/null
  pg_bin >/dev/null || { echo "postgres.sh: no initdb after installing postgresql" >&2; exit 1; }
  # The Debian package starts its own cluster on 5432; the tests do not use it.
}

running() {
  local bin; bin=$(pg_bin) || return 1
  [ -f "$CLUSTER/data/PG_VERSION" ] && as_postgres "$bin/pg_ctl" -D "$CLUSTER/data" status >/dev/null 2>&1
}

write_env() {
  local port=$1 bin; bin=$(pg_bin)
  cat >"$ENV_FILE" <<EOF
export ATB_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=postgres;Database=$DATABASE"
export ATB_PG_BIN="$bin"
EOF
}

start() {
  install
  local bin port; bin=$(pg_bin)
  if running && [ -f "$STATE_FILE" ]; then
    port=$(cat "$STATE_FILE")
    write_env "$port"
    echo "postgres already running on 127.0.0.1:$port ($CLUSTER)"
    return 0
  fi
  # A leftover cluster from a killed run: stop it if it still runs, then start afresh.
  if [ -f "$CLUSTER/data/postmaster.pid" ]; then as_postgres "$bin/pg_ctl" -D "$CLUSTER/data" stop -m immediate >/dev/null 2>&1 || true; fi
  rm -rf "$CLUSTER"
  mkdir -p "$CLUSTER/data" "$CLUSTER/sock"
  chown -R postgres:postgres "$CLUSTER"
  chmod 700 "$CLUSTER"
  as_postgres "$bin/initdb" -D "$CLUSTER/data" -U postgres --auth=trust -E UTF8 --no-locale >"$CLUSTER/initdb.log" 2>&1 \
    || { cat "$CLUSTER/initdb.log" >&2; exit 1; }
  port=$(free_port)
  # fsync off: a throwaway test cluster; nothing in it must survive a machine crash.
  if ! as_postgres "$bin/pg_ctl" -D "$CLUSTER/data" -l "$CLUSTER/server.log" -w -t 60 \
      -o "-p $port -k $CLUSTER/sock -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null; then
    cat "$CLUSTER/server.log" >&2
    exit 1
  fi
  as_postgres "$bin/psql" -h "$CLUSTER/sock" -p "$port" -U postgres -d postgres -qAt -c "CREATE DATABASE $DATABASE" >/dev/null
  echo "$port" >"$STATE_FILE"
  write_env "$port"
  echo "postgres started on 127.0.0.1:$port ($CLUSTER)"
}

stop() {
  local bin
  if bin=$(pg_bin) && [ -f "$CLUSTER/data/PG_VERSION" ]; then
    as_postgres "$bin/pg_ctl" -D "$CLUSTER/data" stop -m fast >/dev/null 2>&1 || true
  fi
  rm -rf "$CLUSTER"
  rm -f "$ENV_FILE" "$STATE_FILE"
}

status() {
  if running; then echo "running on 127.0.0.1:$(cat "$STATE_FILE" 2>/dev/null)"; else echo "stopped"; return 1; fi
}

case "${1:-}" in
  install) install ;;
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 install|start|stop|status" >&2; exit 2 ;;
esac
