//! Move groups benchmark: the time to group the machines of an estate on one thread, beside
//! networkx `louvain_communities` and leidenalg on the same machine graph.
//!
//! `groups_bench FILES... [--runs N] [--no-peers]` loads the files, then times (median of N
//! runs) the window's dependencies from the rows, the grouping (`Plan::new`: Leiden, figures),
//! the move order, the firewall rules of the first group with their NSG fragment, and one
//! manual edit. It writes the machine graph (bytes between machines) and our partition to
//! `bench/out/groups_graph.txt` and `groups_ours.txt`, runs `bench/groups/peers.py` on them
//! and prints one markdown table. Run it through `bench/groups/run.sh`, which generates the
//! 1,000-machine estate and pins the process to one core.

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use anyhow::{Context, Result, bail};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;
use vmi_core::graph::{Inventory, MapRequest};
use vmi_core::groups::{DependencyData, GroupingOptions, MoveTarget, Plan, RuleScope, nsg_security_rules};

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}

/// Median seconds of `runs` calls, and the last result.
fn timed<T>(runs: usize, mut run: impl FnMut() -> Result<T>) -> Result<(f64, T)> {
    let mut secs = Vec::with_capacity(runs);
    let mut last = None;
    for _ in 0..runs.max(1) {
        let start = Instant::now();
        last = Some(run()?);
        secs.push(start.elapsed().as_secs_f64());
    }
    let last = last.context("no run")?;
    Ok((median(secs), last))
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let runs = vmi_bench::runs(&args, 5);
    let peers = !args.iter().any(|a| a == "--no-peers");
    let files = vmi_bench::files(&args);
    if files.is_empty() {
        bail!("usage: groups_bench FILES... [--runs N] [--no-peers]");
    }
    let store = vmi_bench::load_store(&files)?;
    let inventory = Inventory::new(&store);
    let rows = store.table(vmi_core::model::TableKind::VMConnection).len();

    let (collect_secs, data) = timed(runs, || Ok(DependencyData::collect(&store, &inventory, &MapRequest::default())))?;
    let data = Arc::new(data);
    let (group_secs, plan) = timed(runs, || Ok(Plan::new(Arc::clone(&data), GroupingOptions::default())?))?;
    let (order_secs, order) = timed(runs, || Ok(plan.move_order()))?;
    let (rules_secs, rules) = timed(runs, || {
        let rules = plan.firewall_rules(&RuleScope::group(0));
        nsg_security_rules(&rules, "g1")?;
        Ok(rules)
    })?;
    // One edit: the first machine of G1 into G2, measured over many edits.
    let mut edited = plan.clone();
    let machine = edited.group(0).and_then(|g| g.machines.first().copied()).context("no group")?;
    let edits: u32 = 1000;
    let start = Instant::now();
    for i in 0..edits {
        edited.move_machine(machine, MoveTarget::Group(if i % 2 == 0 { 1 } else { 0 }))?;
    }
    let edit_micros = start.elapsed().as_secs_f64() * 1e6 / f64::from(edits);

    let totals = plan.totals();
    let machines = data.machines.len();
    let groups = totals.groups;
    println!(
        "{machines} machines, {rows} VMConnection rows, {} dependencies, {groups} groups, cut {:.1}% of bytes (resource groups {:.1}%, /24 subnets {:.1}%), {} move steps, {} rules for G1",
        data.dependencies.len(),
        totals.cut_bytes_share * 100.0,
        plan.naive_totals(vmi_core::groups::NaiveGrouping::ResourceGroup).cut_bytes_share * 100.0,
        plan.naive_totals(vmi_core::groups::NaiveGrouping::Subnet24).cut_bytes_share * 100.0,
        order.len(),
        rules.len(),
    );
    println!();
    println!("| step (one thread, median of {runs}) | time |");
    println!("|---|---|");
    println!("| dependencies of the window from the rows | {:.1} ms |", collect_secs * 1e3);
    println!("| groups (Leiden + every figure) | {:.1} ms |", group_secs * 1e3);
    println!("| move order | {:.2} ms |", order_secs * 1e3);
    println!("| firewall rules of G1 + NSG fragment | {:.2} ms |", rules_secs * 1e3);
    println!("| one manual edit (move a machine) | {edit_micros:.1} µs |");
    println!("| **total: dependencies + groups** | **{:.1} ms** (target < 1 s) |", (collect_secs + group_secs) * 1e3);
    if peers {
        compare_with_peers(&data, &plan, group_secs, runs)?;
    }
    Ok(())
}

/// Writes the machine graph and our partition, runs the peers and prints them beside us.
fn compare_with_peers(data: &DependencyData, plan: &Plan, group_secs: f64, runs: usize) -> Result<()> {
    let bench_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let out_dir = bench_dir.join("out");
    std::fs::create_dir_all(&out_dir)?;
    let mut weights: BTreeMap<(usize, usize), f64> = BTreeMap::new();
    for dep in &data.dependencies {
        let (Some(a), Some(b)) = (dep.from.machine, dep.to.machine) else { continue };
        if a != b && dep.bytes() > 0 {
            *weights.entry((a.min(b), a.max(b))).or_default() += dep.bytes() as f64;
        }
    }
    let mut graph = format!("{}\n", data.machines.len());
    for ((a, b), w) in &weights {
        let _ = writeln!(graph, "{a} {b} {w}");
    }
    let mut ours = String::new();
    for m in 0..data.machines.len() {
        // Excluded machines (none by default) each count as their own community.
        let community = plan.group_of(m).unwrap_or(plan.group_count() + m);
        let _ = writeln!(ours, "{m} {community}");
    }
    let (graph_path, ours_path) = (out_dir.join("groups_graph.txt"), out_dir.join("groups_ours.txt"));
    std::fs::write(&graph_path, graph)?;
    std::fs::write(&ours_path, ours)?;
    let script = bench_dir.join("groups").join("peers.py");
    let output = std::process::Command::new("python3")
        .arg(&script)
        .arg(&graph_path)
        .arg(&ours_path)
        .arg(runs.to_string())
        .output()
        .context("running python3 bench/groups/peers.py")?;
    if !output.status.success() {
        println!("\npeers failed: {}", String::from_utf8_lossy(&output.stderr).trim());
        return Ok(());
    }
    let result: serde_json::Value = serde_json::from_slice(&output.stdout).context("reading the peers' JSON")?;
    println!();
    println!("Same machine graph ({} nodes, {} weighted edges, bytes), one thread:", result["nodes"], result["edges"]);
    println!();
    println!("| engine | time | communities | modularity |");
    println!("|---|---|---|---|");
    println!(
        "| vmi-map Leiden (groups + figures) | {:.1} ms | {} | {:.4} |",
        group_secs * 1e3,
        plan.totals().groups,
        result["vmi-map"]["modularity"].as_f64().unwrap_or(f64::NAN)
    );
    for engine in ["networkx louvain_communities", "leidenalg (igraph)"] {
        let r = &result[engine];
        match r["secs"].as_f64() {
            Some(secs) => println!(
                "| {engine} | {:.1} ms | {} | {:.4} |",
                secs * 1e3,
                r["communities"],
                r["modularity"].as_f64().unwrap_or(f64::NAN)
            ),
            None => println!("| {engine} | not run: {} | | |", r["missing"].as_str().unwrap_or("missing")),
        }
    }
    Ok(())
}
