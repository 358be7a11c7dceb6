#!/usr/bin/env bash
# Fonts for chart pictures: fonts-dejavu-core (DejaVu Sans), the one family ScottPlotChartRenderer names, so charts
# render the same on every machine (a machine without fonts draws squares). Not a server: start and stop do nothing.
# Usage: fonts.sh install|start|stop|status. Idempotent.
set -euo pipefail

present() { fc-list 2>/dev/null | grep -qi "DejaVu Sans" || [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]; }

install() {
  if present; then return 0; fi
  local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq && $sudo apt-get install -y -qq --no-install-recommends fonts-dejavu-core fontconfig >/dev/null
  present || { echo "fonts-dejavu-core did not install DejaVu Sans" >&2; return 1; }
}

case "${1:-}" in
  install) install ;;
  start | stop) : ;;
  status) if present; then echo "DejaVu Sans installed"; else echo "DejaVu Sans missing"; exit 1; fi ;;
  *) echo "usage: $0 install|start|stop|status" >&2; exit 2 ;;
esac
