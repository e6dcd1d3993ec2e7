#!/usr/bin/env bash
# Loading benchmark, one command: generates a ~1,000,000-row VMConnection estate (200 machines,
# 24 h) as portal CSV, JSON Lines and REST JSON, then times vmi-map loading each file into the
# store (and building the map), beside `wc -l` (the floor) and DuckDB (read_csv + GROUP BY).
# Prints a markdown table. Peers that cannot be installed are skipped with a message.
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/out/ingest
mkdir -p "$out"
cargo build --release -q -p vmi-fixtures -p vmi-bench --bin vmi-fixtures --bin ingest_bench

for shape in portal-csv jsonl rest-json; do
  if [ ! -d "$out/$shape" ]; then
    ./target/release/vmi-fixtures --machines 200 --hours 24 --seed 7 --connection-rows 1000000 \
      --shape "$shape" --out "$out/$shape" >/dev/null
  fi
done
csv="$out/portal-csv/VMConnection.csv"
jsonl="$out/jsonl/am-VMConnection/PT1H.json"
rest="$out/rest-json/VMConnection-rest.json"

seconds() { python3 -c 'import sys,time,subprocess; t=time.perf_counter(); subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL,check=True); print(f"{time.perf_counter()-t:.3f}")' "$@"; }
for f in "$csv" "$jsonl" "$rest"; do cat "$f" >/dev/null; done   # file cached

wc_secs=$(seconds wc -l "$csv")
duck_secs=""
if python3 -c 'import duckdb' 2>/dev/null || pip install -q duckdb >/dev/null 2>&1; then
  duck_secs=$(python3 - "$csv" <<'PY'
import sys, time, duckdb
path = sys.argv[1]
start = time.perf_counter()
duckdb.sql(f"""SELECT Machine, Process, RemoteIp, DestinationPort, sum(BytesSent)
               FROM read_csv('{path}', header=true) GROUP BY ALL""").fetchall()
print(f"{time.perf_counter() - start:.3f}")
PY
)
else
  echo "DuckDB: pip install duckdb failed, skipped" >&2
fi

echo "| file | MB | rows | vmi-map load s | MB/s | map build s | peak RSS MiB | wc -l s | DuckDB s | vmi-map / wc | vmi-map / DuckDB |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for f in "$csv" "$jsonl" "$rest"; do
  json=$(./target/release/ingest_bench "$f" --runs 3 2>/dev/null)
  python3 - "$json" "$wc_secs" "${duck_secs:-}" "$f" "$csv" <<'PY'
import json, sys
r = json.loads(sys.argv[1]); wc = float(sys.argv[2]); duck = float(sys.argv[3]) if sys.argv[3] else None
is_csv = sys.argv[4] == sys.argv[5]
ratio = lambda peer: f"{r['load_secs'] / peer:.1f}x" if peer and is_csv else "-"
print(f"| {sys.argv[4].split('/')[-1]} | {r['bytes']/1e6:.0f} | {r['rows']} | {r['load_secs']:.2f} | {r['mb_per_sec']:.0f} | "
      f"{r['map_build_secs']:.3f} | {r['peak_rss_mib']:.0f} | {wc if is_csv else '-'} | {duck if (duck and is_csv) else '-'} | {ratio(wc)} | {ratio(duck)} |")
PY
done
