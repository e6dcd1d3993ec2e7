#!/usr/bin/env bash
# Move groups of a generated 1,000-machine estate: vmi-map against networkx louvain_communities
# and leidenalg on the same machine graph (see bench/groups/README.md).
set -euo pipefail
cd "$(dirname "$0")/../.."
machines="${MACHINES:-1000}"
out="bench/out/groups-$machines"
python3 -c "import networkx" 2>/dev/null || pip install --quiet networkx
python3 -c "import leidenalg, igraph" 2>/dev/null || pip install --quiet leidenalg || echo "leidenalg not installed: skipped"
cargo build --release -q -p vmi-fixtures -p vmi-bench --bin groups_bench
if [ ! -d "$out" ]; then
  ./target/release/vmi-fixtures --machines "$machines" --hours 2 --seed 7 --shape portal-csv --out "$out"
fi
taskset -c 0 ./target/release/groups_bench "$out"/*.csv
