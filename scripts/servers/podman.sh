#!/usr/bin/env bash
# Podman's Docker-compatible Engine API on a private unix socket, for the Docker adapter's integration tests.
#   install: apt packages podman, runc, busybox-static (apt-get update once, only when something is missing)
#   start:   private CONTAINERS_CONF + --root/--runroot under $ATB_SERVERS_DIR/podman, image localhost/tbot:1 built
#            from a busybox rootfs (no registry is reachable), API service on $ATB_SERVERS_DIR/podman/podman.sock;
#            writes $ATB_SERVERS_DIR/podman.env
#   stop:    stops the service and removes every container of this private store
set -euo pipefail

ATB_SERVERS_DIR="${ATB_SERVERS_DIR:-/work/main/.test-servers}"
DIR="$ATB_SERVERS_DIR/podman"
SOCK="$DIR/podman.sock"
CONF="$DIR/containers.conf"
ROOT="$DIR/root"
RUNROOT="$DIR/runroot"
PIDFILE="$DIR/service.pid"
IMAGE="localhost/tbot:1"
ENVFILE="$ATB_SERVERS_DIR/podman.env"

export CONTAINERS_CONF="$CONF"

pod() { podman --root "$ROOT" --runroot "$RUNROOT" "$@"; }

write_conf() {
  mkdir -p "$DIR"
  # crun fails here with "setrlimit RLIMIT_NOFILE: Operation not permitted"; runc without default ulimits works.
  cat >"$CONF" <<'EOF'
[containers]
default_ulimits = []
[engine]
runtime = "runc"
EOF
}

install() {
  local missing=()
  command -v podman >/dev/null 2>&1 || missing+=(podman)
  command -v runc >/dev/null 2>&1 || missing+=(runc)
  [ -x /bin/busybox ] || missing+=(busybox-static)
  if [ ${#missing[@]} -gt 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get -o DPkg::Lock::Timeout=600 update -qq
    apt-get -o DPkg::Lock::Timeout=600 install -y -qq "${missing[@]}" >/dev/null
  fi
}

ping_ok() {
  curl -sf --max-time 1 --unix-socket "$SOCK" http://d/_ping >/dev/null 2>&1
}

build_image() {
  if pod image exists "$IMAGE" 2>/dev/null; then return 0; fi
  local tmp
  tmp=$(mktemp -d)
  mkdir -p "$tmp/rootfs/bin" "$tmp/rootfs/tmp"
  cp /bin/busybox "$tmp/rootfs/bin/"
  for c in sh echo sleep cat ls date true false env printf yes head tail seq; do ln -s busybox "$tmp/rootfs/bin/$c"; done
  tar -C "$tmp/rootfs" -cf "$tmp/rootfs.tar" .
  pod import --quiet --change 'CMD ["/bin/sh"]' "$tmp/rootfs.tar" "$IMAGE" >/dev/null
  rm -rf "$tmp"
}

start() {
  write_conf
  mkdir -p "$ROOT" "$RUNROOT"
  build_image
  if [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null && ping_ok; then
    :
  else
    rm -f "$SOCK"
    nohup podman --root "$ROOT" --runroot "$RUNROOT" system service --time=0 "unix://$SOCK" \
      >"$DIR/service.log" 2>&1 &
    echo $! >"$PIDFILE"
    for _ in $(seq 1 100); do ping_ok && break; sleep 0.1; done
    if ! ping_ok; then
      echo "podman API service did not answer on $SOCK; see $DIR/service.log" >&2
      tail -20 "$DIR/service.log" >&2 || true
      exit 1
    fi
  fi
  cat >"$ENVFILE" <<EOF
export ATB_TEST_DOCKER=unix://$SOCK
export ATB_TEST_DOCKER_IMAGE=$IMAGE
export ATB_TEST_PODMAN_CONTAINERS_CONF=$CONF
export ATB_TEST_PODMAN_ROOT=$ROOT
export ATB_TEST_PODMAN_RUNROOT=$RUNROOT
EOF
  echo "podman API on unix://$SOCK (image $IMAGE)"
}

stop() {
  if [ -f "$PIDFILE" ]; then
    local pid
    pid=$(cat "$PIDFILE")
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$PIDFILE"
  fi
  if [ -d "$ROOT" ] && command -v podman >/dev/null 2>&1; then
    write_conf
    pod rm -af -t 0 >/dev/null 2>&1 || true
  fi
  rm -f "$SOCK"
}

case "${1:-}" in
  install) install ;;
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 install|start|stop" >&2; exit 2 ;;
esac
