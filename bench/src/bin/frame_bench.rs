//! CPU time of one frame of the map canvas (egui pass + tessellation) for a big map.
//!
//! `frame_bench [NODES] [EDGES] [groups]` (default 10,000 / 50,000): lays the graph out, fits it
//! on a 1600x1000 canvas (everything on screen, the worst case), runs 200 frames with the
//! pointer moving over the map, and prints the median and 95th percentile in milliseconds.
//! With `groups`, every node is a collapsed group of 5 to 64 machines (badge, group size) and
//! the edges are the aggregated edges between groups: a big estate opened grouped.

/// The allocator the app uses: it keeps freed memory for reuse instead of handing it back to the
/// OS, so per-frame and per-file buffers do not page-fault again.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::time::Instant;
use vmi_core::graph::NodeKind;
use vmi_core::graph::view::{MapView, ViewEdge, ViewNode};
use vmi_core::layout::{Layout, LayoutParams, PositionMap, synthetic::synthetic_estate};
use vmi_map::state::{AppState, CameraAction, ViewCtx, update};
use vmi_map::ui::canvas::Canvas;

fn main() {
    let args: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let (nodes, edges) = (args.first().copied().unwrap_or(10_000), args.get(1).copied().unwrap_or(50_000));
    // `groups`: every node is a collapsed group (a big estate opened grouped), the edges
    // between them aggregated, no processes inside.
    let grouped = std::env::args().any(|a| a == "groups");
    let mut input = synthetic_estate(7, nodes, edges);
    if grouped {
        for node in &mut input.nodes {
            node.parent = None;
            node.radius = vmi_core::graph::view::group_radius(members_of(node.key), false);
        }
    }
    let view = MapView {
        nodes: input
            .nodes
            .iter()
            .map(|n| ViewNode {
                key: n.key,
                // Synthetic nodes stand for no stored machine: nothing looks them up.
                node: vmi_core::graph::NodeKey::Machine { machine: vmi_core::store::Sym::EMPTY },
                kind: match (grouped, n.parent) {
                    (true, _) => NodeKind::Group,
                    (false, Some(_)) => NodeKind::Process,
                    (false, None) => NodeKind::Machine,
                },
                label: format!("node-{}", n.key & 0xFFFF_FFFF),
                map_node: None,
                parent: n.parent.map(|p| p as usize),
                container: n.parent.map(|p| p as usize),
                children: 0,
                members: if grouped { members_of(n.key) } else { 0 },
                expanded: !grouped,
                malicious: false,
                role: None,
                radius: n.radius,
            })
            .collect(),
        edges: input
            .edges
            .iter()
            .map(|e| ViewEdge {
                source: e.source as usize,
                target: e.target as usize,
                metrics: vmi_core::graph::EdgeMetrics {
                    bytes_sent: e.bytes as i64,
                    links_failed: i64::from(e.source % 17 == 0),
                    ..Default::default()
                },
                localhost: false,
                map_edges: Vec::new(),
            })
            .collect(),
        // Nothing on this synthetic map is selected or searched: no lookups.
        by_map_node: Default::default(),
        groups: Vec::new(),
    };
    let start = Instant::now();
    let mut layout = Layout::new(input, LayoutParams::default(), &PositionMap::new(), &PositionMap::new());
    layout.run_to_convergence();
    eprintln!("layout of {nodes} nodes / {edges} edges: {:.2} s", start.elapsed().as_secs_f64());

    let ctx = egui::Context::default();
    let mut state = AppState::default();
    state.view = view;
    state.view_version += 1;
    state.layout.positions = layout.positions().to_vec();
    state.layout.version += 1;
    let mut canvas = Canvas::default();
    let screen = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(1600.0, 1000.0));
    let mut times = Vec::new();
    for frame in 0..220 {
        let pointer = egui::pos2(200.0 + (frame as f32 * 7.0) % 1200.0, 200.0 + (frame as f32 * 3.0) % 600.0);
        let input = egui::RawInput {
            screen_rect: Some(screen),
            events: vec![egui::Event::PointerMoved(pointer)],
            ..Default::default()
        };
        let start = Instant::now();
        let mut actions = Vec::new();
        let output = ctx.run_ui(input, |ui| {
            egui::CentralPanel::no_frame().show(ui, |ui| canvas.ui(ui, ViewCtx { state: &state }, &mut actions));
        });
        // The canvas's own actions (its size, the first fit) go through update as in the app.
        for action in actions {
            update(&mut state, action);
        }
        if frame == 0 {
            update(&mut state, CameraAction::FitView);
        }
        let primitives = ctx.tessellate(output.shapes, output.pixels_per_point);
        let elapsed = start.elapsed().as_secs_f64() * 1000.0;
        std::hint::black_box(primitives);
        // The first frames build font atlases and caches.
        if frame >= 20 {
            times.push(elapsed);
        }
    }
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    let p95 = times[times.len() * 95 / 100];
    println!(
        "{{\"nodes\": {nodes}, \"edges\": {edges}, \"groups\": {grouped}, \"frame_ms_median\": {median:.2}, \"frame_ms_p95\": {p95:.2}}}"
    );
}

/// How many machines synthetic group `key` holds (5 to 64).
fn members_of(key: u64) -> usize {
    5 + (key % 60) as usize
}
