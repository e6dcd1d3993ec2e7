//! Nested layout: children (processes) sit on rings around their parent
//! (machine), and a parent may itself be the child of a container (an expanded
//! group's machines around the group); only top-level nodes take part in the
//! force simulation.
//!
//! A node's top-level node is found by following `parent` links to a node
//! without a parent; a link to itself, out of range, in a cycle or deeper
//! than [`MAX_PARENT_DEPTH`] makes the node top-level. Children are put on
//! concentric rings around their direct parent's disc, slots spaced so the
//! children's enclosing discs (a child with children of its own encloses its
//! rings) and the gap fit between neighbours; the parent's radius for
//! repulsion and overlap removal grows to enclose its outermost ring
//! ([`Hierarchy::arrange`], innermost containers first).
//!
//! The order of children around the ring follows where their edges go: each
//! child prefers the weighted mean direction to the top-level nodes it talks
//! to, children are sorted by that angle and the ring is rotated to match the
//! preferences best. On a warm start a child that had a position keeps its old
//! angle as preference, so the ring stays as it was.

use std::f64::consts::{PI, TAU};

use super::graph::WeightedEdge;
use super::{LayoutInput, edge_weight};

/// A child to place: (has no preferred angle, preferred angle, input index);
/// sorting these orders a ring.
type RingMember = (bool, f64, u32);
/// One ring: its radius and the members on it, in slot order.
type RingSlots<'a> = (f64, Vec<&'a RingMember>);

/// Parent links followed at most before a node is treated as top-level.
const MAX_PARENT_DEPTH: usize = 64;

/// Rounds of pushing overlapping warm-started children apart before the rings take over.
const RELAX_ROUNDS: usize = 64;

/// Which nodes are top-level, the children of each, and their ring offsets.
#[derive(Clone, Debug)]
pub(crate) struct Hierarchy {
    /// Input node -> index of its top-level node.
    pub top_of: Vec<u32>,
    /// Input node -> its direct parent (`u32::MAX` for top-level nodes).
    parent_of: Vec<u32>,
    /// Direct children of each input node (CSR: `kids[kids_start[n]..kids_start[n + 1]]`).
    kids_start: Vec<u32>,
    kids: Vec<u32>,
    /// Offset of each input node from its direct parent (internal units).
    relative: Vec<[f64; 2]>,
    /// Radius of each input node's disc including its children's rings.
    node_enclosing: Vec<f64>,
    /// Top-level index -> input node.
    pub top_nodes: Vec<u32>,
    /// Edges from a child to another top-level node: `(child, top, weight)`,
    /// sorted by child, indexed by `external_start`.
    external: Vec<(u32, u32, f64)>,
    external_start: Vec<u32>,
    /// Offset of each input node from its top-level node (internal units);
    /// zero for top-level nodes.
    pub offsets: Vec<[f64; 2]>,
    /// Radius of each top-level node's disc including its children's rings.
    pub enclosing_radius: Vec<f64>,
    /// Preferred angle kept from a warm start, per input node.
    pub warm_angle: Vec<Option<f64>>,
    /// Offset from the parent kept from a warm start, per input node: used as
    /// is while the parent's children are the same and fit its rings.
    pub warm_offset: Vec<Option<[f64; 2]>>,
    /// Free space between neighbouring discs (internal units).
    pub gap: f64,
}

