#!/usr/bin/env bash
# Grouped views, one command: on the ~1,000,000-row estate of run-ingest.sh (generated here
# when missing), times grouping the machines and aggregating the map's edges between groups
# (build_view with each grouping) and placing 10,000 labels without overlaps. Prints markdown.
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/out/ingest/portal-csv
cargo build --release -q -p vmi-fixtures -p vmi-bench --bin vmi-fixtures --bin view_bench
if [ ! -f "$out/VMConnection.csv" ]; then
  ./target/release/vmi-fixtures --machines 200 --hours 24 --seed 7 --connection-rows 1000000 \
    --shape portal-csv --out "$out" >/dev/null
fi
./target/release/view_bench "$out"/VMComputer.csv "$out"/VMProcess.csv "$out"/VMConnection.csv "$out"/VMBoundPort.csv "$@"
