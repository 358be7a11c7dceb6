#!/usr/bin/env bash
# Podman's Docker-compatible Engine API on a private unix socket, for the Docker adapter's integration tests.
#   install: apt packages podman, runc, busybox-static (apt-get update once, only when something is missing)
#   start:   private CONTAINERS_CONF + --root/--runroot under $ATB_SERVERS_DIR/podman, image localhost/tbot:1 built
#            from a busybox rootfs (no registry is reachable), API service on $ATB_SERVERS_DIR/podman/podman.sock;
#            a second, separate store and API service under $ATB_SERVERS_DIR/podman/b (its own root, run root, tmp dir
#            and events log) that the tests use as a second Docker host; writes $ATB_SERVERS_DIR/podman.env
#   stop:    stops both services and removes every container of these private stores
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
# The second host: nothing shared with the first but the kernel (own tmp dir, so its events log is its own too).
DIR_B="$DIR/b"
SOCK_B="$DIR_B/podman.sock"
CONF_B="$DIR_B/containers.conf"
ROOT_B="$DIR_B/root"
RUNROOT_B="$DIR_B/runroot"
PIDFILE_B="$DIR_B/service.pid"

export CONTAINERS_CONF="$CONF"

pod() { podman --root "$ROOT" --runroot "$RUNROOT" "$@"; }
pod_b() { CONTAINERS_CONF="$CONF_B" podman --root "$ROOT_B" --runroot "$RUNROOT_B" "$@"; }

write_conf() {
  mkdir -p "$DIR" "$DIR_B/tmp"
  # crun fails here with "setrlimit RLIMIT_NOFILE: Operation not permitted"; runc without default ulimits works.
  cat >"$CONF" <<'EOF'
[containers]
default_ulimits = []
[engine]
runtime = "runc"
EOF
  cat >"$CONF_B" <<EOF
[containers]
default_ulimits = []
[engine]
runtime = "runc"
tmp_dir = "$DIR_B/tmp"
events_logfile_path = "$DIR_B/tmp/events.log"
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
  curl -sf --max-time 1 --unix-socket "${1:-$SOCK}" http://d/_ping >/dev/null 2>&1
}

# build_image [pod|pod_b]
build_image() {
  local p="${1:-pod}"
  if "$p" image exists "$IMAGE" 2>/dev/null; then return 0; fi
  local tmp
  tmp=$(mktemp -d)
  mkdir -p "$tmp/rootfs/bin" "$tmp/rootfs/tmp"
  cp /bin/busybox "$tmp/rootfs/bin/"
  for c in sh echo sleep cat ls date true false env printf yes head tail seq; do ln -s busybox "$tmp/rootfs/bin/$c"; done
  tar -C "$tmp/rootfs" -cf "$tmp/rootfs.tar" .
  "$p" import --quiet --change 'CMD ["/bin/sh"]' "$tmp/rootfs.tar" "$IMAGE" >/dev/null
  rm -rf "$tmp"
}

# start_service SOCK PIDFILE LOGFILE CONF ROOT RUNROOT
start_service() {
  local sock="$1" pidfile="$2" log="$3" conf="$4" root="$5" runroot="$6"
  if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null && ping_ok "$sock"; then return 0; fi
  rm -f "$sock"
  CONTAINERS_CONF="$conf" nohup podman --root "$root" --runroot "$runroot" system service --time=0 "unix://$sock" >"$log" 2>&1 &
  echo $! >"$pidfile"
  for _ in $(seq 1 100); do ping_ok "$sock" && break; sleep 0.1; done
  if ! ping_ok "$sock"; then
    echo "podman API service did not answer on $sock; see $log" >&2
    tail -20 "$log" >&2 || true
    exit 1
  fi
}

start() {
  write_conf
  mkdir -p "$ROOT" "$RUNROOT" "$ROOT_B" "$RUNROOT_B"
  build_image pod
  build_image pod_b
  start_service "$SOCK" "$PIDFILE" "$DIR/service.log" "$CONF" "$ROOT" "$RUNROOT"
  start_service "$SOCK_B" "$PIDFILE_B" "$DIR_B/service.log" "$CONF_B" "$ROOT_B" "$RUNROOT_B"
  cat >"$ENVFILE" <<EOF
export ATB_TEST_DOCKER=unix://$SOCK
export ATB_TEST_DOCKER_IMAGE=$IMAGE
export ATB_TEST_PODMAN_CONTAINERS_CONF=$CONF
export ATB_TEST_PODMAN_ROOT=$ROOT
export ATB_TEST_PODMAN_RUNROOT=$RUNROOT
export ATB_TEST_DOCKER_B=unix://$SOCK_B
export ATB_TEST_PODMAN_B_CONTAINERS_CONF=$CONF_B
export ATB_TEST_PODMAN_B_ROOT=$ROOT_B
export ATB_TEST_PODMAN_B_RUNROOT=$RUNROOT_B
EOF
  echo "podman API on unix://$SOCK and (second host) unix://$SOCK_B (image $IMAGE)"
}

# stop_service PIDFILE
stop_service() {
  local pidfile="$1"
  if [ -f "$pidfile" ]; then
    local pid
    pid=$(cat "$pidfile")
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$pidfile"
  fi
}

stop() {
  stop_service "$PIDFILE"
  stop_service "$PIDFILE_B"
  if command -v podman >/dev/null 2>&1; then
    write_conf
    if [ -d "$ROOT" ]; then pod rm -af -t 0 >/dev/null 2>&1 || true; fi
    if [ -d "$ROOT_B" ]; then pod_b rm -af -t 0 >/dev/null 2>&1 || true; fi
  fi
  rm -f "$SOCK" "$SOCK_B"
}

case "${1:-}" in
  install) install ;;
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 install|start|stop" >&2; exit 2 ;;
esac