impl Hierarchy {
    /// Resolves top-level nodes and collects the edges that leave each child's
    /// parent. `radius` is per input node in internal units.
    pub(crate) fn new(input: &LayoutInput, radius: &[f64], gap: f64) -> Self {
        let n = input.nodes.len();
        let root = resolve_roots(input);
        let mut top_index = vec![u32::MAX; n];
        let mut top_nodes = Vec::new();
        for (node, &r) in root.iter().enumerate() {
            if r as usize == node {
                top_index[node] = top_nodes.len() as u32;
                top_nodes.push(node as u32);
            }
        }
        let top_of: Vec<u32> = root.iter().map(|&r| top_index[r as usize]).collect();
        let mut external = Vec::new();
        for edge in &input.edges {
            let (s, t) = (edge.source as usize, edge.target as usize);
            if s >= n || t >= n || top_of[s] == top_of[t] {
                continue;
            }
            let weight = edge_weight(edge.bytes);
            if root[s] as usize != s {
                external.push((s as u32, top_of[t], weight));
            }
            if root[t] as usize != t {
                external.push((t as u32, top_of[s], weight));
            }
        }
        external.sort_by_key(|entry| (entry.0, entry.1));
        let mut external_start = vec![0u32; n + 1];
        for &(child, _, _) in &external {
            external_start[child as usize + 1] += 1;
        }
        for i in 1..external_start.len() {
            external_start[i] += external_start[i - 1];
        }
        let enclosing_radius = top_nodes.iter().map(|&node| radius[node as usize]).collect();
        // Direct parents: a non-top node's parent link is valid (its chain reaches a root).
        let parent_of: Vec<u32> = (0..n)
            .map(|node| match input.nodes[node].parent {
                Some(p) if root[node] as usize != node => p,
                _ => u32::MAX,
            })
            .collect();
        let mut kids_start = vec![0u32; n + 1];
        for &p in &parent_of {
            if p != u32::MAX {
                kids_start[p as usize + 1] += 1;
            }
        }
        for i in 1..kids_start.len() {
            kids_start[i] += kids_start[i - 1];
        }
        let mut kid_fill = kids_start.clone();
        let mut kids = vec![0u32; kids_start[n] as usize];
        for (node, &p) in parent_of.iter().enumerate() {
            if p != u32::MAX {
                kids[kid_fill[p as usize] as usize] = node as u32;
                kid_fill[p as usize] += 1;
            }
        }
        Self {
            top_of,
            parent_of,
            kids_start,
            kids,
            relative: vec![[0.0; 2]; n],
            node_enclosing: radius.to_vec(),
            top_nodes,
            external,
            external_start,
            offsets: vec![[0.0; 2]; n],
            enclosing_radius,
            warm_angle: vec![None; n],
            warm_offset: vec![None; n],
            gap,
        }
    }

    /// Direct children (input indices, ascending) of input node `node`.
    fn kids_of(&self, node: usize) -> &[u32] {
        &self.kids[self.kids_start[node] as usize..self.kids_start[node + 1] as usize]
    }

    /// The direct parent of input node `node`, `None` for a top-level node.
    pub(crate) fn parent_of(&self, node: usize) -> Option<usize> {
        self.parent_of.get(node).filter(|&&p| p != u32::MAX).map(|&p| p as usize)
    }

    pub(crate) fn is_top(&self, node: usize) -> bool {
        self.top_nodes[self.top_of[node] as usize] as usize == node
    }

    /// Edges of the top-level graph: every input edge moved to the top-level
    /// nodes of its ends; edges inside one top-level node are dropped.
    pub(crate) fn top_edges(&self, input: &LayoutInput) -> Vec<WeightedEdge> {
        let n = input.nodes.len();
        input
            .edges
            .iter()
            .filter(|e| (e.source as usize) < n && (e.target as usize) < n)
            .map(|e| WeightedEdge {
                a: self.top_of[e.source as usize],
                b: self.top_of[e.target as usize],
                weight: edge_weight(e.bytes),
            })
            .collect()
    }

