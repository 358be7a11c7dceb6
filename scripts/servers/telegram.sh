#!/usr/bin/env bash
# Telegram Bot API emulator (telegram-test-api 4.2.1, npm) for the Telegram integration tests and benchmark.
# Usage: telegram.sh install|start|stop|status. start writes `export ATB_TEST_TELEGRAM=http://127.0.0.1:PORT`
# to $ATB_SERVERS_DIR/telegram.env, and ATB_TEST_TELEGRAM_SERVER_JS (the start script: `node server.js PORT`) for
# tests that run and restart a private emulator. Binds to 127.0.0.1 only. Idempotent.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
SERVERS_DIR="${ATB_SERVERS_DIR:-$ROOT/.test-servers}"
DIR="$SERVERS_DIR/telegram"
PKG="telegram-test-api@4.2.1"
PID_FILE="$DIR/server.pid"
ENV_FILE="$SERVERS_DIR/telegram.env"
LOG_FILE="$DIR/server.log"

running() { [ -f "$PID_FILE" ] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null; }

install() {
  mkdir -p "$DIR"
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    apt-get update -qq && apt-get install -y -qq nodejs npm >/dev/null
  fi
  if [ -f "$DIR/node_modules/telegram-test-api/package.json" ] &&
     grep -q '"version": "4.2.1"' "$DIR/node_modules/telegram-test-api/package.json"; then
    return 0
  fi
  [ -f "$DIR/package.json" ] || echo '{"name":"atb-telegram-emulator","private":true}' > "$DIR/package.json"
  (cd "$DIR" && npm install --no-audit --no-fund --loglevel=error "$PKG" >/dev/null)
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

start() {
  if running && [ -f "$ENV_FILE" ]; then return 0; fi
  [ -f "$DIR/node_modules/telegram-test-api/package.json" ] || install
  local port; port=$(free_port)
  # storeTimeout: keep unread messages for an hour so slow test runs never lose them.
  cat > "$DIR/server.js" <<'JS'
const TelegramServer = require('telegram-test-api');
const port = Number(process.argv[2]);
const server = new TelegramServer({ port, host: '127.0.0.1', storage: 'RAM', storeTimeout: 3600 });
server.start().then(() => console.log(`telegram-test-api listening on 127.0.0.1:${port}`));
const stop = () => server.stop().finally(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
JS
  (cd "$DIR" && nohup node server.js "$port" >"$LOG_FILE" 2>&1 & echo $! > "$PID_FILE")
  local url="http://127.0.0.1:$port"
  for _ in $(seq 1 100); do
    if curl -sf -X POST -H 'Content-Type: application/json' -d '{"token":"probe"}' "$url/getUpdatesHistory" >/dev/null 2>&1; then
      { echo "export ATB_TEST_TELEGRAM=$url"; echo "export ATB_TEST_TELEGRAM_SERVER_JS=$DIR/server.js"; } > "$ENV_FILE"
      echo "telegram-test-api on $url"
      return 0
    fi
    running || break
    sleep 0.1
  done
  echo "telegram-test-api did not start; log:" >&2
  cat "$LOG_FILE" >&2 || true
  return 1
}

stop() {
  if running; then
    local pid; pid=$(cat "$PID_FILE")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$PID_FILE" "$ENV_FILE"
}

case "${1:-}" in
  install) install ;;
  start) start ;;
  stop) stop ;;
  status) if running; then echo "running (pid $(cat "$PID_FILE"))"; else echo "stopped"; exit 1; fi ;;
  *) echo "usage: $0 install|start|stop|status" >&2; exit 2 ;;
esac
