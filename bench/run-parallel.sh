#!/usr/bin/env bash
# Parallel loading benchmark, one command, one run, side by side (files cached):
# - `vmi-map summary` of the ~1,000,000-row estate in four portal CSV files (load every file
#   and build the map), whole process, with --threads 1 and --threads 2: wall time and peak RSS
#   from /usr/bin/time -v, median of 3;
# - DuckDB (default threads) read_csv + GROUP BY Machine, Process, RemoteIp, DestinationPort on
#   the VMConnection CSV alone: in-process query time (median of 3) and whole process;
# - `wc -l` on that CSV;
# - in-process load of that CSV alone at 1 and 2 threads (parallel_bench), with the serial
#   fraction the speed-up implies and Amdahl's estimate for 8 cores; peak RSS of a load on 1,
#   2 and 8 threads;
# - the phases of `summary`'s pipeline on all four files, in process, at 1 and 2 threads:
#   parsing, merging into the store, the inventory, the map build;
# - the in-process load of the same VMConnection table as REST JSON and as JSON Lines at 1
#   and 2 threads, with the same serial fraction and estimate.
# The estate is the one bench/run-ingest.sh generates (same seed), reused when present.
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/out/ingest/portal-csv
cargo build --release -q -p vmi-fixtures -p vmi-bench -p vmi-map --bin vmi-fixtures --bin parallel_bench --bin vmi-map
if [ ! -f "$out/VMConnection.csv" ]; then
  ./target/release/vmi-fixtures --machines 200 --hours 24 --seed 7 --connection-rows 1000000 \
    --shape portal-csv --out "$out" >/dev/null
fi
files=("$out/VMComputer.csv" "$out/VMProcess.csv" "$out/VMConnection.csv" "$out/VMBoundPort.csv")
csv="$out/VMConnection.csv"
cat "${files[@]}" >/dev/null # file cached
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Wall seconds and peak RSS (MiB) of one run of a command, from /usr/bin/time -v.
wall_rss() {
  /usr/bin/time -v -o "$tmp/time" "$@" >/dev/null 2>"$tmp/stderr" || { cat "$tmp/stderr" >&2; return 1; }
  python3 - "$tmp/time" <<'PY'
import sys
wall = rss = None
for line in open(sys.argv[1]):
    line = line.strip()
    if line.startswith("Elapsed (wall clock) time"):
        parts = [float(p) for p in line.rsplit(" ", 1)[1].split(":")]
        wall = sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
    elif line.startswith("Maximum resident set size"):
        rss = int(line.rsplit(" ", 1)[1]) / 1024
print(f"{wall:.3f} {rss:.0f}")
PY
}

# Median of 3 runs: "wall rss".
median3() {
  for _ in 1 2 3; do wall_rss "$@"; done | sort -n | sed -n 2p
}

summary1=$(median3 ./target/release/vmi-map summary --threads 1 "${files[@]}")
summary2=$(median3 ./target/release/vmi-map summary --threads 2 "${files[@]}")
wc_run=$(median3 wc -l "$csv")

duck_query=""
duck_process=""
if python3 -c 'import duckdb' 2>/dev/null || pip install -q duckdb >/dev/null 2>&1; then
  cat >"$tmp/duck.py" <<'PY'
import sys, time, duckdb
path, runs = sys.argv[1], int(sys.argv[2])
times = []
for _ in range(runs):
    start = time.perf_counter()
    duckdb.sql(f"""SELECT Machine, Process, RemoteIp, DestinationPort, sum(BytesSent)
                   FROM read_csv('{path}', header=true) GROUP BY ALL""").fetchall()
    times.append(time.perf_counter() - start)
print(f"{sorted(times)[len(times) // 2]:.3f}")
PY
  duck_query=$(python3 "$tmp/duck.py" "$csv" 3)
  duck_process=$(median3 python3 "$tmp/duck.py" "$csv" 1)
else
  echo "DuckDB: pip install duckdb failed, skipped" >&2
fi

load=$(./target/release/parallel_bench "$csv" --threads 1,2 --runs 3 2>/dev/null)
phases=$(./target/release/parallel_bench "${files[@]}" --threads 1,2 --runs 3 2>/dev/null)
# The same load of the estate's VMConnection table as REST JSON and as JSON Lines (the
# files bench/run-ingest.sh generates, made here when missing).
shapes=""
for shape in rest-json jsonl; do
  if [ ! -d "bench/out/ingest/$shape" ]; then
    ./target/release/vmi-fixtures --machines 200 --hours 24 --seed 7 --connection-rows 1000000 \
      --shape "$shape" --out "bench/out/ingest/$shape" >/dev/null
  fi
  case $shape in
    rest-json) file=bench/out/ingest/rest-json/VMConnection-rest.json ;;
    jsonl) file=bench/out/ingest/jsonl/am-VMConnection/PT1H.json ;;
  esac
  cat "$file" >/dev/null
  shapes="$shapes$shape $(./target/release/parallel_bench "$file" --threads 1,2 --runs 3 2>/dev/null)
