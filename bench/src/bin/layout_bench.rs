//! Layout benchmark: vmi-map's force layout against graphology's
//! ForceAtlas2 (Barnes–Hut), d3-force and Graphviz sfdp on seeded synthetic
//! estates of 1k/5k, 10k/50k and 100k/500k nodes/edges.
//!
//! For each estate it writes the graph to `bench/out/estate_<n>.json` (nodes
//! with radius and parent, traffic edges with their FA2 weight, membership
//! links, shared random initial positions) and `estate_<n>.dot`, measures our
//! median single-thread iteration time (plain FA2 on the top level, no
//! multilevel) and our time to converge (the default run: multilevel,
//! sizes, overlap removal), runs each available peer, reads the positions
//! it writes back and computes the same quality figures in Rust. It prints
//! one markdown table, also written to `bench/out/layout_results.md`.
//!
//! Run it through `bench/layout/run.sh`, which installs the peers; a peer
//! that is missing or fails is reported and skipped. Options:
//! `--sizes 1000,10000` (node counts; edges are five per node),
//! `--no-peers`, `--peer-timeout-secs N` (default 900).

use std::fmt::Write as _;
use std::fs;
use std::io::{BufWriter, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};
use vmi_core::layout::synthetic::synthetic_estate;
use vmi_core::layout::{Layout, LayoutInput, LayoutParams, PositionMap, Quality, edge_weight, quality};

/// Seed of the sampled pairs in the quality figures.
const QUALITY_SEED: u64 = 0xC0FFEE;
/// Iterations timed for our per-iteration median.
const TIMED_ITERATIONS: usize = 30;

struct Options {
    sizes: Vec<usize>,
    peers: bool,
    peer_timeout: Duration,
}

/// One row of the result table.
struct Row {
    graph: String,
    engine: &'static str,
    iterations: String,
    median_iteration_ms: Option<f64>,
    total_secs: f64,
    quality: Quality,
}

fn main() -> Result<()> {
    let options = parse_options()?;
    let bench_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let out_dir = bench_dir.join("out");
    let scripts_dir = bench_dir.join("layout");
    fs::create_dir_all(&out_dir).with_context(|| format!("creating {}", out_dir.display()))?;

    let node_peers = options.peers && node_peers_available(&scripts_dir);
    let sfdp = options.peers && command_works("sfdp", &["-V"]);
    if options.peers && !node_peers {
        println!("node or bench/layout/node_modules missing: skipping graphology FA2 and d3-force");
    }
    if options.peers && !sfdp {
        println!("sfdp not found: skipping Graphviz sfdp");
    }

    let mut rows = Vec::new();
    for &nodes in &options.sizes {
        let edges = nodes * 5;
        let graph_name = format!("{}k/{}k", nodes / 1000, edges / 1000);
        println!("== estate {graph_name}: generating");
        let input = synthetic_estate(nodes as u64, nodes, edges);
        let json_path = out_dir.join(format!("estate_{nodes}.json"));
        let dot_path = out_dir.join(format!("estate_{nodes}.dot"));
        write_graph_json(&input, &json_path)?;
        write_graph_dot(&input, &dot_path)?;

        println!("== estate {graph_name}: vmi-map");
        rows.push(run_ours(&input, &graph_name));

        if node_peers {
            let fa2_iterations = if nodes >= 100_000 { 100 } else { 500 };
            let fa2 = NodePeer { script: "fa2.mjs", engine: "graphology FA2 (BH)", iterations: Some(fa2_iterations) };
            let d3 = NodePeer { script: "d3.mjs", engine: "d3-force", iterations: None };
            for peer in [fa2, d3] {
                println!("== estate {graph_name}: {}", peer.engine);
                match run_node_peer(&peer, &scripts_dir, &json_path, &out_dir, nodes, options.peer_timeout) {
                    Ok((result, secs)) => rows.push(peer_row(&input, &graph_name, peer.engine, &result, secs)?),
                    Err(error) => println!("{} failed on {graph_name}: {error:#}", peer.engine),
                }
            }
        }
        if sfdp {
            println!("== estate {graph_name}: sfdp");
            match run_sfdp(&dot_path, &out_dir, nodes, input.nodes.len(), options.peer_timeout) {
                Ok((positions, secs)) => rows.push(Row {
                    graph: graph_name.clone(),
                    engine: "Graphviz sfdp",
                    iterations: "own".to_string(),
                    median_iteration_ms: None,
                    total_secs: secs,
                    quality: quality(&input, &positions, QUALITY_SEED),
                }),
                Err(error) => println!("sfdp failed on {graph_name}: {error:#}"),
            }
        }
    }

    let table = render_table(&rows);
    println!("\n{table}");
    let results_path = out_dir.join("layout_results.md");
    fs::write(&results_path, &table).with_context(|| format!("writing {}", results_path.display()))?;
    Ok(())
}

