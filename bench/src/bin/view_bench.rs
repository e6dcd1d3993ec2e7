//! Grouped views and label placement: the time to group a loaded estate's machines and
//! aggregate the map's edges between the groups (`build_view` with a grouping), the time to
//! compute the largest resource group's chart (its machines' trends, which the app sums), and
//! the time to place 10,000 labels without overlaps.
//!
//! `view_bench FILES... [--runs N]` loads the files, builds the inventory and the whole-window
//! map once, then prints the median of N runs (default 9) for the ungrouped view and each
//! grouping, with the group, node and edge counts, and the label placer's time.
//! `bash bench/run-view.sh` runs it on the 1M-row estate of `run-ingest.sh`.

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use anyhow::{Result, bail};
use std::time::Instant;
use vmi_core::graph::view::{ViewOptions, build_view};
use vmi_core::graph::{ExternalGrouping, GroupBy, Inventory, MapRequest, NodeKey, build_map};
use vmi_core::model::TableKind;
use vmi_core::render::labels::{LabelCandidate, LabelRect, LabelTier, place};
use vmi_core::trends::{Selection, TrendKind, TrendRequest, compute, compute_machines};

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}

/// Median milliseconds of `runs` calls, and the last result.
fn timed<T>(runs: usize, mut run: impl FnMut() -> T) -> (f64, T) {
    let mut millis = Vec::with_capacity(runs);
    let mut last = run();
    for _ in 0..runs.max(1) {
        let start = Instant::now();
        last = run();
        millis.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    (median(millis), last)
}

/// 10,000 label candidates spread over a 1600x1000 canvas (a seeded sequence).
fn label_candidates() -> Vec<LabelCandidate> {
    let mut state: u64 = 0x5EED;
    let mut next = move || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f32 / (1u64 << 53) as f32
    };
    (0..10_000)
        .map(|i| {
            let (x, y) = (next() * 1600.0, next() * 1000.0);
            LabelCandidate {
                anchor: LabelRect { min: [x - 5.0, y - 5.0], max: [x + 5.0, y + 5.0] },
                size: [30.0 + next() * 90.0, 14.0],
                tier: if i % 500 == 0 { LabelTier::SearchHit } else { LabelTier::Other },
                weight: f64::from(next()),
            }
        })
        .collect()
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let runs = vmi_bench::runs(&args, 9);
    let files = vmi_bench::files(&args);
    if files.is_empty() {
        bail!("usage: view_bench FILES... [--runs N]");
    }
    let store = vmi_bench::load_store(&files)?;
    let rows = store.record_counts()[TableKind::VMConnection.index()];
    let inventory = Inventory::new(&store);
    let start = Instant::now();
    let map = build_map(&store, &inventory, &MapRequest::default());
    let map_ms = start.elapsed().as_secs_f64() * 1000.0;
    println!(
        "{rows} VMConnection rows, {} machines; map: {} nodes, {} edges in {map_ms:.0} ms\n",
        inventory.machines.len(),
        map.graph.node_count(),
        map.graph.edge_count()
    );
    println!("| view | groups | nodes | edges | median ms |");
    println!("|---|---|---|---|---|");
    let mut choices: Vec<(String, ViewOptions)> = GroupBy::ALL
        .iter()
        .map(|&by| (by.label().to_string(), ViewOptions { group_by: by, ..ViewOptions::default() }))
        .collect();
    choices.push((
        "Resource group + externals by domain".to_string(),
        ViewOptions {
            group_by: GroupBy::ResourceGroup,
            group_externals: ExternalGrouping::DomainSuffix,
            ..ViewOptions::default()
        },
    ));
    for (name, options) in choices {
        let (ms, view) = timed(runs, || build_view(&store, &inventory, &map, &options));
        println!("| {name} | {} | {} | {} | {ms:.2} |", view.groups.len(), view.nodes.len(), view.edges.len());
    }
    // A group's chart: its machines' trends in one pass, beside one trend per machine (each a
    // pass over every row: how the app computed it before).
    let by_resource_group = ViewOptions { group_by: GroupBy::ResourceGroup, ..ViewOptions::default() };
    let view = build_view(&store, &inventory, &map, &by_resource_group);
    if let Some(group) = view.groups.iter().filter(|g| !g.external).max_by_key(|g| g.machines.len()) {
        let machines = &group.machines;
        let request = TrendRequest {
            kind: TrendKind::Bytes,
            selection: Selection::Estate,
            from: None,
            to: None,
            bin_ticks: None,
        };
        let (one_pass, _) = timed(runs, || compute_machines(&store, &inventory, &request, machines));
        let (each, _) = timed(runs.min(3), || {
            let each =
                |&machine| TrendRequest { selection: Selection::Node(NodeKey::Machine { machine }), ..request.clone() };
            machines.iter().map(|m| compute(&store, &inventory, &each(m))).collect::<Vec<_>>()
        });
        println!(
            "\nbytes chart of the largest resource group, {} ({} machines): {one_pass:.1} ms in one pass; \
             {each:.0} ms as one trend per machine (median)",
            group.name,
            machines.len()
        );
    }
    let candidates = label_candidates();
    let viewport = LabelRect { min: [0.0, 0.0], max: [1600.0, 1000.0] };
    let (ms, placed) = timed(runs.max(20), || place(&candidates, viewport));
    println!(
        "\nlabels: {} of {} candidates placed on 1600x1000 in {ms:.3} ms (median)",
        placed.len(),
        candidates.len()
    );
    Ok(())
}
