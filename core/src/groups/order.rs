//! The order of moves. Rule (greedy): start with nothing moved; at each step, of the groups not
//! yet moved, move the one after whose move the traffic between moved and not-yet-moved
//! machines is smallest (in the plan's weight: bytes, links or dependencies); ties go to the
//! group listed first. Only traffic between grouped machines counts: excluded machines and
//! unmonitored addresses stay where they are whatever the order, so they cannot favour one.
//!
//! With W(i, j) the weight between groups i and j, M the moved set and R the rest, moving g
//! changes the crossing weight by W(g, R − g) − W(g, M); both terms are kept per group, so each
//! step costs O(groups + edges between groups).

use super::Weight;
use super::plan::{Plan, Traffic};
use std::collections::BTreeMap;

/// One step of the order.
#[derive(Clone, Debug, PartialEq)]
pub struct MoveStep {
    pub group: usize,
    pub name: String,
    /// Traffic between moved and not-yet-moved machines once this group has moved.
    pub crossing: Traffic,
    /// The same in the plan's weight, the figure the order minimises.
    pub crossing_weight: i64,
}

impl Plan {
    /// The suggested order of moving the non-empty groups (see the module's rule).
    pub fn move_order(&self) -> Vec<MoveStep> {
        let weight = self.options().weight;
        let groups: Vec<usize> = self.groups().iter().filter(|g| !g.machines.is_empty()).map(|g| g.index).collect();
        // Traffic between pairs of groups.
        let mut between: BTreeMap<(usize, usize), (Traffic, i64)> = BTreeMap::new();
        for dep in &self.data().dependencies {
            let (Some(a), Some(b)) = (dep.from.machine, dep.to.machine) else { continue };
            let (Some(ga), Some(gb)) = (self.group_of(a), self.group_of(b)) else { continue };
            if ga == gb {
                continue;
            }
            let single = Traffic {
                bytes: dep.bytes(),
                links: dep.links_established,
                failures: dep.links_failed,
                dependencies: 1,
            };
            for key in [(ga, gb), (gb, ga)] {
                let entry = between.entry(key).or_default();
                entry.0 = entry.0.plus(single);
                entry.1 = entry.1.saturating_add(dep.weight(weight));
            }
        }
        let mut neighbours: BTreeMap<usize, Vec<(usize, Traffic, i64)>> = BTreeMap::new();
        for (&(a, b), &(traffic, w)) in &between {
            neighbours.entry(a).or_default().push((b, traffic, w));
        }
        let zero = (Traffic::default(), 0i64);
        // Per group: weight to all others, weight to moved ones.
        let mut to_all: BTreeMap<usize, (Traffic, i64)> = groups.iter().map(|&g| (g, zero)).collect();
        for (&g, list) in &neighbours {
            if let Some(entry) = to_all.get_mut(&g) {
                for &(_, t, w) in list {
                    *entry = (entry.0.plus(t), entry.1.saturating_add(w));
                }
            }
        }
        let mut to_moved: BTreeMap<usize, (Traffic, i64)> = groups.iter().map(|&g| (g, zero)).collect();
        let mut crossing = zero;
        let mut steps = Vec::with_capacity(groups.len());
        let mut left = groups;
        while !left.is_empty() {
            let after = |g: usize| -> (Traffic, i64) {
                let (all, moved) = (to_all.get(&g).copied().unwrap_or(zero), to_moved.get(&g).copied().unwrap_or(zero));
                // crossing + (all − moved) − moved
                (
                    minus(minus(crossing.0.plus(all.0), moved.0), moved.0),
                    crossing.1.saturating_add(all.1).saturating_sub(moved.1.saturating_mul(2)),
                )
            };
            let Some((position, &group)) = left.iter().enumerate().min_by_key(|&(i, &g)| (after(g).1, i)) else {
                break;
            };
            crossing = after(group);
            left.remove(position);
            for &(other, t, w) in neighbours.get(&group).map(Vec::as_slice).unwrap_or_default() {
                if let Some(entry) = to_moved.get_mut(&other) {
                    *entry = (entry.0.plus(t), entry.1.saturating_add(w));
                }
            }
            let name = self.group(group).map(|g| g.name).unwrap_or_default();
            steps.push(MoveStep { group, name, crossing: crossing.0, crossing_weight: crossing.1 });
        }
        steps
    }

    /// The weight that [`Plan::move_order`] minimises.
    pub fn weight(&self) -> Weight {
        self.options().weight
    }
}

fn minus(a: Traffic, b: Traffic) -> Traffic {
    Traffic {
        bytes: a.bytes.saturating_sub(b.bytes),
        links: a.links.saturating_sub(b.links),
        failures: a.failures.saturating_sub(b.failures),
        dependencies: a.dependencies.saturating_sub(b.dependencies),
    }
}
