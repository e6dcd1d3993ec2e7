//! Seeded synthetic estates shaped like VM Insights maps, for tests and the
//! benchmark: machines in clusters with processes as children, a few shared
//! hub machines, external endpoints and client groups, mostly intra-cluster
//! traffic, few inter-cluster edges and log-normal (heavily skewed) bytes.

use std::collections::HashSet;

use super::rng::SplitMix64;
use super::{LayoutEdge, LayoutInput, LayoutNode};

/// Kind of a synthetic node; also the top byte of its key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SyntheticKind {
    Machine = 1,
    Process = 2,
    External = 3,
    ClientGroup = 4,
}

impl SyntheticKind {
    /// Disc radius the generator gives this kind (world units).
    pub fn radius(self) -> f32 {
        match self {
            Self::Machine => 12.0,
            Self::Process => 5.0,
            Self::External => 8.0,
            Self::ClientGroup => 7.0,
        }
    }

    /// Kind of a node made by [`synthetic_estate`], from its key.
    pub fn of_key(key: u64) -> Option<Self> {
        match key >> 56 {
            1 => Some(Self::Machine),
            2 => Some(Self::Process),
            3 => Some(Self::External),
            4 => Some(Self::ClientGroup),
            _ => None,
        }
    }
}

fn key(kind: SyntheticKind, index: usize) -> u64 {
    ((kind as u64) << 56) | index as u64
}

