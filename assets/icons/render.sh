#!/usr/bin/env bash
# Renders the app icon (vmi-map.svg) to the PNGs and the Windows .ico that are committed beside
# it, so a build needs no image tools. Needs rsvg-convert (librsvg2-bin) and ImageMagick.
set -euo pipefail
cd "$(dirname "$0")"
sizes=(16 24 32 48 64 128 256 512)
for size in "${sizes[@]}"; do
  mkdir -p "hicolor/${size}x${size}/apps"
  rsvg-convert -w "$size" -h "$size" vmi-map.svg -o "hicolor/${size}x${size}/apps/vmi-map.png"
done
# Windows icons stop at 256 px.
ico_inputs=()
for size in 16 24 32 48 64 128 256; do ico_inputs+=("hicolor/${size}x${size}/apps/vmi-map.png"); done
convert "${ico_inputs[@]}" ../../packaging/windows/vmi-map.ico
