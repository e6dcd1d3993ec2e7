//! Multilevel coarsening for large graphs (in the spirit of Walshaw 2003 and
//! Hu's sfdp): coarsen, lay out the small coarse graph, prolong, refine.
//!
//! One coarsening step on a [`LevelGraph`]:
//! 1. *leaf merge*: every node swallows its unpinned degree-1 neighbours
//!    (estate maps have many leaves: endpoints and client groups that talk to
//!    one machine), which shrinks stars in one step;
//! 2. *heavy-edge matching*: the rest, visited in a seeded random order, pair
//!    with the unmatched neighbour of largest `w / (m_u m_v)`;
//! 3. unmatched nodes stay alone. Pinned nodes are never merged.
//!
//! A coarse node's mass is the sum of its members' masses, so coarse
//! repulsion and gravity approximate the sum over the members; edge weights
//! add up. Coarsening stops when a level is small enough or shrinks by less
//! than [`MIN_REDUCTION`]. Prolonging puts merged leaves on a circle around
//! their hub at the FA2 equilibrium distance and matched pairs near their
//! coarse node, with seeded jitter.

use super::graph::{LevelGraph, WeightedEdge};
use super::rng::SplitMix64;

/// A level is kept only if it has at most this fraction of the finer level's nodes.
const MIN_REDUCTION: f64 = 0.9;

/// How a fine node came into its coarse node.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    /// Alone, or the hub that swallowed leaves: takes the coarse position.
    Anchor,
    /// One of a matched pair.
    Pair,
    /// A degree-1 node merged into its only neighbour.
    Leaf,
}

/// How the fine nodes of one coarsening step map into the coarse graph.
#[derive(Clone, Debug)]
pub(crate) struct Coarsening {
    /// Fine node -> coarse node.
    pub fine_to_coarse: Vec<u32>,
    role: Vec<Role>,
}

/// Coarsens `fine` once into a coarse graph; `None` if it would not shrink enough.
pub(crate) fn coarsen(fine: &LevelGraph, rng: &mut SplitMix64) -> Option<(LevelGraph, Coarsening)> {
    let n = fine.len();
    let unassigned = u32::MAX;
    let mut group = vec![unassigned; n];
    let mut role = vec![Role::Anchor; n];
    let mut groups = 0u32;

    for hub in 0..n {
        if fine.pinned[hub] || fine.degree(hub) == 1 || group[hub] != unassigned {
            continue;
        }
        let mut swallowed = false;
        for &(leaf, _) in fine.neighbours(hub) {
            let leaf = leaf as usize;
            if fine.degree(leaf) == 1 && !fine.pinned[leaf] && group[leaf] == unassigned {
                group[leaf] = groups;
                role[leaf] = Role::Leaf;
                swallowed = true;
            }
        }
        if swallowed {
            group[hub] = groups;
            groups += 1;
        }
    }

    let mut order: Vec<u32> = (0..n as u32).collect();
    for i in (1..n).rev() {
        order.swap(i, rng.below(i + 1));
    }
    for &u in &order {
        let u = u as usize;
        if group[u] != unassigned || fine.pinned[u] {
            continue;
        }
        let mut best = None;
        let mut best_score = 0.0;
        for &(v, weight) in fine.neighbours(u) {
            let v = v as usize;
            if group[v] != unassigned || fine.pinned[v] {
                continue;
            }
            let score = weight / (fine.mass[u] * fine.mass[v]);
            if score > best_score {
                best_score = score;
                best = Some(v);
            }
        }
        if let Some(v) = best {
            group[u] = groups;
            group[v] = groups;
            role[u] = Role::Pair;
            role[v] = Role::Pair;
            groups += 1;
        }
    }
    for slot in &mut group {
        if *slot == unassigned {
            *slot = groups;
            groups += 1;
        }
    }
    let coarse_count = groups as usize;
    if coarse_count as f64 > MIN_REDUCTION * n as f64 {
        return None;
    }

    let edges = fine
        .edges
        .iter()
        .map(|e| WeightedEdge { a: group[e.a as usize], b: group[e.b as usize], weight: e.weight })
        .collect();
    let mut graph = LevelGraph::from_edges(coarse_count, edges);
    graph.mass.iter_mut().for_each(|m| *m = 0.0);
    graph.radius.iter_mut().for_each(|r| *r = 0.0);
    for (u, &c) in group.iter().enumerate() {
        let c = c as usize;
        graph.mass[c] += fine.mass[u];
        graph.radius[c] += fine.radius[u] * fine.radius[u];
        if fine.pinned[u] {
            graph.pinned[c] = true;
            graph.mobility[c] = 0.0;
        }
    }
    graph.radius.iter_mut().for_each(|r| *r = r.sqrt());
    Some((graph, Coarsening { fine_to_coarse: group, role }))
}

