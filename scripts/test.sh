#!/usr/bin/env bash
# Runs every test against real peers: installs and starts each server in scripts/servers/ (PostgreSQL, Redis,
# Podman's Docker-compatible API, the Telegram Bot API emulator, ...), runs the whole solution's tests with
# integration peers mandatory, stops the servers, and ends with one line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

export ATB_SERVERS_DIR="${ATB_SERVERS_DIR:-$ROOT/.test-servers}"
export ATB_REQUIRE_INTEGRATION=1
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
mkdir -p "$ATB_SERVERS_DIR"
RESULTS="$ATB_SERVERS_DIR/results"
rm -rf "$RESULTS"; mkdir -p "$RESULTS"

servers=()
for s in scripts/servers/*.sh; do [ -e "$s" ] && servers+=("$s"); done

stop_servers() {
  for s in "${servers[@]}"; do bash "$s" stop >/dev/null 2>&1 || true; done
}
trap stop_servers EXIT

setup_failed=0
for s in "${servers[@]}"; do
  name=$(basename "$s" .sh)
  echo "== $name: install"
  if ! bash "$s" install; then echo "!! $name: install failed"; setup_failed=$((setup_failed+1)); continue; fi
  echo "== $name: start"
  if ! bash "$s" start; then echo "!! $name: start failed (its tests will fail)"; setup_failed=$((setup_failed+1)); continue; fi
  if [ -f "$ATB_SERVERS_DIR/$name.env" ]; then
    # shellcheck disable=SC1090
    source "$ATB_SERVERS_DIR/$name.env"
  fi
done

echo "== build"
if ! dotnet build AiTradingBot.sln -c Release -nologo -v:q; then
  echo "0 passed, 1 failed"
  exit 1
fi

echo "== test"
projects=(tests/*.Tests/*.Tests.csproj)
# Two lanes (the machine has two cores); the slowest projects start first. Each project writes its own log and TRX.
export RESULTS
run_project() {
  local n; n=$(basename "$1" .csproj)
  dotnet test "$1" -c Release --no-build -nologo --logger "trx;LogFileName=$n.trx" --results-directory "$RESULTS" > "$RESULTS/$n.log" 2>&1
  echo "-- $n: $(grep -E '^(Passed|Failed)!' "$RESULTS/$n.log" | tail -1 || echo 'no summary')"
}
export -f run_project
printf '%s\n' "${projects[@]}" | awk '{ w = ($0 ~ /Scheduling|Docker|Host|Storage/) ? 0 : 1; print w "\t" $0 }' | sort | cut -f2 \
  | xargs -P 2 -I{} bash -c 'run_project "$@"' _ {}
for log in "$RESULTS"/*.log; do
  if grep -qE '^\s*Failed |\[FAIL\]' "$log"; then
    echo "== failures in $(basename "$log" .log)"
    grep -E -A12 '^\s*Failed |\[FAIL\]' "$log" | head -120
  fi
  # A test host that crashed or was aborted leaves its unfinished tests out of the counters: say so.
  if grep -qE 'Catastrophic failure|\[FATAL ERROR\]|Test Run Aborted' "$log"; then
    echo "== test run of $(basename "$log" .log) crashed or was aborted"
    grep -E -B2 -A8 'Catastrophic failure|\[FATAL ERROR\]|Test Run Aborted' "$log" | head -40
  fi
done

passed=0; failed=0; skipped=0; found=0
for trx in "$RESULTS"/*.trx; do
  [ -e "$trx" ] || continue
  found=$((found+1))
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  e=$(sed -n 's/.* error="\([0-9]*\)".*/\1/p' <<<"$counters")
  t=$(sed -n 's/.* total="\([0-9]*\)".*/\1/p' <<<"$counters")
  x=$(sed -n 's/.* executed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed+${p:-0})); failed=$((failed+${f:-0}+${e:-0})); skipped=$((skipped+${t:-0}-${x:-0}))
  # The run failed as a whole (the test host crashed) though no single test did: one failure for the run.
  if grep -q '<ResultSummary outcome="Failed"' "$trx" && [ "$(( ${f:-0} + ${e:-0} ))" -eq 0 ]; then failed=$((failed+1)); fi
done
# A test project that produced no results counts as a failure, and so does a server that would not start.
missing=$(( ${#projects[@]} - found ))
failed=$((failed + missing + setup_failed))
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
