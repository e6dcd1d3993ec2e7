//! Nodes with no edge, no parent and no children cost a force layout much work and gain
//! nothing from it (every one only pushes the others away). A map of 100,000 machines that
//! exchanged nothing took minutes to lay out; they are set out on a grid instead, beside
//! the laid-out rest.

use super::{LayoutInput, LayoutNode, PositionMap};

/// Fewer isolated nodes than this go through the force layout like the rest: on small maps
/// their place among the others reads better than a grid.
const GRID_FROM: usize = 64;

/// A layout input split into the nodes that need forces and the isolated ones.
pub struct Split {
    /// The input without the isolated nodes (edges and parents renumbered).
    pub connected: LayoutInput,
    /// Per connected node, its index in the whole input.
    connected_index: Vec<usize>,
    /// Isolated nodes, by index in the whole input.
    isolated: Vec<usize>,
}

/// `None` when there are too few isolated nodes to be worth it.
pub fn split(input: &LayoutInput) -> Option<Split> {
    let n = input.nodes.len();
    let mut linked = vec![false; n];
    for edge in &input.edges {
        let (s, t) = (edge.source as usize, edge.target as usize);
        if s < n && t < n && s != t {
            linked[s] = true;
            linked[t] = true;
        }
    }
    for node in &input.nodes {
        if let Some(parent) = node.parent.map(|p| p as usize).filter(|&p| p < n) {
            linked[parent] = true;
        }
    }
    let lone = |i: usize, node: &LayoutNode| !linked[i] && node.parent.is_none();
    let isolated: Vec<usize> =
        input.nodes.iter().enumerate().filter(|&(i, node)| lone(i, node)).map(|(i, _)| i).collect();
    if isolated.len() < GRID_FROM {
        return None;
    }
    let mut new_index = vec![u32::MAX; n];
    let mut connected_index = Vec::with_capacity(n - isolated.len());
    let mut connected = LayoutInput::default();
    for (i, node) in input.nodes.iter().enumerate() {
        if !lone(i, node) {
            new_index[i] = connected_index.len() as u32;
            connected_index.push(i);
        }
    }
    for &i in &connected_index {
        let node = input.nodes[i];
        let parent = node.parent.and_then(|p| new_index.get(p as usize).copied()).filter(|&p| p != u32::MAX);
        connected.nodes.push(LayoutNode { parent, ..node });
    }
    for edge in &input.edges {
        let ends = (new_index.get(edge.source as usize), new_index.get(edge.target as usize));
        if let (Some(&source), Some(&target)) = ends
            && source != u32::MAX
            && target != u32::MAX
        {
            connected.edges.push(super::LayoutEdge { source, target, ..*edge });
        }
    }
    Some(Split { connected, connected_index, isolated })
}

impl Split {
    /// Positions of the whole input: the connected nodes where the layout put them, the
    /// isolated ones where they were pinned or last shown, else on a grid below the rest.
    pub fn assemble(
        &self,
        input: &LayoutInput,
        connected_positions: &[[f32; 2]],
        warm: &PositionMap,
        pinned: &PositionMap,
    ) -> Vec<[f32; 2]> {
        let mut out = vec![[0.0f32; 2]; input.nodes.len()];
        let (mut min, mut max) = ([f32::INFINITY; 2], [f32::NEG_INFINITY; 2]);
        for (&i, &p) in self.connected_index.iter().zip(connected_positions) {
            out[i] = p;
            let r = input.nodes[i].radius;
            min = [min[0].min(p[0] - r), min[1].min(p[1] - r)];
            max = [max[0].max(p[0] + r), max[1].max(p[1] + r)];
        }
        let biggest = self.isolated.iter().map(|&i| input.nodes[i].radius).fold(1.0f32, f32::max);
        let cell = biggest * 3.0;
        let count = self.isolated.len() as f32;
        let (left, top, columns) = if min[0].is_finite() {
            // Under the connected part, at least as wide as it.
            let columns = ((max[0] - min[0]) / cell).max(count.sqrt()).ceil();
            (min[0], max[1] + 2.0 * cell, columns)
        } else {
            let columns = count.sqrt().ceil();
            (-columns * cell / 2.0, -columns * cell / 2.0, columns)
        };
        let columns = (columns as usize).max(1);
        for (slot, &i) in self.isolated.iter().enumerate() {
            let key = input.nodes[i].key;
            out[i] = match pinned.get(&key).or_else(|| warm.get(&key)) {
                Some(&p) => p,
                None => {
                    let (row, column) = (slot / columns, slot % columns);
                    [left + (column as f32 + 0.5) * cell, top + (row as f32 + 0.5) * cell]
                }
            };
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::super::{LayoutEdge, settle};
    use super::*;

    fn node(key: u64) -> LayoutNode {
        LayoutNode { key, radius: 10.0, parent: None }
    }

    #[test]
    fn isolated_nodes_go_on_a_grid_without_overlap_and_the_rest_is_laid_out() {
        let mut input = LayoutInput::default();
        for key in 0..1000 {
            input.nodes.push(node(key));
        }
        for t in 1..5 {
            input.edges.push(LayoutEdge { source: 0, target: t, bytes: 100.0 });
        }
        let positions = settle(input.clone(), &PositionMap::new(), &PositionMap::new());
        assert_eq!(positions.len(), 1000);
        let grid = &positions[5..];
        for (a, p) in grid.iter().enumerate() {
            for q in &grid[a + 1..] {
                assert!((p[0] - q[0]).hypot(p[1] - q[1]) >= 20.0, "{p:?} {q:?}");
            }
        }
        // The grid lies below the connected part.
        let lowest = positions[..5].iter().map(|p| p[1] + 10.0).fold(f32::MIN, f32::max);
        assert!(grid.iter().all(|p| p[1] - 10.0 > lowest));
        // A pinned isolated node stays where it was pinned.
        let pinned: PositionMap = [(500u64, [7.0, -3.0])].into_iter().collect();
        assert_eq!(settle(input, &PositionMap::new(), &pinned)[500], [7.0, -3.0]);
    }

    #[test]
    fn a_hundred_thousand_machines_with_no_connection_are_placed_at_once() {
        let input = LayoutInput { nodes: (0..100_000).map(node).collect(), edges: Vec::new() };
        let positions = settle(input, &PositionMap::new(), &PositionMap::new());
        assert_eq!(positions.len(), 100_000);
        assert!(positions.iter().all(|p| p[0].is_finite() && p[1].is_finite()));
    }

    #[test]
    fn few_isolated_nodes_stay_in_the_force_layout() {
        let input = LayoutInput { nodes: (0..10).map(node).collect(), edges: Vec::new() };
        assert!(split(&input).is_none());
    }
}