    /// Places every unpinned child on its parent's rings (innermost containers
    /// first) and recomputes the enclosing radii. `top_positions` are the
    /// top-level positions; `radius` and `pinned` are per input node.
    pub(crate) fn arrange(&mut self, top_positions: &[[f64; 2]], radius: &[f64], pinned: &[bool]) {
        // Deeper containers first, so a container knows the enclosing radius of
        // each child before placing it.
        let n = self.top_of.len();
        let mut depth = vec![0u32; n];
        for (node, d) in depth.iter_mut().enumerate() {
            let mut current = node;
            while let Some(parent) = self.parent_of(current) {
                *d += 1;
                current = parent;
                if *d as usize > MAX_PARENT_DEPTH {
                    break;
                }
            }
        }
        let mut order: Vec<u32> = (0..n as u32).filter(|&node| !self.kids_of(node as usize).is_empty()).collect();
        order.sort_by_key(|&node| (std::cmp::Reverse(depth[node as usize]), node));
        self.node_enclosing.copy_from_slice(radius);
        let mut members: Vec<RingMember> = Vec::new();
        for &parent in &order {
            let parent = parent as usize;
            let top = self.top_of[parent] as usize;
            members.clear();
            let mut child_radius: f64 = 0.0;
            for &child in self.kids_of(parent) {
                let c = child as usize;
                if pinned[c] {
                    continue;
                }
                child_radius = child_radius.max(self.node_enclosing[c]);
                let preferred = self.warm_angle[c].or_else(|| self.preferred_angle(c, top, top_positions));
                members.push((preferred.is_none(), preferred.unwrap_or(0.0), child));
            }
            if members.is_empty() {
                continue;
            }
            members.sort_by(|x, y| x.0.cmp(&y.0).then(x.1.total_cmp(&y.1)).then(x.2.cmp(&y.2)));
            let rings = ring_radii(radius[parent], child_radius, self.gap, members.len());
            self.node_enclosing[parent] = rings.last().map_or(radius[parent], |ring| ring.0 + child_radius);
            if self.keep_warm_offsets(parent, &rings, child_radius) || self.relax_warm_offsets(parent, radius[parent]) {
                continue;
            }
            for (ring_radius, slots) in assign_rings(&rings, &members) {
                let count = slots.len() as f64;
                let (mut sin_sum, mut cos_sum) = (0.0, 0.0);
                for (slot, &(no_preference, angle, _)) in slots.iter().enumerate() {
                    if !no_preference {
                        let delta = angle - TAU * slot as f64 / count;
                        sin_sum += delta.sin();
                        cos_sum += delta.cos();
                    }
                }
                let base = if sin_sum == 0.0 && cos_sum == 0.0 { 0.0 } else { sin_sum.atan2(cos_sum) };
                for (slot, &(_, _, child)) in slots.iter().enumerate() {
                    let angle = base + TAU * slot as f64 / count;
                    self.relative[*child as usize] = [ring_radius * angle.cos(), ring_radius * angle.sin()];
                }
            }
        }
        // Offsets from the top-level node: the sum of the relative offsets up the chain.
        for node in 0..n {
            let (mut x, mut y) = (0.0, 0.0);
            let mut current = node;
            let mut steps = 0;
            while let Some(parent) = self.parent_of(current) {
                x += self.relative[current][0];
                y += self.relative[current][1];
                current = parent;
                steps += 1;
                if steps > MAX_PARENT_DEPTH {
                    break;
                }
            }
            self.offsets[node] = [x, y];
        }
        for (top, &node) in self.top_nodes.iter().enumerate() {
            self.enclosing_radius[top] = self.node_enclosing[node as usize];
        }
    }

    /// Keeps the warm-start offsets of `parent`'s direct children when all of
    /// them have one, none is pinned, and they lie within the rings.
    fn keep_warm_offsets(&mut self, parent: usize, rings: &[(f64, usize)], child_radius: f64) -> bool {
        let (Some(first), Some(last)) = (rings.first(), rings.last()) else {
            return false;
        };
        let tolerance = 1e-3 * (1.0 + last.0);
        let fits = self.kids_of(parent).iter().all(|&child| {
            self.warm_offset[child as usize].is_some_and(|[x, y]| {
                let d = x.hypot(y);
                d >= first.0 - tolerance && d <= last.0 + tolerance
            })
        });
        if !fits {
            return false;
        }
        let range = self.kids_start[parent] as usize..self.kids_start[parent + 1] as usize;
        for index in range {
            let child = self.kids[index] as usize;
            if let Some(offset) = self.warm_offset[child] {
                self.relative[child] = offset;
            }
        }
        self.node_enclosing[parent] = last.0 + child_radius + tolerance;
        true
    }