fn parse_options() -> Result<Options> {
    let mut options =
        Options { sizes: vec![1_000, 10_000, 100_000], peers: true, peer_timeout: Duration::from_secs(900) };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--sizes" => {
                let Some(list) = args.next() else { bail!("--sizes needs a list like 1000,10000") };
                options.sizes = list
                    .split(',')
                    .map(|s| s.trim().parse::<usize>().with_context(|| format!("bad size {s:?}")))
                    .collect::<Result<_>>()?;
            }
            "--no-peers" => options.peers = false,
            "--peer-timeout-secs" => {
                let Some(secs) = args.next() else { bail!("--peer-timeout-secs needs a number") };
                options.peer_timeout = Duration::from_secs(secs.parse().context("bad --peer-timeout-secs")?);
            }
            other => bail!("unknown argument {other:?} (use --sizes, --no-peers, --peer-timeout-secs)"),
        }
    }
    Ok(options)
}

/// Our figures: median time of one plain FA2 iteration on the whole top
/// level (multilevel off), and a full default run timed from `Layout::new`.
fn run_ours(input: &LayoutInput, graph_name: &str) -> Row {
    let plain = LayoutParams { multilevel_threshold: usize::MAX, ..LayoutParams::default() };
    let mut layout = Layout::new(input.clone(), plain, &PositionMap::new(), &PositionMap::new());
    let mut times = Vec::with_capacity(TIMED_ITERATIONS);
    for _ in 0..TIMED_ITERATIONS {
        let started = Instant::now();
        layout.step();
        times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    let median_iteration_ms = median(&mut times);

    let started = Instant::now();
    let mut layout = Layout::new(input.clone(), LayoutParams::default(), &PositionMap::new(), &PositionMap::new());
    let stats = layout.run_to_convergence();
    let total_secs = started.elapsed().as_secs_f64();
    println!(
        "   {} iterations, converged {}, {} levels, {} top-level nodes, {:.2} s",
        stats.iterations, stats.converged, stats.levels, stats.top_level_nodes, total_secs
    );
    Row {
        graph: graph_name.to_string(),
        engine: "vmi-map",
        iterations: format!("{} ({} lv, {} top)", stats.iterations, stats.levels, stats.top_level_nodes),
        median_iteration_ms: Some(median_iteration_ms),
        total_secs,
        quality: quality(input, layout.positions(), QUALITY_SEED),
    }
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(0.0)
}

/// Graph for the node peers: nodes (radius, parent), traffic edges as
/// `[source, target, weight]` with our FA2 weight, membership links
/// `[child, parent]`, and seeded random initial positions shared by all.
fn write_graph_json(input: &LayoutInput, path: &Path) -> Result<()> {
    let spread = 10.0 * (input.nodes.len() as f64).sqrt();
    let mut state = 0x1234_5678_9ABC_DEF0u64;
    let mut next = move || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    };
    let initial: Vec<[f64; 2]> = input
        .nodes
        .iter()
        .map(|_| {
            let r = spread * next().sqrt();
            let a = std::f64::consts::TAU * next();
            [r * a.cos(), r * a.sin()]
        })
        .collect();
    let value = json!({
        "nodes": input.nodes.iter().map(|n| json!({"key": n.key.to_string(), "radius": n.radius, "parent": n.parent})).collect::<Vec<_>>(),
        "edges": input.edges.iter().map(|e| json!([e.source, e.target, edge_weight(e.bytes)])).collect::<Vec<_>>(),
        "bytes": input.edges.iter().map(|e| e.bytes).collect::<Vec<_>>(),
        "membership": input.nodes.iter().enumerate().filter_map(|(i, n)| n.parent.map(|p| json!([i, p]))).collect::<Vec<_>>(),
        "initial": initial,
    });
    let file = fs::File::create(path).with_context(|| format!("creating {}", path.display()))?;
    let mut writer = BufWriter::new(file);
    serde_json::to_writer(&mut writer, &value)?;
    writer.flush()?;
    Ok(())
}

