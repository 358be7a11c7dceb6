#!/usr/bin/env bash
# docker-compose for the deployment tests: `install` (Debian's docker-compose package), `start`, `stop`, `status`.
# There is no server: start only writes $ATB_SERVERS_DIR/compose-check.env with
#   ATB_TEST_COMPOSE=/usr/bin/docker-compose   the binary the tests run `docker-compose ... config` with.
# `docker-compose config` parses, interpolates and validates the compose file without a Docker engine.
set -euo pipefail

SERVERS_DIR="${ATB_SERVERS_DIR:-$(cd "$(dirname "$0")/../.." && pwd)/.test-servers}"
ENV_FILE="$SERVERS_DIR/compose-check.env"

install() {
  if command -v docker-compose >/dev/null 2>&1; then return 0; fi
  export DEBIAN_FRONTEND=noninteractive
  # Another server script may hold the apt lock at the same moment: wait for it rather than fail.
  if ! apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends docker-compose >/dev/null 2>&1; then
    apt-get -o DPkg::Lock::Timeout=300 update >/dev/null
    apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends docker-compose >/dev/null
  fi
  command -v docker-compose >/dev/null
}

start() {
  install
  mkdir -p "$SERVERS_DIR"
  echo "export ATB_TEST_COMPOSE=$(command -v docker-compose)" >"$ENV_FILE"
}

stop() { rm -f "$ENV_FILE"; }

status() {
  if command -v docker-compose >/dev/null 2>&1; then docker-compose version --short; else echo "not installed"; return 1; fi
}

case "${1:-}" in
  install) install ;;
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 install|start|stop|status" >&2; exit 2 ;;
esac
