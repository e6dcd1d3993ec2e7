#!/usr/bin/env bash
# Launch time: from starting the vmi-map process to its first frame on screen with the bundled
# sample, under Xvfb (Mesa's software OpenGL). The app reports the moment its first frame was
# presented (VMI_MAP_EXIT_AFTER_FIRST_FRAME=1, app/src/launch.rs) and closes; this script notes
# the wall clock just before starting it, so the figure includes exec, dynamic linking, the
# window, the GL context and loading the sample. Runs with an empty home (no saved settings).
#
#   bash bench/run-launch.sh [RUNS] [BINARY]     # default: 7 runs of target/release/vmi-map
#
# Prints every run and the median, in milliseconds. Needs xvfb and x11-utils (xdpyinfo).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-7}
binary=${2:-target/release/vmi-map}
if [ "$binary" = target/release/vmi-map ]; then
  cargo build --release -q -p vmi-map
fi

display=:96
started_xvfb=
if ! DISPLAY=$display xdpyinfo >/dev/null 2>&1; then
  Xvfb "$display" -screen 0 1600x1000x24 -nolisten tcp >/dev/null 2>&1 &
  started_xvfb=$!
  for _ in $(seq 300); do DISPLAY=$display xdpyinfo >/dev/null 2>&1 && break; sleep 0.1; done
fi
home=$(mktemp -d)
cleanup() {
  [ -n "$started_xvfb" ] && kill "$started_xvfb" 2>/dev/null || true
  rm -rf "$home"
}
trap cleanup EXIT

cat "$binary" >/dev/null   # the binary in the page cache, as for any launch but the very first
launch_ms=()
for run in $(seq "$runs"); do
  rm -rf "${home:?}"/* "$home"/.[!.]* 2>/dev/null || true
  start_ns=$(date +%s%N)
  report=$(DISPLAY=$display HOME=$home XDG_CONFIG_HOME=$home/.config XDG_DATA_HOME=$home/.local/share \
    VMI_MAP_EXIT_AFTER_FIRST_FRAME=1 "$binary" 2>&1 >/dev/null | grep '"first_frame_unix_ns"' | tail -n1)
  [ -n "$report" ] || { echo "run $run: the app printed no first-frame report" >&2; exit 1; }
  line=$(python3 - "$start_ns" "$report" <<'PY'
import json, sys
start_ns = int(sys.argv[1])
report = json.loads(sys.argv[2])
launch_ms = (int(report["first_frame_unix_ns"]) - start_ns) / 1e6
print(f"{launch_ms:.1f} {report['first_frame_ms_since_main']:.1f} {report['records']} {report['nodes']}")
PY
)
  read -r total since_main records nodes <<<"$line"
  echo "run $run: first frame ${total} ms after launch (${since_main} ms after main), ${records} records, ${nodes} nodes on the map"
  launch_ms+=("$total")
done
printf '%s\n' "${launch_ms[@]}" | sort -n | awk '{v[NR]=$1} END {m=(NR%2)?v[(NR+1)/2]:(v[NR/2]+v[NR/2+1])/2; printf "median: %.1f ms over %d runs (min %.1f, max %.1f)\n", m, NR, v[1], v[NR]}'