/// Graph for sfdp: fixed-size circles (1 world unit = 1 point), traffic
/// edges and membership links, overlap removal by prism.
fn write_graph_dot(input: &LayoutInput, path: &Path) -> Result<()> {
    let file = fs::File::create(path).with_context(|| format!("creating {}", path.display()))?;
    let mut w = BufWriter::new(file);
    writeln!(w, "graph estate {{")?;
    writeln!(w, "  graph [overlap=prism, outputorder=edgesfirst];")?;
    writeln!(w, "  node [shape=circle, fixedsize=true, label=\"\"];")?;
    for (i, node) in input.nodes.iter().enumerate() {
        let inches = 2.0 * f64::from(node.radius) / 72.0;
        writeln!(w, "  n{i} [width={inches:.4}];")?;
    }
    for edge in &input.edges {
        writeln!(w, "  n{} -- n{};", edge.source, edge.target)?;
    }
    for (i, node) in input.nodes.iter().enumerate() {
        if let Some(parent) = node.parent {
            writeln!(w, "  n{i} -- n{parent};")?;
        }
    }
    writeln!(w, "}}")?;
    w.flush()?;
    Ok(())
}

fn command_works(program: &str, args: &[&str]) -> bool {
    Command::new(program).args(args).stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok()
}

fn node_peers_available(scripts_dir: &Path) -> bool {
    command_works("node", &["--version"])
        && scripts_dir.join("node_modules/graphology-layout-forceatlas2").is_dir()
        && scripts_dir.join("node_modules/d3-force").is_dir()
}

struct NodePeer {
    script: &'static str,
    engine: &'static str,
    iterations: Option<u32>,
}

