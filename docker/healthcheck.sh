#!/bin/bash
# Container health probe: GET /healthz (or the path given as $1, e.g. /readyz) on the port of the first URL in
# Http__Urls, over loopback; healthy only on HTTP 200. Uses bash's /dev/tcp so the runtime image needs no curl or wget.
# Exit 0 healthy, 1 unhealthy.
set -uo pipefail

path="${1:-/healthz}"

url="${Http__Urls:-http://0.0.0.0:8080}"
url="${url%%;*}"                 # the first of several URLs
hostport="${url#*://}"
hostport="${hostport%%/*}"
case "$hostport" in
  *:*) port="${hostport##*:}" ;;
  *) port=80 ;;
esac

if ! { exec 3<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null; then
  echo "unhealthy: nothing listens on 127.0.0.1:$port"
  exit 1
fi
printf 'GET %s HTTP/1.0\r\nHost: localhost\r\nConnection: close\r\n\r\n' "$path" >&3
status=""
IFS= read -r -t 5 status <&3 || true
exec 3<&-
status="${status%$'\r'}"
case "$status" in
  "HTTP/1."[01]" 200"*) exit 0 ;;
  *) echo "unhealthy: ${status:-no answer} from 127.0.0.1:$port$path"; exit 1 ;;
esac