/// Fine positions from coarse ones (see the module doc). Pinned fine nodes
/// are singletons whose coarse node carries their pinned position.
pub(crate) fn prolong(
    fine: &LevelGraph,
    coarsening: &Coarsening,
    coarse_positions: &[[f64; 2]],
    scaling: f64,
    rng: &mut SplitMix64,
) -> Vec<[f64; 2]> {
    (0..fine.len())
        .map(|u| {
            let [x, y] = coarse_positions[coarsening.fine_to_coarse[u] as usize];
            match coarsening.role[u] {
                Role::Anchor => [x, y],
                Role::Pair => {
                    let [dx, dy] = rng.in_disc(1.0);
                    [x + dx, y + dy]
                }
                Role::Leaf => {
                    let (hub, weight) = fine.neighbours(u).first().copied().unwrap_or((0, 1.0));
                    let hub_mass = fine.mass.get(hub as usize).copied().unwrap_or(1.0);
                    let length = (scaling * hub_mass * fine.mass[u] / weight.max(1e-6)).sqrt().clamp(1.0, 30.0);
                    let [dx, dy] = rng.unit();
                    [x + dx * length, y + dy * length]
                }
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn star_collapses_to_one_node_and_prolongs_around_the_hub() {
        // Hub 0 with 20 leaves, plus a path 21-22-23-24 hanging off the hub.
        let mut edges: Vec<WeightedEdge> = (1..=20).map(|leaf| WeightedEdge { a: 0, b: leaf, weight: 1.0 }).collect();
        edges.push(WeightedEdge { a: 0, b: 21, weight: 1.0 });
        for a in 21..24 {
            edges.push(WeightedEdge { a, b: a + 1, weight: 1.0 });
        }
        let fine = LevelGraph::from_edges(25, edges);
        let mut rng = SplitMix64::new(1);
        let Some((coarse_graph, coarse)) = coarsen(&fine, &mut rng) else {
            panic!("a star must coarsen");
        };
        assert!(coarse_graph.len() <= 4, "coarse graph has {} nodes", coarse_graph.len());
        let total_mass: f64 = fine.mass.iter().sum();
        let coarse_mass: f64 = coarse_graph.mass.iter().sum();
        assert!((total_mass - coarse_mass).abs() < 1e-9, "mass is conserved");
        let hub_group = coarse.fine_to_coarse[0];
        assert!((1..=20).all(|leaf| coarse.fine_to_coarse[leaf] == hub_group));
        let coarse_positions = vec![[10.0, -5.0]; coarse_graph.len()];
        let fine_positions = prolong(&fine, &coarse, &coarse_positions, 2.0, &mut rng);
        assert_eq!(fine_positions[0], [10.0, -5.0]);
        for (leaf, position) in fine_positions.iter().enumerate().take(21).skip(1) {
            let d = (position[0] - 10.0).hypot(position[1] + 5.0);
            assert!((1.0..=30.0).contains(&d), "leaf {leaf} at distance {d}");
        }
    }

    #[test]
    fn pinned_nodes_stay_single() {
        let edges = vec![WeightedEdge { a: 0, b: 1, weight: 1.0 }, WeightedEdge { a: 1, b: 2, weight: 1.0 }];
        let mut fine = LevelGraph::from_edges(3, edges);
        fine.pinned[1] = true;
        fine.mobility[1] = 0.0;
        // Nothing can merge: 0 and 2 only touch the pinned node.
        assert!(coarsen(&fine, &mut SplitMix64::new(5)).is_none());
    }
}