    /// Keeps the warm-start offsets of `parent`'s direct children (all of them have one) when
    /// they no longer fit its rings, moving apart only the children that now overlap: a machine
    /// opened into its processes grows and pushes its neighbours away, and the rest of the
    /// group stays where the user saw it. False when the overlaps do not resolve in a few
    /// rounds: the rings then place the children anew, now and in later arranges.
    fn relax_warm_offsets(&mut self, parent: usize, parent_radius: f64) -> bool {
        let kids: Vec<usize> = self.kids_of(parent).iter().map(|&c| c as usize).collect();
        let Some(mut at) = kids.iter().map(|&c| self.warm_offset[c]).collect::<Option<Vec<[f64; 2]>>>() else {
            return false;
        };
        let reach: Vec<f64> = kids.iter().map(|&c| self.node_enclosing[c]).collect();
        let gap = self.gap;
        let tolerance = 1e-6 * (1.0 + parent_radius);
        // Where to push two children at the same place, or a child at the parent's centre.
        let direction = |d: f64, dx: f64, dy: f64, seed: usize| {
            if d > 1e-9 {
                [dx / d, dy / d]
            } else {
                let angle = seed as f64 * 2.399_963_229_728_653; // the golden angle
                [angle.cos(), angle.sin()]
            }
        };
        let mut resolved = false;
        for _ in 0..RELAX_ROUNDS {
            let mut overlap = 0.0f64;
            for (i, p) in at.iter_mut().enumerate() {
                // Out of the parent's own disc.
                let d = p[0].hypot(p[1]);
                let need = parent_radius + gap + reach[i];
                if d < need - tolerance {
                    let u = direction(d, p[0], p[1], i);
                    *p = [u[0] * need, u[1] * need];
                    overlap = overlap.max(need - d);
                }
            }
            for i in 0..at.len() {
                for j in i + 1..at.len() {
                    let (dx, dy) = (at[j][0] - at[i][0], at[j][1] - at[i][1]);
                    let d = dx.hypot(dy);
                    let need = reach[i] + reach[j] + gap;
                    if d < need - tolerance {
                        // Each gives way by half, along the line between them.
                        let u = direction(d, dx, dy, i + j);
                        let push = (need - d) / 2.0;
                        at[i] = [at[i][0] - u[0] * push, at[i][1] - u[1] * push];
                        at[j] = [at[j][0] + u[0] * push, at[j][1] + u[1] * push];
                        overlap = overlap.max(need - d);
                    }
                }
            }
            if overlap <= tolerance {
                resolved = true;
                break;
            }
        }
        if !resolved {
            // The rings place these children from now on: later arranges skip the rounds.
            for &child in &kids {
                self.warm_offset[child] = None;
            }
            return false;
        }
        let mut enclosing = parent_radius;
        for ((&child, p), r) in kids.iter().zip(at).zip(reach) {
            // Later arranges start from the spread offsets and keep them at once.
            self.warm_offset[child] = Some(p);
            self.relative[child] = p;
            enclosing = enclosing.max(p[0].hypot(p[1]) + r);
        }
        self.node_enclosing[parent] = enclosing;
        true
    }