/// Runs `command` with a time limit; stderr goes to `log`.
fn run_with_timeout(command: &mut Command, log: &Path, timeout: Duration) -> Result<f64> {
    let log_file = fs::File::create(log).with_context(|| format!("creating {}", log.display()))?;
    let started = Instant::now();
    let mut child = command.stderr(log_file).spawn().context("starting the peer")?;
    loop {
        if let Some(status) = child.try_wait()? {
            let secs = started.elapsed().as_secs_f64();
            if !status.success() {
                let tail = fs::read_to_string(log).unwrap_or_default();
                let tail: String = tail.chars().rev().take(600).collect::<Vec<_>>().into_iter().rev().collect();
                bail!("exited with {status}: {tail}");
            }
            return Ok(secs);
        }
        if started.elapsed() > timeout {
            child.kill().ok();
            child.wait().ok();
            bail!("no result within {} s", timeout.as_secs());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn run_node_peer(
    peer: &NodePeer,
    scripts_dir: &Path,
    json_path: &Path,
    out_dir: &Path,
    nodes: usize,
    timeout: Duration,
) -> Result<(Value, f64)> {
    let stem = peer.script.trim_end_matches(".mjs");
    let result_path = out_dir.join(format!("{stem}_{nodes}.positions.json"));
    let mut command = Command::new("node");
    command.arg("--max-old-space-size=8192").arg(scripts_dir.join(peer.script)).arg(json_path).arg(&result_path);
    if let Some(iterations) = peer.iterations {
        command.arg(iterations.to_string());
    }
    command.stdout(Stdio::null());
    let secs = run_with_timeout(&mut command, &out_dir.join(format!("{stem}_{nodes}.log")), timeout)?;
    let text = fs::read_to_string(&result_path).with_context(|| format!("reading {}", result_path.display()))?;
    Ok((serde_json::from_str(&text)?, secs))
}

fn peer_row(input: &LayoutInput, graph: &str, engine: &'static str, result: &Value, wall_secs: f64) -> Result<Row> {
    let Some(array) = result["positions"].as_array() else { bail!("{engine}: no positions in its output") };
    let positions: Vec<[f32; 2]> = array
        .iter()
        .map(|p| [p[0].as_f64().unwrap_or(f64::NAN) as f32, p[1].as_f64().unwrap_or(f64::NAN) as f32])
        .collect();
    if positions.len() != input.nodes.len() {
        bail!("{engine}: {} positions for {} nodes", positions.len(), input.nodes.len());
    }
    let total_ms = result["total_ms"].as_f64().unwrap_or(wall_secs * 1000.0);
    Ok(Row {
        graph: graph.to_string(),
        engine,
        iterations: result["iterations"].as_u64().map_or_else(|| "?".to_string(), |i| i.to_string()),
        median_iteration_ms: result["median_iteration_ms"].as_f64(),
        total_secs: total_ms / 1000.0,
        quality: quality(input, &positions, QUALITY_SEED),
    })
}

/// Runs sfdp to `-Tplain` and reads node centres (inches -> points).
fn run_sfdp(
    dot_path: &Path,
    out_dir: &Path,
    nodes: usize,
    count: usize,
    timeout: Duration,
) -> Result<(Vec<[f32; 2]>, f64)> {
    let plain_path = out_dir.join(format!("sfdp_{nodes}.plain"));
    let mut command = Command::new("sfdp");
    command.arg("-Tplain").arg("-o").arg(&plain_path).arg(dot_path).stdout(Stdio::null());
    let secs = run_with_timeout(&mut command, &out_dir.join(format!("sfdp_{nodes}.log")), timeout)?;
    let text = fs::read_to_string(&plain_path).with_context(|| format!("reading {}", plain_path.display()))?;
    let mut positions = vec![[f32::NAN; 2]; count];
    for line in text.lines() {
        let mut fields = line.split_whitespace();
        if fields.next() != Some("node") {
            continue;
        }
        let (Some(name), Some(x), Some(y)) = (fields.next(), fields.next(), fields.next()) else { continue };
        let Some(index) = name.trim_matches('"').strip_prefix('n').and_then(|s| s.parse::<usize>().ok()) else {
            continue;
        };
        if let (Some(slot), Ok(x), Ok(y)) = (positions.get_mut(index), x.parse::<f64>(), y.parse::<f64>()) {
            *slot = [(x * 72.0) as f32, (y * 72.0) as f32];
        }
    }
    if positions.iter().any(|p| p[0].is_nan()) {
        bail!("sfdp output misses some nodes");
    }
    Ok((positions, secs))
}

fn render_table(rows: &[Row]) -> String {
    let mut out = String::new();
    out.push_str("| graph (nodes/edges) | engine | iterations | median iteration (ms) | time to layout (s) | edge length / pair distance | overlapping pairs | vmi-map time as ratio of this |\n");
    out.push_str("|---|---|---|---:|---:|---:|---:|---:|\n");
    for row in rows {
        let ours = rows.iter().find(|r| r.graph == row.graph && r.engine == "vmi-map");
        let ratio = match ours {
            Some(ours) if row.engine != "vmi-map" && row.total_secs > 0.0 => {
                let mut text = format!("{:.2}x total", ours.total_secs / row.total_secs);
                if let (Some(a), Some(b)) = (ours.median_iteration_ms, row.median_iteration_ms)
                    && b > 0.0
                {
                    let _ = write!(text, ", {:.2}x per iteration", a / b);
                }
                text
            }
            _ => "1 (reference)".to_string(),
        };
        let per_iteration = row.median_iteration_ms.map_or_else(|| "—".to_string(), |ms| format!("{ms:.2}"));
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {:.2} | {:.3} | {} | {} |",
            row.graph,
            row.engine,
            row.iterations,
            per_iteration,
            row.total_secs,
            row.quality.edge_length_ratio,
            row.quality.overlapping_pairs,
            ratio
        );
    }
    out
}
