#!/usr/bin/env bash
# Builds the .deb from the vmi-map binary already in target/debug (the one `cargo test
# --workspace` built: no second build), installs it with dpkg, checks the desktop entry and the
# workspace file type, then launches the app the way a desktop does (the entry's Exec line, via
# dex) under Xvfb and checks that a window with the map appears: its title, its icon, and a
# screenshot with content. Run as root (CI) after `cargo test --workspace`; .ci/run calls it.
#
#   bash packaging/linux/check-package.sh [SCREENSHOT.png]
#
# Needs: cargo-deb 3.8.0 (installed here when missing), and the packages .ci/run installs
# (dpkg-dev desktop-file-utils dex xvfb x11-utils xdotool imagemagick and the run-time
# libraries).
set -euo pipefail
cd "$(dirname "$0")/../.."

shot=${1:-target/ci/installed-launch.png}
mkdir -p "$(dirname "$shot")" target/debian
fail() { echo "check-package: $*" >&2; exit 1; }

[ -x target/debug/vmi-map ] || fail "target/debug/vmi-map is missing: run cargo test --workspace first"

# cargo-deb is not packaged for Debian 12; a pinned version, because 3.x warns that packaging
# a dev-profile binary (what CI has) will become an error in some later version.
cargo_deb_version=3.8.0
if ! cargo deb --version 2>/dev/null | grep -qF "$cargo_deb_version"; then
  cargo install cargo-deb --version "$cargo_deb_version" --locked
fi

deb=target/debian/vmi-map-ci.deb
rm -f "$deb"
# --profile dev: package target/debug/vmi-map (cargo-deb warns that it is meant for releases;
# the release workflow packages a release build).
cargo deb -p vmi-map --no-build --profile dev --fast --output "$deb" 2>&1 | grep -v '^ *To enable debug\|dev profile is not supported' || true
[ -f "$deb" ] || fail "cargo deb made no package"
dpkg -i "$deb" >/dev/null

# What the package installed, and that dpkg's triggers registered it.
desktop=/usr/share/applications/vmi-map.desktop
desktop-file-validate "$desktop" || fail "desktop-file-validate rejects $desktop"
for size in 16x16 24x24 32x32 48x48 64x64 128x128 256x256 512x512; do
  [ -f "/usr/share/icons/hicolor/$size/apps/vmi-map.png" ] || fail "no $size icon installed"
done
[ -f /usr/share/icons/hicolor/scalable/apps/vmi-map.svg ] || fail "no scalable icon installed"
update-mime-database /usr/share/mime   # what the dpkg trigger runs; here at once, not deferred
grep -q 'application/x-vmi-map-workspace:\*\.vmimap' /usr/share/mime/globs2 \
  || fail "the workspace type (*.vmimap) is not in the mime database"
exec_line=$(sed -n 's/^Exec=//p' "$desktop")
[ "$exec_line" = "vmi-map %F" ] || fail "unexpected Exec line: $exec_line"
command -v vmi-map >/dev/null || fail "vmi-map is not on PATH after dpkg -i"
vmi-map --version

# Launch it from the desktop entry on a private X server, with an empty home (no settings or
# recent files of an earlier run), so it opens the bundled sample.
display=:97
Xvfb "$display" -screen 0 1600x1000x24 -nolisten tcp >/dev/null 2>&1 &
xvfb_pid=$!
app_home=$(mktemp -d)
app_pid=
cleanup() {
  [ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null || true
  kill "$xvfb_pid" 2>/dev/null || true
  rm -rf "$app_home"
}
trap cleanup EXIT
export DISPLAY=$display
for _ in $(seq 300); do xdpyinfo >/dev/null 2>&1 && break; sleep 0.1; done
xdpyinfo >/dev/null 2>&1 || fail "Xvfb did not start on $display within 30 s"

HOME=$app_home XDG_CONFIG_HOME=$app_home/.config XDG_DATA_HOME=$app_home/.local/share \
  LIBGL_ALWAYS_SOFTWARE=1 dex "$desktop"

window=
for _ in $(seq 100); do
  # eframe shows the window after its first frame is painted: wait for a visible one.
  window=$(xdotool search --onlyvisible --class '^vmi-map$' 2>/dev/null | head -n1) && [ -n "$window" ] && break
  sleep 0.2
done
[ -n "$window" ] || fail "no vmi-map window appeared within 20 s of launching the desktop entry"
app_pid=$(xdotool getwindowpid "$window" 2>/dev/null || true)
title=$(xdotool getwindowname "$window")
echo "window $window (pid ${app_pid:-?}): $title"
case "$title" in "vmi-map — "*) ;; *) fail "unexpected window title: $title" ;; esac
# Read the whole property first: `xprop | grep -q` would stop reading at the match and, with
# pipefail, fail on xprop's broken pipe.
icon=$(xprop -id "$window" _NET_WM_ICON)
grep -q 'Icon (128 x 128)' <<<"$icon" || fail "the window has no 128 px icon (_NET_WM_ICON)"

# Let the layout settle a little, with the pointer off the window (no hover tooltip), then
# look at the screen.
xdotool mousemove 1599 999
sleep 3
import -window root "$shot"
colours=$(identify -format %k "$shot")
echo "screenshot $shot: $colours colours"
[ "$colours" -ge 200 ] || fail "the screenshot has only $colours colours: no map on screen"
echo "check-package: installed, validated and launched from its desktop entry"