    /// Weighted mean direction from the parent to the top-level nodes `child`
    /// has edges with; `None` without such edges.
    fn preferred_angle(&self, child: usize, top: usize, top_positions: &[[f64; 2]]) -> Option<f64> {
        let start = self.external_start[child] as usize;
        let end = self.external_start[child + 1] as usize;
        let origin = top_positions[top];
        let (mut x, mut y) = (0.0, 0.0);
        for &(_, other, weight) in &self.external[start..end] {
            let dx = top_positions[other as usize][0] - origin[0];
            let dy = top_positions[other as usize][1] - origin[1];
            let length = dx.hypot(dy);
            if length > 0.0 {
                x += weight * dx / length;
                y += weight * dy / length;
            }
        }
        (x.hypot(y) > 1e-9).then(|| y.atan2(x))
    }
}

/// Follows parent links; a node without a usable chain is its own root.
fn resolve_roots(input: &LayoutInput) -> Vec<u32> {
    let n = input.nodes.len();
    let mut root = vec![u32::MAX; n];
    for (node, slot) in root.iter_mut().enumerate() {
        let mut current = node;
        let mut found = node;
        for _ in 0..=MAX_PARENT_DEPTH {
            match input.nodes[current].parent {
                Some(parent) if (parent as usize) < n && parent as usize != current => {
                    current = parent as usize;
                    if current == node {
                        break;
                    }
                }
                _ => {
                    found = current;
                    break;
                }
            }
        }
        *slot = found as u32;
    }
    // A chain that ends in a cycle or is too deep leaves `found == node`; the
    // root of every other node must be a real root, else it is top-level.
    for node in 0..n {
        let r = root[node] as usize;
        if root[r] as usize != r {
            root[node] = node as u32;
        }
    }
    root
}

/// `(radius, capacity)` of the rings needed for `count` children of radius
/// `child_radius` around a parent of radius `parent_radius`.
fn ring_radii(parent_radius: f64, child_radius: f64, gap: f64, count: usize) -> Vec<(f64, usize)> {
    let spacing = 2.0 * child_radius + gap;
    let mut rings = Vec::new();
    let mut total = 0;
    let mut ring_radius = parent_radius + gap + child_radius;
    while total < count {
        let half_angle = (spacing / (2.0 * ring_radius)).min(1.0).asin();
        let capacity = ((PI / half_angle).floor() as usize).max(1);
        rings.push((ring_radius, capacity));
        total += capacity;
        ring_radius += spacing;
    }
    rings
}

/// Splits the angle-sorted `members` over the rings: counts proportional to
/// capacity, and each ring takes an evenly spread subsequence so every ring
/// covers all directions.
fn assign_rings<'a>(rings: &[(f64, usize)], members: &'a [RingMember]) -> Vec<RingSlots<'a>> {
    let total = members.len();
    let capacity: usize = rings.iter().map(|r| r.1).sum();
    let mut counts: Vec<usize> = rings.iter().map(|r| total * r.1 / capacity.max(1)).collect();
    let mut remaining = total - counts.iter().sum::<usize>();
    for (count, ring) in counts.iter_mut().zip(rings) {
        let extra = remaining.min(ring.1 - *count);
        *count += extra;
        remaining -= extra;
    }
    let mut result: Vec<RingSlots<'_>> =
        rings.iter().zip(&counts).map(|(ring, &c)| (ring.0, Vec::with_capacity(c))).collect();
    for (j, member) in members.iter().enumerate() {
        let progress = (j + 1) as f64 / total as f64;
        let mut best = None;
        let mut best_deficit = f64::NEG_INFINITY;
        for (r, &count) in counts.iter().enumerate() {
            let assigned = result[r].1.len();
            if assigned >= count {
                continue;
            }
            let deficit = count as f64 * progress - assigned as f64;
            if deficit > best_deficit {
                best_deficit = deficit;
                best = Some(r);
            }
        }
        if let Some(r) = best {
            result[r].1.push(member);
        }
    }
    result.retain(|ring| !ring.1.is_empty());
    result
}

#[cfg(test)]
mod tests {
    use super::super::{LayoutEdge, LayoutNode};
    use super::*;

