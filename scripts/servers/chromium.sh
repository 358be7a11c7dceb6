#!/usr/bin/env bash
# Debian's Chromium and its matching chromedriver for the dashboard's browser tests (Selenium, headless).
#   install: apt packages chromium chromium-driver fonts-dejavu-core, together so the versions match
#            (Selenium Manager would try to download a driver; the tests pass explicit paths instead)
#   start:   nothing to run; writes $ATB_SERVERS_DIR/chromium.env with the binaries and a screenshots folder
#   stop:    nothing to stop
set -euo pipefail

ATB_SERVERS_DIR="${ATB_SERVERS_DIR:-$(cd "$(dirname "$0")/../.." && pwd)/.test-servers}"
ENVFILE="$ATB_SERVERS_DIR/chromium.env"

install() {
  local missing=()
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  [ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
  [ -d /usr/share/fonts/truetype/dejavu ] || missing+=(fonts-dejavu-core)
  if [ ${#missing[@]} -gt 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    # Another server script may hold the apt lock: wait for it rather than fail.
    if ! apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends chromium chromium-driver fonts-dejavu-core >/dev/null; then
      apt-get -o DPkg::Lock::Timeout=600 update -qq
      apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends chromium chromium-driver fonts-dejavu-core >/dev/null
    fi
  fi
  /usr/bin/chromium --version
}

start() {
  [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] || { echo "chromium or chromedriver missing: run $0 install" >&2; exit 1; }
  mkdir -p "$ATB_SERVERS_DIR/screenshots"
  cat >"$ENVFILE" <<ENV
export ATB_TEST_CHROMIUM=/usr/bin/chromium
export ATB_TEST_CHROMEDRIVER=/usr/bin/chromedriver
export ATB_TEST_SCREENSHOTS=$ATB_SERVERS_DIR/screenshots
ENV
  echo "chromium $(/usr/bin/chromium --version 2>/dev/null | awk '{print $2}') with /usr/bin/chromedriver"
}

stop() { :; }

case "${1:-}" in
  install) install ;;
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 install|start|stop" >&2; exit 2 ;;
esac