"
done
rss1=$(wall_rss ./target/release/parallel_bench "$csv" --threads 1 --runs 1)
rss2=$(wall_rss ./target/release/parallel_bench "$csv" --threads 2 --runs 1)
rss8=$(wall_rss ./target/release/parallel_bench "$csv" --threads 8 --runs 1)

python3 - "$summary1" "$summary2" "$wc_run" "$duck_query" "$duck_process" "$load" "$rss1" "$rss2" "$rss8" "$(nproc)" "$phases" "$shapes" <<'PY'
import json, sys
s1, s2, wc, dq, dp, load, r1, r2, r8, cores, phases, shapes = sys.argv[1:]
phases = json.loads(phases)
wall = lambda s: float(s.split()[0])
rss = lambda s: float(s.split()[1])
load = json.loads(load)
runs = {r["threads"]: r for r in load["runs"]}
scaling = load["scaling"] or {}
print(f"cores: {cores}; estate: 4 portal CSV files, {phases['rows']:,} rows ({phases['bytes'] / 1e6:.0f} MB), "
      f"{load['rows']:,} of them in {load['files'][0].split('/')[-1]} ({load['bytes'] / 1e6:.0f} MB)\n")
print("| what | wall s | peak RSS MiB |")
print("|---|---:|---:|")
print(f"| `vmi-map summary` 4 files, --threads 1 | {wall(s1):.2f} | {rss(s1):.0f} |")
print(f"| `vmi-map summary` 4 files, --threads 2 | {wall(s2):.2f} | {rss(s2):.0f} |")
if dq:
    print(f"| DuckDB read_csv + GROUP BY, VMConnection.csv only (query / whole process) | {float(dq):.2f} / {wall(dp):.2f} | {rss(dp):.0f} |")
print(f"| `wc -l` VMConnection.csv | {wall(wc):.2f} | {rss(wc):.0f} |")
for n in sorted(runs):
    r = runs[n]
    print(f"| in-process load of VMConnection.csv, {n} thread(s) | {r['load_secs']:.2f} ({r['mb_per_sec']:.0f} MB/s) | |")
print(f"| peak RSS, loading VMConnection.csv on 1 / 2 / 8 threads | | {rss(r1):.0f} / {rss(r2):.0f} / {rss(r8):.0f} |")
print()
print()
print("| `summary`'s pipeline in process, 4 files | parse | merge | inventory | map | total |")
print("|---|---:|---:|---:|---:|---:|")
for r in phases["runs"]:
    total = r["load_secs"] + r["inventory_secs"] + r["map_build_secs"]
    print(f"| {r['threads']} thread(s) | {r['parse_secs']:.3f} | {r['merge_secs']:.3f} | "
          f"{r['inventory_secs']:.3f} | {r['map_build_secs']:.3f} | {total:.3f} |")
print()
if dq:
    print(f"summary on 2 threads / DuckDB query: {wall(s2) / float(dq):.2f}x, "
          f"/ DuckDB process: {wall(s2) / wall(dp):.2f}x (target <= 0.8x)")
print(f"summary speed-up 1 -> 2 threads: {wall(s1) / wall(s2):.2f}x")
if scaling:
    print(f"CSV load speed-up 1 -> 2 threads: {scaling['load_speedup']:.2f}x (target >= 1.7x); "
          f"serial fraction {scaling['load_serial_fraction']:.2f}, Amdahl for 8 cores: {scaling['load_amdahl_8_cores']:.1f}x")
    print(f"map build speed-up 1 -> 2 threads: {scaling['map_speedup']:.2f}x; serial fraction "
          f"{scaling['map_serial_fraction']:.2f}, Amdahl for 8 cores: {scaling['map_amdahl_8_cores']:.1f}x")
for line in shapes.strip().splitlines():
    shape, report = line.split(" ", 1)
    report = json.loads(report)
    runs = {r["threads"]: r["load_secs"] for r in report["runs"]}
    s = report["scaling"]
    print(f"{shape} load of VMConnection ({report['bytes'] / 1e6:.0f} MB): {runs[1]:.2f} s on 1 thread, "
          f"{runs[2]:.2f} s on 2: {s['load_speedup']:.2f}x; serial fraction {s['load_serial_fraction']:.2f}, "
          f"Amdahl for 8 cores: {s['load_amdahl_8_cores']:.1f}x")
PY