/// An estate of about `node_count` nodes (20% machines, 55% processes, 15%
/// external endpoints, the rest client groups) and `edge_count` distinct
/// traffic edges (fewer only if the graph cannot hold them). Same arguments,
/// same estate. Keys are `kind << 56 | index within kind`, so an estate made
/// with more nodes keeps the keys of the smaller one's first nodes of a kind.
pub fn synthetic_estate(seed: u64, node_count: usize, edge_count: usize) -> LayoutInput {
    let mut rng = SplitMix64::new(seed);
    let machines = (node_count / 5).max(2);
    let processes = (node_count * 55 / 100).max(machines);
    let externals = node_count * 15 / 100;
    let clients = node_count.saturating_sub(machines + processes + externals);

    // Clusters of 4..=40 machines; the first ones are shared hubs.
    let mut cluster_start = vec![0usize];
    while let Some(&last) = cluster_start.last() {
        if last >= machines {
            break;
        }
        cluster_start.push((last + 4 + rng.below(37)).min(machines));
    }
    let cluster_count = cluster_start.len() - 1;
    let mut cluster_of_machine = vec![0usize; machines];
    for c in 0..cluster_count {
        cluster_of_machine[cluster_start[c]..cluster_start[c + 1]].fill(c);
    }
    let hub_machines = (machines / 100).max(2).min(machines);

    // Processes per machine: one each, the rest skewed towards a busy tenth.
    let mut per_machine = vec![1usize; machines];
    for _ in machines..processes {
        let m = if rng.next_f64() < 0.7 { rng.below(machines) } else { rng.below(machines / 10 + 1) };
        per_machine[m] += 1;
    }
    let mut process_start = vec![0usize; machines + 1];
    for m in 0..machines {
        process_start[m + 1] = process_start[m] + per_machine[m];
    }

    let mut nodes = Vec::with_capacity(machines + processes + externals + clients);
    for m in 0..machines {
        nodes.push(LayoutNode {
            key: key(SyntheticKind::Machine, m),
            radius: SyntheticKind::Machine.radius(),
            parent: None,
        });
    }
    let process_base = nodes.len();
    for m in 0..machines {
        for p in process_start[m]..process_start[m + 1] {
            nodes.push(LayoutNode {
                key: key(SyntheticKind::Process, p),
                radius: SyntheticKind::Process.radius(),
                parent: Some(m as u32),
            });
        }
    }
    let external_base = nodes.len();
    let external_cluster: Vec<usize> = (0..externals).map(|_| rng.below(cluster_count)).collect();
    for x in 0..externals {
        nodes.push(LayoutNode {
            key: key(SyntheticKind::External, x),
            radius: SyntheticKind::External.radius(),
            parent: None,
        });
    }
    let client_base = nodes.len();
    let client_home: Vec<usize> = (0..clients).map(|_| rng.below(processes)).collect();
    for c in 0..clients {
        nodes.push(LayoutNode {
            key: key(SyntheticKind::ClientGroup, c),
            radius: SyntheticKind::ClientGroup.radius(),
            parent: None,
        });
    }
    let mut externals_of_cluster: Vec<Vec<usize>> = vec![Vec::new(); cluster_count];
    for (x, &c) in external_cluster.iter().enumerate() {
        externals_of_cluster[c].push(x);
    }

    let process_in = |rng: &mut SplitMix64, m: usize| process_base + process_start[m] + rng.below(per_machine[m]);
    let machine_in_cluster =
        |rng: &mut SplitMix64, c: usize| cluster_start[c] + rng.below(cluster_start[c + 1] - cluster_start[c]);
    let machine_of_process = |p: usize| process_start.partition_point(|&s| s <= p - process_base) - 1;

    let mut seen = HashSet::new();
    let mut edges = Vec::with_capacity(edge_count);
    let mut add = |rng: &mut SplitMix64, a: usize, b: usize, edges: &mut Vec<LayoutEdge>| {
        if a == b || !seen.insert((a.min(b), a.max(b))) {
            return;
        }
        // Log-normal bytes: median ~3 kB, a long tail to tens of GB.
        let u1 = rng.next_f64().max(1e-12);
        let u2 = rng.next_f64();
        let z = (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos();
        let bytes = (8.0 + 3.0 * z).exp().round();
        edges.push(LayoutEdge { source: a as u32, target: b as u32, bytes });
    };
    for (x, &cluster) in external_cluster.iter().enumerate() {
        if edges.len() >= edge_count {
            break;
        }
        let m = machine_in_cluster(&mut rng, cluster);
        let p = process_in(&mut rng, m);
        add(&mut rng, p, external_base + x, &mut edges);
    }
    for (c, &home) in client_home.iter().enumerate() {
        if edges.len() >= edge_count {
            break;
        }
        add(&mut rng, client_base + c, process_base + home, &mut edges);
    }
    let mut attempts = 0usize;
    while edges.len() < edge_count && attempts < 20 * edge_count + 100 {
        attempts += 1;
        let source_machine = rng.below(machines);
        let source = process_in(&mut rng, source_machine);
        let cluster = cluster_of_machine[source_machine];
        let roll = rng.next_f64();
        let target = if roll < 0.55 {
            let m = machine_in_cluster(&mut rng, cluster);
            process_in(&mut rng, m)
        } else if roll < 0.70 {
            let m = rng.below(hub_machines);
            process_in(&mut rng, m)
        } else if roll < 0.74 {
            let m = rng.below(machines);
            process_in(&mut rng, m)
        } else if roll < 0.90 && externals > 0 {
            let local = &externals_of_cluster[cluster];
            if !local.is_empty() && rng.next_f64() < 0.8 {
                external_base + local[rng.below(local.len())]
            } else {
                external_base + rng.below(externals)
            }
        } else if clients > 0 {
            let c = rng.below(clients);
            let home_machine = machine_of_process(process_base + client_home[c]);
            let m = machine_in_cluster(&mut rng, cluster_of_machine[home_machine]);
            let p = process_in(&mut rng, m);
            add(&mut rng, client_base + c, p, &mut edges);
            continue;
        } else {
            continue;
        };
        add(&mut rng, source, target, &mut edges);
    }
    LayoutInput { nodes, edges }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn estate_has_the_asked_size_shape_and_is_reproducible() {
        let a = synthetic_estate(9, 1000, 5000);
        let b = synthetic_estate(9, 1000, 5000);
        assert_eq!(a.nodes, b.nodes);
        assert_eq!(a.edges, b.edges);
        assert_eq!(a.nodes.len(), 1000);
        assert_eq!(a.edges.len(), 5000);
        let processes = a.nodes.iter().filter(|n| SyntheticKind::of_key(n.key) == Some(SyntheticKind::Process));
        assert!(processes.clone().all(|n| n.parent.is_some_and(|m| (m as usize) < 200)));
        assert_eq!(processes.count(), 550);
        assert!(a.edges.iter().all(|e| e.source != e.target && (e.target as usize) < 1000));
        assert_ne!(synthetic_estate(10, 1000, 5000).edges, a.edges);
    }
}
