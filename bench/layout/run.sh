#!/usr/bin/env bash
# Layout benchmark with peers: installs the node peers (graphology FA2,
# d3-force) into bench/layout and Graphviz sfdp if missing, skipping a peer
# with a message when its install fails, then runs the Rust bench, which
# prints one markdown table (also written to bench/out/layout_results.md).
# Extra arguments go to the bench, e.g. `bench/layout/run.sh --sizes 1000,10000`.
set -u
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"

if command -v npm >/dev/null 2>&1; then
  (cd "$here" && npm install --no-audit --no-fund) \
    || echo "npm install failed: the graphology FA2 and d3-force peers will be skipped"
else
  echo "npm not found: the graphology FA2 and d3-force peers will be skipped"
fi

if ! command -v sfdp >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1; then
    apt-get install -y graphviz || echo "apt-get install graphviz failed: the sfdp peer will be skipped"
  else
    echo "apt-get not found: the sfdp peer will be skipped"
  fi
fi

cd "$root" && exec cargo run --release -p vmi-bench --bin layout_bench -- "$@"