    fn node(key: u64, parent: Option<u32>) -> LayoutNode {
        LayoutNode { key, radius: 1.0, parent }
    }

    #[test]
    fn chains_cycles_and_bad_links_resolve_to_sensible_roots() {
        let input = LayoutInput {
            nodes: vec![
                node(0, None),
                node(1, Some(0)),
                node(2, Some(1)),
                node(3, Some(4)),
                node(4, Some(3)),
                node(5, Some(99)),
                node(6, Some(6)),
            ],
            edges: vec![],
        };
        assert_eq!(resolve_roots(&input), vec![0, 0, 0, 3, 4, 5, 6]);
    }

    #[test]
    fn children_ring_encloses_them_without_overlap_and_faces_their_peers() {
        let mut nodes = vec![LayoutNode { key: 0, radius: 3.0, parent: None }, node(1, None)];
        for k in 0..40 {
            nodes.push(LayoutNode { key: 10 + k, radius: 1.0, parent: Some(0) });
        }
        let edges = vec![LayoutEdge { source: 2, target: 1, bytes: 1e6 }];
        let input = LayoutInput { nodes, edges };
        let radius: Vec<f64> = input.nodes.iter().map(|n| f64::from(n.radius)).collect();
        let mut hierarchy = Hierarchy::new(&input, &radius, 0.2);
        assert_eq!(hierarchy.top_nodes, vec![0, 1]);
        let pinned = vec![false; input.nodes.len()];
        hierarchy.arrange(&[[0.0, 0.0], [100.0, 0.0]], &radius, &pinned);
        let offsets = &hierarchy.offsets;
        for a in 2..42 {
            let da = offsets[a][0].hypot(offsets[a][1]);
            assert!(da >= 3.0 + 1.0 + 0.2 - 1e-9, "child {a} overlaps its parent");
            assert!(da + 1.0 <= hierarchy.enclosing_radius[0] + 1e-9, "child {a} outside the enclosing disc");
            for b in a + 1..42 {
                let d = (offsets[a][0] - offsets[b][0]).hypot(offsets[a][1] - offsets[b][1]);
                assert!(d >= 2.0 + 0.2 - 1e-9, "children {a} and {b} overlap: {d}");
            }
        }
        // Child 2 talks to node 1 on the right: it sits on the right side.
        assert!(offsets[2][0] > 0.0 && offsets[2][1].abs() < offsets[2][0], "{:?}", offsets[2]);
    }

    #[test]
    fn nested_containers_hold_their_rings_without_overlap() {
        // A group (0) holding three machines (1..=3), each with five processes, and a peer (4).
        let mut nodes = vec![LayoutNode { key: 0, radius: 4.0, parent: None }];
        for m in 1..=3u32 {
            nodes.push(LayoutNode { key: u64::from(m), radius: 2.0, parent: Some(0) });
        }
        nodes.push(node(4, None));
        for m in 1..=3u32 {
            for p in 0..5 {
                nodes.push(LayoutNode { key: u64::from(100 * m + p), radius: 1.0, parent: Some(m) });
            }
        }
        let input = LayoutInput { nodes, edges: vec![] };
        let radius: Vec<f64> = input.nodes.iter().map(|n| f64::from(n.radius)).collect();
        let mut hierarchy = Hierarchy::new(&input, &radius, 0.2);
        assert_eq!(hierarchy.top_nodes, vec![0, 4]);
        assert_eq!(hierarchy.parent_of(7), Some(1), "a process's parent is its machine, not the group");
        let pinned = vec![false; input.nodes.len()];
        hierarchy.arrange(&[[0.0, 0.0], [100.0, 0.0]], &radius, &pinned);
        let offsets = &hierarchy.offsets;
        let processes: Vec<usize> = (5..input.nodes.len()).collect();
        for &a in &processes {
            let machine = hierarchy.parent_of(a).unwrap_or(usize::MAX);
            let (dx, dy) = (offsets[a][0] - offsets[machine][0], offsets[a][1] - offsets[machine][1]);
            let d = dx.hypot(dy);
            assert!(d >= 2.0 + 1.0 + 0.2 - 1e-9, "process {a} overlaps its machine");
            assert!(d + 1.0 <= hierarchy.node_enclosing[machine] + 1e-9, "process {a} outside its machine");
            let from_group = offsets[a][0].hypot(offsets[a][1]);
            assert!(from_group + 1.0 <= hierarchy.enclosing_radius[0] + 1e-9, "process {a} outside the group");
            assert!(from_group >= 4.0 + 1.0, "process {a} on the group's disc");
            for &b in &processes {
                if b > a {
                    let d = (offsets[a][0] - offsets[b][0]).hypot(offsets[a][1] - offsets[b][1]);
                    assert!(d >= 2.0 - 1e-9, "processes {a} and {b} overlap: {d}");
                }
            }
        }
        for a in 1..=3usize {
            for b in a + 1..=3 {
                let d = (offsets[a][0] - offsets[b][0]).hypot(offsets[a][1] - offsets[b][1]);
                let reach = hierarchy.node_enclosing[a] + hierarchy.node_enclosing[b];
                assert!(d >= reach - 1e-9, "machines {a} and {b}: their rings meet ({d} < {reach})");
            }
        }
    }

