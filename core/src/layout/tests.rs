//! Behaviour tests of the whole layout (unit tests live next to each part).

use super::synthetic::{SyntheticKind, synthetic_estate};
use super::*;

fn run(input: &LayoutInput, params: &LayoutParams, warm: &PositionMap, pinned: &PositionMap) -> (Layout, RunStats) {
    let mut layout = Layout::new(input.clone(), params.clone(), warm, pinned);
    let stats = layout.run_to_convergence();
    (layout, stats)
}

fn cold(input: &LayoutInput, params: &LayoutParams) -> (Layout, RunStats) {
    run(input, params, &PositionMap::new(), &PositionMap::new())
}

fn distance(a: [f32; 2], b: [f32; 2]) -> f32 {
    (a[0] - b[0]).hypot(a[1] - b[1])
}

fn bits(positions: &[[f32; 2]]) -> Vec<[u32; 2]> {
    positions.iter().map(|p| [p[0].to_bits(), p[1].to_bits()]).collect()
}

#[test]
fn same_input_and_seed_give_identical_positions_bit_for_bit() {
    let input = synthetic_estate(21, 600, 2400);
    let params = LayoutParams::default();
    let (first, _) = cold(&input, &params);
    let (second, _) = cold(&input, &params);
    assert_eq!(bits(first.positions()), bits(second.positions()));
    let other_seed = LayoutParams { seed: params.seed + 1, ..params };
    let (third, _) = cold(&input, &other_seed);
    assert_ne!(bits(first.positions()), bits(third.positions()), "the seed matters");
}

#[test]
fn multilevel_and_warm_runs_are_deterministic_too() {
    let input = synthetic_estate(22, 3000, 12_000);
    let params = LayoutParams { multilevel_threshold: 300, coarsest_size: 150, ..LayoutParams::default() };
    let (first, stats) = cold(&input, &params);
    assert!(stats.levels > 1);
    let (second, _) = cold(&input, &params);
    assert_eq!(bits(first.positions()), bits(second.positions()));
    let warm = first.position_map();
    let (warm_a, _) = run(&input, &params, &warm, &PositionMap::new());
    let (warm_b, _) = run(&input, &params, &warm, &PositionMap::new());
    assert_eq!(bits(warm_a.positions()), bits(warm_b.positions()));
}

#[test]
fn clustered_graphs_converge_within_the_cap_without_overlaps() {
    for (nodes, edges) in [(200, 800), (2000, 9000)] {
        let input = synthetic_estate(nodes as u64, nodes, edges);
        let params = LayoutParams::default();
        let (layout, stats) = cold(&input, &params);
        assert!(stats.converged, "{nodes} nodes: not converged after {} iterations", stats.iterations);
        assert!(stats.iterations < params.max_iterations, "{nodes} nodes: hit the cap");
        assert_eq!(stats.levels, 1, "{nodes} nodes need no multilevel");
        let q = quality(&input, layout.positions(), 1);
        assert_eq!(q.overlapping_pairs, 0, "{nodes} nodes: discs overlap");
        assert_eq!(stats.overlapping_pairs, 0);
        assert!(
            q.edge_length_ratio < 0.6,
            "{nodes} nodes: linked nodes are not closer than random pairs ({})",
            q.edge_length_ratio
        );
        assert!(layout.positions().iter().all(|p| p[0].is_finite() && p[1].is_finite()));
    }
}

#[test]
fn processes_stay_on_a_ring_next_to_their_machine() {
    let input = synthetic_estate(31, 1500, 6000);
    let params = LayoutParams::default();
    let (layout, _) = cold(&input, &params);
    let positions = layout.positions();
    let gap = params.node_gap * 5.0; // the median radius of the estate is a process's, 5
    let mut children = vec![0usize; input.nodes.len()];
    for node in &input.nodes {
        if let Some(parent) = node.parent {
            children[parent as usize] += 1;
        }
    }
    for (i, node) in input.nodes.iter().enumerate() {
        let Some(parent) = node.parent else { continue };
        let machine = &input.nodes[parent as usize];
        let rings = children[parent as usize].div_ceil(6) as f32;
        let farthest = machine.radius + gap + node.radius + (rings - 1.0) * (2.0 * node.radius + gap);
        let d = distance(positions[i], positions[parent as usize]);
        assert!(d <= farthest * 1.001, "process {i} is {d} from its machine, more than {farthest}");
        assert!(d >= machine.radius + node.radius, "process {i} overlaps its machine");
    }
}

#[test]
fn warm_start_after_adding_one_node_barely_moves_the_others() {
    let mut input = synthetic_estate(41, 800, 3200);
    let params = LayoutParams::default();
    let (before, _) = cold(&input, &params);
    let warm = before.position_map();
    let process = input.nodes.iter().position(|n| SyntheticKind::of_key(n.key) == Some(SyntheticKind::Process));
    let Some(process) = process else { panic!("the estate has processes") };
    let new_index = input.nodes.len() as u32;
    input.nodes.push(LayoutNode { key: u64::MAX, radius: 8.0, parent: None });
    input.edges.push(LayoutEdge { source: process as u32, target: new_index, bytes: 1e6 });
    let (after, stats) = run(&input, &params, &warm, &PositionMap::new());
    assert!(after.is_warm());
    assert!(stats.converged);
    let mut largest = 0.0f32;
    for (i, node) in input.nodes.iter().enumerate().take(new_index as usize) {
        largest = largest.max(distance(warm[&node.key], after.positions()[i]));
    }
    eprintln!("largest move of an unchanged node: {largest}");
    assert!(largest < 1.0, "an unchanged node moved {largest} (radii are 5 to 12)");
    let new_position = after.positions()[new_index as usize];
    let near = distance(new_position, after.positions()[process]);
    let typical = quality(&input, after.positions(), 1).mean_edge_length as f32;
    assert!(near < typical, "the new node landed {near} from its neighbour (mean edge {typical})");
    assert_eq!(quality(&input, after.positions(), 1).overlapping_pairs, 0);
}

