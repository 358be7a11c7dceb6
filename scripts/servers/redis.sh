#!/usr/bin/env bash
# Throwaway Redis 7 servers for the tests: `install` (apt redis-server), `start`, `stop`, `status`.
# start runs two servers on free 127.0.0.1 ports under $ATB_SERVERS_DIR/redis: one open, one password-protected
# (for AUTH tests), and writes $ATB_SERVERS_DIR/redis.env with:
#   ATB_TEST_REDIS=127.0.0.1:PORT                          open server
#   ATB_TEST_REDIS_AUTH=127.0.0.1:PORT2,password=SECRET    server that requires AUTH
#   ATB_TEST_REDIS_SERVER=/usr/bin/redis-server            for tests that start (and kill/restart) their own server
# Nothing is persisted (--save "" --appendonly no); stop shuts both down and removes their files.
set -euo pipefail

SERVERS_DIR="${ATB_SERVERS_DIR:-$(cd "$(dirname "$0")/../.." && pwd)/.test-servers}"
DIR="$SERVERS_DIR/redis"
ENV_FILE="$SERVERS_DIR/redis.env"
PASSWORD="atb-test-redis-pw"

redis_bin() { command -v redis-server || echo /usr/bin/redis-server; }
cli_bin() { command -v redis-cli || echo /usr/bin/redis-cli; }

install() {
  if command -v redis-server >/dev/null 2>&1 && command -v redis-benchmark >/dev/null 2>&1; then
    return 0
  fi
  export DEBIAN_FRONTEND=noninteractive
  # Another server script may hold the apt lock at the same moment: wait for it rather than fail.
  if ! apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends redis-server redis-tools >/dev/null 2>&1; then
    apt-get -o DPkg::Lock::Timeout=300 update >/dev/null
    apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends redis-server redis-tools >/dev/null
  fi
  # The Debian package starts a system service on 6379; the tests use their own servers, so leave it alone.
  command -v redis-server >/dev/null
}

free_port() {
  python3 - <<'EOF'
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
EOF
}

# start_one NAME [extra redis-server args...]: starts a daemonized server and prints its port.
start_one() {
  local name=$1; shift
  local port; port=$(free_port)
  mkdir -p "$DIR/$name"
  "$(redis_bin)" --bind 127.0.0.1 --port "$port" --save "" --appendonly no --daemonize yes \
    --pidfile "$DIR/$name/redis.pid" --dir "$DIR/$name" --logfile "$DIR/$name/redis.log" "$@" >/dev/null
  echo "$port"
}

wait_ping() {
  local port=$1; shift
  for _ in $(seq 1 100); do
    if [ "$("$(cli_bin)" -h 127.0.0.1 -p "$port" "$@" --no-auth-warning ping 2>/dev/null)" = "PONG" ]; then return 0; fi
    sleep 0.1
  done
  echo "redis on port $port did not answer PING" >&2
  return 1
}

running() {
  local pidfile=$1
  [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null
}

start() {
  if running "$DIR/open/redis.pid" && running "$DIR/auth/redis.pid" && [ -f "$ENV_FILE" ]; then
    return 0
  fi
  stop
  mkdir -p "$DIR"
  local open auth
  open=$(start_one open)
  auth=$(start_one auth --requirepass "$PASSWORD")
  wait_ping "$open"
  wait_ping "$auth" -a "$PASSWORD"
  cat >"$ENV_FILE" <<EOF
export ATB_TEST_REDIS=127.0.0.1:$open
export ATB_TEST_REDIS_AUTH=127.0.0.1:$auth,password=$PASSWORD
export ATB_TEST_REDIS_SERVER=$(redis_bin)
EOF
}

stop() {
  for name in open auth; do
    local pidfile="$DIR/$name/redis.pid"
    if running "$pidfile"; then
      local pid; pid=$(cat "$pidfile")
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
    fi
  done
  rm -rf "$DIR" "$ENV_FILE"
}

status() {
  for name in open auth; do
    if running "$DIR/$name/redis.pid"; then echo "$name: running"; else echo "$name: stopped"; fi
  done
}

case "${1:-}" in
  install) install ;;
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 install|start|stop|status" >&2; exit 2 ;;
esac
