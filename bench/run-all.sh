#!/usr/bin/env bash
# Every benchmark of vmi-map, one after the other (see bench/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q -p vmi-bench -p vmi-map
echo "## Loading (1M VMConnection rows)"; bash bench/run-ingest.sh
echo; echo "## Workspace save, UI thread (the loading estate)"; o=bench/out/ingest/portal-csv
./target/release/workspace_bench "$o/VMComputer.csv" "$o/VMProcess.csv" "$o/VMConnection.csv" "$o/VMBoundPort.csv"
echo; echo "## Map frame (10k nodes / 50k edges)"; ./target/release/frame_bench 10000 50000
echo; echo "## Map frame (1,000 collapsed groups / 50k aggregated edges)"; ./target/release/frame_bench 1000 50000 groups
echo; echo "## Chart (10k points)"; ./target/release/chart_bench 10000
echo; echo "## Layout (with peers)"; bash bench/layout/run.sh
echo; echo "## KQL engine beside DuckDB (1M VMConnection rows, one thread)"; bash bench/run-kql.sh
echo; echo "## Move groups (1,000 machines, with networkx and leidenalg)"; bash bench/groups/run.sh
echo; echo "## Launch to first frame (bundled sample, Xvfb)"; bash bench/run-launch.sh