#[test]
fn unchanged_warm_start_keeps_every_node_in_place() {
    let input = synthetic_estate(42, 400, 1600);
    let params = LayoutParams::default();
    let (before, _) = cold(&input, &params);
    let warm = before.position_map();
    let (after, _) = run(&input, &params, &warm, &PositionMap::new());
    for (i, node) in input.nodes.iter().enumerate() {
        let moved = distance(warm[&node.key], after.positions()[i]);
        assert!(moved < 0.5, "node {i} moved {moved} without any change");
    }
}

#[test]
fn pinned_nodes_are_exactly_where_pinned() {
    let input = synthetic_estate(51, 500, 2000);
    let machine = 0usize;
    let Some(process) = input.nodes.iter().position(|n| n.parent.is_some()) else { panic!("no process") };
    let external = input.nodes.len() - 1;
    let mut pinned = PositionMap::new();
    pinned.insert(input.nodes[machine].key, [1000.25, -3.5]);
    pinned.insert(input.nodes[process].key, [-800.0, 812.125]);
    pinned.insert(input.nodes[external].key, [0.0, 0.0]);
    let (mut layout, stats) = run(&input, &LayoutParams::default(), &PositionMap::new(), &pinned);
    assert!(stats.converged);
    assert_eq!(layout.positions()[machine], [1000.25, -3.5]);
    assert_eq!(layout.positions()[process], [-800.0, 812.125]);
    assert_eq!(layout.positions()[external], [0.0, 0.0]);

    layout.pin(7, [55.5, 66.5]);
    layout.reheat();
    layout.run_to_convergence();
    assert_eq!(layout.positions()[7], [55.5, 66.5]);
    assert_eq!(layout.positions()[machine], [1000.25, -3.5]);
    layout.unpin(7);
    layout.reheat();
    layout.run_to_convergence();
    assert_eq!(layout.positions()[machine], [1000.25, -3.5], "other pins stay");
}

#[test]
fn multilevel_is_used_on_a_large_graph_and_converges() {
    // Small variant of the 30k test below: same code path, runs in every build.
    let input = synthetic_estate(61, 6000, 30_000);
    let params = LayoutParams { multilevel_threshold: 1000, coarsest_size: 300, ..LayoutParams::default() };
    let (layout, stats) = cold(&input, &params);
    assert!(stats.levels >= 3, "only {} levels", stats.levels);
    assert!(stats.converged, "not converged after {} iterations", stats.iterations);
    let q = quality(&input, layout.positions(), 2);
    assert_eq!(q.overlapping_pairs, 0);
    assert!(q.edge_length_ratio < 0.6, "edge length ratio {}", q.edge_length_ratio);
}

#[test]
fn thirty_thousand_nodes_use_multilevel_by_default_and_converge() {
    let input = synthetic_estate(71, 30_000, 150_000);
    let params = LayoutParams::default();
    let started = std::time::Instant::now();
    let (layout, stats) = cold(&input, &params);
    assert!(stats.top_level_nodes > params.multilevel_threshold);
    assert!(stats.levels > 1, "multilevel path not taken");
    assert!(stats.converged, "not converged after {} iterations", stats.iterations);
    let q = quality(&input, layout.positions(), 3);
    assert_eq!(q.overlapping_pairs, 0);
    assert!(q.edge_length_ratio < 0.6, "edge length ratio {}", q.edge_length_ratio);
    eprintln!("30k nodes: {stats:?} in {:?}, {q:?}", started.elapsed());
}

#[test]
fn degenerate_inputs_do_not_panic() {
    let empty = LayoutInput::default();
    let (layout, stats) = cold(&empty, &LayoutParams::default());
    assert!(layout.positions().is_empty());
    assert!(stats.converged);

    let lonely = LayoutInput { nodes: vec![LayoutNode { key: 1, radius: 0.0, parent: Some(0) }], edges: vec![] };
    let (layout, _) = cold(&lonely, &LayoutParams::default());
    assert!(layout.positions()[0][0].is_finite());

    // Everything warm-started on one spot, bad edges, a parent cycle.
    let nodes = (0..50).map(|k| LayoutNode { key: k, radius: 3.0, parent: (k == 10).then_some(11) }).collect();
    let mut edges: Vec<LayoutEdge> =
        (0..49).map(|k| LayoutEdge { source: k, target: k + 1, bytes: f64::NAN }).collect();
    edges.push(LayoutEdge { source: 3, target: 999, bytes: 1.0 });
    edges.push(LayoutEdge { source: 4, target: 4, bytes: -1.0 });
    let mut input = LayoutInput { nodes, edges };
    input.nodes[11].parent = Some(10);
    let warm: PositionMap = (0..50).map(|k| (k, [1.0, 1.0])).collect();
    let (layout, _) = run(&input, &LayoutParams::default(), &warm, &PositionMap::new());
    assert_eq!(quality(&input, layout.positions(), 1).overlapping_pairs, 0);
}