    /// A group's machines placed before (warm offsets), then one of them grows: only the
    /// machines it would cover move, nothing overlaps, and the far side of the group stays.
    #[test]
    fn a_child_that_grows_moves_only_its_neighbours() {
        let mut nodes = vec![LayoutNode { key: 0, radius: 4.0, parent: None }];
        for k in 0..24 {
            nodes.push(LayoutNode { key: 10 + k, radius: 1.0, parent: Some(0) });
        }
        let input = LayoutInput { nodes, edges: vec![] };
        let mut radius: Vec<f64> = input.nodes.iter().map(|n| f64::from(n.radius)).collect();
        let mut hierarchy = Hierarchy::new(&input, &radius, 0.2);
        let pinned = vec![false; input.nodes.len()];
        hierarchy.arrange(&[[0.0, 0.0]], &radius, &pinned);
        let before = hierarchy.offsets.clone();
        for (warm, &offset) in hierarchy.warm_offset.iter_mut().zip(&before).skip(1) {
            *warm = Some(offset);
        }
        // Child 1 opens: three times wider.
        radius[1] = 3.0;
        hierarchy.arrange(&[[0.0, 0.0]], &radius, &pinned);
        let after = &hierarchy.offsets;
        let moved: Vec<usize> = (2..input.nodes.len())
            .filter(|&c| (after[c][0] - before[c][0]).hypot(after[c][1] - before[c][1]) > 1e-9)
            .collect();
        assert!(!moved.is_empty(), "its neighbours make way");
        assert!(moved.len() <= 8, "only its neighbours move: {moved:?}");
        let far = (2..input.nodes.len())
            .max_by(|&a, &b| {
                let d = |c: usize| (before[c][0] - before[1][0]).hypot(before[c][1] - before[1][1]);
                d(a).total_cmp(&d(b))
            })
            .unwrap_or(0);
        assert!(!moved.contains(&far), "the far side stays");
        for a in 1..input.nodes.len() {
            let da = after[a][0].hypot(after[a][1]);
            assert!(da >= 4.0 + radius[a] + 0.2 - 1e-4, "child {a} on the parent's disc: {da}");
            assert!(da + radius[a] <= hierarchy.enclosing_radius[0] + 1e-6, "child {a} outside the group");
            for b in a + 1..input.nodes.len() {
                let d = (after[a][0] - after[b][0]).hypot(after[a][1] - after[b][1]);
                assert!(d >= radius[a] + radius[b] + 0.2 - 1e-6, "children {a} and {b} overlap: {d}");
            }
        }
    }
}
