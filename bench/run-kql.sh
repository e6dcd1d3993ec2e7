#!/usr/bin/env bash
# KQL engine benchmark, one command: the 1,000,383-row VMConnection estate of run-ingest.sh
# (generated if missing), queried by vmi-map's engine (one thread, records loaded in memory)
# and by DuckDB (`SET threads=1`, its own in-memory table of the same rows), side by side:
#   Q1 VMConnection | summarize sum(BytesSent), sum(BytesReceived), sum(LinksFailed) by Machine, Process, RemoteIp, DestinationPort
#   Q2 VMConnection | where LinksFailed > 0 | summarize count() by bin(TimeGenerated, 1h), Machine
#   Q3 the documentation's outbound connections of a group of 10 machines (vmi-map only)
# Warm figures are medians of 5 runs in one process; the "process" figures time the whole
# command a user runs (load the file, run the query, print), first load included.
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/out/ingest
mkdir -p "$out"
cargo build --release -q -p vmi-fixtures -p vmi-bench -p vmi-map --bin vmi-fixtures --bin kql_bench --bin vmi-map
if [ ! -d "$out/portal-csv" ]; then
  ./target/release/vmi-fixtures --machines 200 --hours 24 --seed 7 --connection-rows 1000000 \
    --shape portal-csv --out "$out/portal-csv" >/dev/null
fi
csv="$out/portal-csv/VMConnection.csv"
cat "$csv" >/dev/null   # file cached

q1='VMConnection | summarize sum(BytesSent), sum(BytesReceived), sum(LinksFailed) by Machine, Process, RemoteIp, DestinationPort'
q2='VMConnection | where LinksFailed > 0 | summarize count() by bin(TimeGenerated, 1h), Machine'
vmi=$(./target/release/kql_bench --runs 5 "$out"/portal-csv/*.csv)

seconds() { python3 -c 'import sys,time,subprocess; t=time.perf_counter(); subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL,check=True); print(f"{time.perf_counter()-t:.3f}")' "$@"; }
vmi_q1_process=$(seconds ./target/release/vmi-map query "$q1" "$csv")
vmi_q2_process=$(seconds ./target/release/vmi-map query "$q2" "$csv")

duck=""
if python3 -c 'import duckdb' 2>/dev/null || pip install -q duckdb >/dev/null 2>&1; then
  duck=$(python3 - "$csv" <<'PY'
import json, sys, time, duckdb
path = sys.argv[1]
# The portal CSV's header names carry " [UTC]" and its dates are the portal's locale text
# (10/5/2026, 8:03:00.000 AM): read that column as text and parse it while loading.
q1 = """SELECT Machine, Process, RemoteIp, DestinationPort, sum(BytesSent), sum(BytesReceived), sum(LinksFailed)
        FROM t GROUP BY Machine, Process, RemoteIp, DestinationPort"""
q2 = """SELECT time_bucket(INTERVAL 1 hour, TimeGenerated) AS h, Machine, count(*) FROM t
        WHERE LinksFailed > 0 GROUP BY h, Machine"""
load = f"""CREATE TABLE t AS SELECT * EXCLUDE ("TimeGenerated [UTC]"),
           strptime("TimeGenerated [UTC]", '%m/%d/%Y, %I:%M:%S.%g %p') AS TimeGenerated
           FROM read_csv('{path}', header=true, types={{'TimeGenerated [UTC]': 'VARCHAR'}})"""
con = duckdb.connect()
con.execute("SET threads=1")
start = time.perf_counter(); con.execute(load); load_s = time.perf_counter() - start
out = {"load_ms": load_s * 1000}
for name, q in (("q1", q1), ("q2", q2)):
    times = []
    for _ in range(5):
        start = time.perf_counter(); rows = len(con.execute(q).fetchall()); times.append((time.perf_counter() - start) * 1000)
    out[name] = {"median_ms": sorted(times)[2], "first_ms": times[0], "rows": rows}
# The whole command as a fresh process would run it: read the CSV and aggregate (one thread).
for name, q in (("q1", q1), ("q2", q2)):
    c = duckdb.connect(); c.execute("SET threads=1")
    start = time.perf_counter(); c.execute(load); c.execute(q).fetchall()
    out[name]["process_ms"] = (time.perf_counter() - start) * 1000
print(json.dumps(out))
PY
)
else
  echo "DuckDB: pip install duckdb failed, skipped" >&2
fi

python3 - "$vmi" "${duck:-}" "$vmi_q1_process" "$vmi_q2_process" <<'PY'
import json, sys
v = json.loads(sys.argv[1]); d = json.loads(sys.argv[2]) if sys.argv[2] else None
proc = {"q1": float(sys.argv[3]) * 1000, "q2": float(sys.argv[4]) * 1000}
names = {"q1": "summarize_4_keys", "q2": "failed_by_hour"}
print(f"records loaded: {v['records']}, vmi-map load {v['load_ms']:.0f} ms" + (f", DuckDB load {d['load_ms']:.0f} ms" if d else ""))
print("| query | vmi-map warm median ms | DuckDB (threads=1) warm median ms | vmi-map / DuckDB | vmi-map whole command ms | DuckDB read_csv + query ms | rows |")
print("|---|---:|---:|---:|---:|---:|---:|")
for q in ("q1", "q2"):
    m = v["queries"][names[q]]
    dq = d[q] if d else None
    ratio = f"{m['median_ms'] / dq['median_ms']:.2f}x" if dq else "-"
    print(f"| {q} | {m['median_ms']:.1f} | {dq['median_ms']:.1f} | {ratio} | {proc[q]:.0f} | {dq['process_ms']:.0f} | {m['rows']} |" if dq else
          f"| {q} | {m['median_ms']:.1f} | - | - | {proc[q]:.0f} | - | {m['rows']} |")
o = v["queries"]["outbound_10_machines"]
print(f"| outbound summary, 10 machines | {o['median_ms']:.1f} | - | - | - | - | {o['rows']} |")
PY
