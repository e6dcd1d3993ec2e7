//! Community detection: the Leiden algorithm (V. A. Traag, L. Waltman, N. J. van Eck, "From
//! Louvain to Leiden: guaranteeing well-connected communities", Scientific Reports 9, 5233,
//! 2019), maximising modularity with a resolution γ, under the constraints a migration plan
//! needs (a largest community size in machines, pairs of nodes that must stay apart).
//!
//! Each level runs the three phases of the paper:
//! 1. fast local moving: nodes from a queue move to the neighbouring community with the best
//!    modularity gain (only moves the constraints allow);
//! 2. refinement: within each community, nodes that are still alone and well connected merge
//!    into well-connected sub-communities, chosen at random with probability ∝ exp(ΔH/θ)
//!    among non-negative gains (θ = 0.01), so every community found is connected;
//! 3. aggregation: the refined sub-communities become the next level's nodes, starting in
//!    the community of step 1 (when refinement merged nothing, the communities themselves).
//!
//! Levels repeat until local moving changes nothing; the whole run is repeated from its own
//! result while modularity improves. All randomness comes from one seeded splitmix64 stream
//! and ties go to the lowest community index, so a seed gives one result.

/// An undirected weighted graph in adjacency-list form (each edge stored at both ends).
#[derive(Clone, Debug, Default)]
pub struct WeightedGraph {
    /// Neighbours of each node with the edge weight (no self entries).
    pub adjacency: Vec<Vec<(usize, f64)>>,
    /// Weight of each node's self-loop (edges inside an aggregated node).
    pub self_loops: Vec<f64>,
    /// Machines each node stands for (1 for a machine; a sum for aggregates).
    pub sizes: Vec<usize>,
}

impl WeightedGraph {
    /// A graph of `n` nodes of size 1 and no edges.
    pub fn new(n: usize) -> Self {
        WeightedGraph { adjacency: vec![Vec::new(); n], self_loops: vec![0.0; n], sizes: vec![1; n] }
    }

    pub fn len(&self) -> usize {
        self.adjacency.len()
    }

    pub fn is_empty(&self) -> bool {
        self.adjacency.is_empty()
    }

    /// Adds weight to the undirected edge {a, b} (a self-loop when a == b). Non-positive or
    /// non-finite weights and unknown nodes are ignored.
    pub fn add_edge(&mut self, a: usize, b: usize, weight: f64) {
        if !(weight.is_finite() && weight > 0.0) || a >= self.len() || b >= self.len() {
            return;
        }
        if a == b {
            self.self_loops[a] += weight;
            return;
        }
        for (x, y) in [(a, b), (b, a)] {
            let list = &mut self.adjacency[x];
            match list.iter_mut().find(|(n, _)| *n == y) {
                Some(entry) => entry.1 += weight,
                None => list.push((y, weight)),
            }
        }
    }

    /// Weighted degree: incident edge weights, a self-loop counted twice.
    fn degrees(&self) -> Vec<f64> {
        self.adjacency
            .iter()
            .zip(&self.self_loops)
            .map(|(list, s)| list.iter().map(|e| e.1).sum::<f64>() + 2.0 * s)
            .collect()
    }

    /// Collapses nodes by `assignment` (values below `count`).
    fn aggregate(&self, assignment: &[usize], count: usize) -> WeightedGraph {
        let mut out =
            WeightedGraph { adjacency: vec![Vec::new(); count], self_loops: vec![0.0; count], sizes: vec![0; count] };
        let mut pairs: Vec<(usize, usize, f64)> = Vec::new();
        for (v, list) in self.adjacency.iter().enumerate() {
            let a = assignment[v];
            out.sizes[a] += self.sizes[v];
            out.self_loops[a] += self.self_loops[v];
            for &(u, w) in list {
                let b = assignment[u];
                if a == b {
                    // Both directions of an inside edge are visited: half each.
                    out.self_loops[a] += w / 2.0;
                } else {
                    pairs.push((a, b, w));
                }
            }
        }
        pairs.sort_by_key(|&(a, b, _)| (a, b));
        for (a, b, w) in pairs {
            let list = &mut out.adjacency[a];
            match list.last_mut() {
                Some(last) if last.0 == b => last.1 += w,
                _ => list.push((b, w)),
            }
        }
        out
    }
}

/// What the communities must respect.
#[derive(Clone, Debug, Default)]
pub struct Constraints {
    /// Largest community, in machines (node sizes).
    pub max_size: Option<usize>,
    /// Per node, the nodes it may not share a community with (symmetric).
    pub apart: Vec<Vec<usize>>,
}

impl Constraints {
    fn aggregate(&self, assignment: &[usize], count: usize) -> Constraints {
        let mut apart = vec![Vec::new(); count];
        for (v, list) in self.apart.iter().enumerate() {
            if let Some(&a) = assignment.get(v) {
                apart[a].extend(list.iter().filter_map(|&u| assignment.get(u).copied()));
            }
        }
        for list in &mut apart {
            list.sort_unstable();
            list.dedup();
        }
        Constraints { max_size: self.max_size, apart }
    }
}

/// Parameters of a run.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LeidenParams {
    pub seed: u64,
    /// γ of modularity: above 1 gives more, smaller communities.
    pub resolution: f64,
    /// Randomness of the refinement (θ of the paper).
    pub theta: f64,
    /// Most repetitions of the whole algorithm from its own result.
    pub max_passes: usize,
}

impl Default for LeidenParams {
    fn default() -> Self {
        LeidenParams { seed: 1, resolution: 1.0, theta: 0.01, max_passes: 4 }
    }
}

/// splitmix64: small, fast and the same on every platform.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn shuffled(&mut self, n: usize) -> Vec<usize> {
        let mut order: Vec<usize> = (0..n).collect();
        for i in (1..n).rev() {
            let j = (self.next() % (i as u64 + 1)) as usize;
            order.swap(i, j);
        }
        order
    }
}

/// Renumbers community labels to 0..k in order of first appearance; returns k.
fn renumber(labels: &mut [usize]) -> usize {
    let mut map: Vec<usize> = vec![usize::MAX; labels.len().max(labels.iter().copied().max().map_or(0, |m| m + 1))];
    let mut next = 0;
    for label in labels.iter_mut() {
        if map[*label] == usize::MAX {
            map[*label] = next;
            next += 1;
        }
        *label = map[*label];
    }
    next
}

/// Modularity of `membership` on `graph` with resolution γ.
pub fn modularity(graph: &WeightedGraph, membership: &[usize], resolution: f64) -> f64 {
    let degrees = graph.degrees();
    let two_m: f64 = degrees.iter().sum();
    if two_m <= 0.0 || membership.len() != graph.len() {
        return 0.0;
    }
    let count = membership.iter().copied().max().map_or(0, |m| m + 1);
    let mut inside = vec![0.0; count];
    let mut total = vec![0.0; count];
    for (v, list) in graph.adjacency.iter().enumerate() {
        let c = membership[v];
        total[c] += degrees[v];
        inside[c] += 2.0 * graph.self_loops[v];
        inside[c] += list.iter().filter(|(u, _)| membership[*u] == c).map(|e| e.1).sum::<f64>();
    }
    inside.iter().zip(&total).map(|(i, t)| i - resolution * t * t / two_m).sum::<f64>() / two_m
}

/// Communities of `graph` (a label per node, numbered 0.. in order of first appearance),
/// starting from `initial` when given (it must respect the constraints).
pub fn leiden(
    graph: &WeightedGraph,
    constraints: &Constraints,
    params: &LeidenParams,
    initial: Option<&[usize]>,
) -> Vec<usize> {
    let n = graph.len();
    let mut rng = Rng(params.seed ^ 0x1E1D_E4A1_5EED_0001);
    let mut best: Vec<usize> = match initial {
        Some(labels) if labels.len() == n => labels.to_vec(),
        _ => (0..n).collect(),
    };
    renumber(&mut best);
    let mut best_quality = modularity(graph, &best, params.resolution);
    for pass in 0..params.max_passes.max(1) {
        let candidate = one_run(graph, constraints, params, &best, &mut rng);
        let quality = modularity(graph, &candidate, params.resolution);
        let improved = quality > best_quality + 1e-12;
        if improved || pass == 0 {
            best = candidate;
            best_quality = quality.max(best_quality);
        }
        if !improved {
            break;
        }
    }
    best
}

/// One run of the algorithm (all levels) from a starting partition.
fn one_run(
    graph: &WeightedGraph,
    constraints: &Constraints,
    params: &LeidenParams,
    start: &[usize],
    rng: &mut Rng,
) -> Vec<usize> {
    let n = graph.len();
    let degrees = graph.degrees();
    let two_m: f64 = degrees.iter().sum();
    if two_m <= 0.0 {
        return start.to_vec();
    }
    let mut level_graph = graph.clone();
    let mut level_constraints = Constraints { max_size: constraints.max_size, apart: padded(&constraints.apart, n) };
    // Node of the current level that each original node is in.
    let mut node_of: Vec<usize> = (0..n).collect();
    let mut partition = start.to_vec();
    // Levels shrink the graph, so this bound is never the reason to stop on sane input.
    for _level in 0..64 {
        let level_degrees = level_graph.degrees();
        move_nodes(&level_graph, &level_degrees, two_m, &level_constraints, params, &mut partition, rng);
        let communities = renumber(&mut partition);
        if communities == level_graph.len() {
            // Every node alone (or nothing moved from singletons): no level above this one.
            break;
        }
        let mut refined = refine(&level_graph, &level_degrees, two_m, params, &partition, rng);
        let mut parts = renumber(&mut refined);
        if parts == level_graph.len() {
            // Refinement merged nothing: aggregate the communities themselves.
            refined = partition.clone();
            parts = communities;
        }
        let mut next_partition = vec![0; parts];
        for (v, &r) in refined.iter().enumerate() {
            next_partition[r] = partition[v];
        }
        for node in &mut node_of {
            *node = refined[*node];
        }
        level_constraints = level_constraints.aggregate(&refined, parts);
        level_graph = level_graph.aggregate(&refined, parts);
        partition = next_partition;
    }
    let mut labels: Vec<usize> = node_of.iter().map(|&v| partition[v]).collect();
    renumber(&mut labels);
    labels
}

fn padded(apart: &[Vec<usize>], n: usize) -> Vec<Vec<usize>> {
    let mut out = apart.to_vec();
    out.resize(n, Vec::new());
    out.truncate(n);
    out
}

/// Phase 1: fast local moving.
fn move_nodes(
    graph: &WeightedGraph,
    degrees: &[f64],
    two_m: f64,
    constraints: &Constraints,
    params: &LeidenParams,
    partition: &mut [usize],
    rng: &mut Rng,
) {
    let n = graph.len();
    let gamma = params.resolution;
    let mut community_degree = vec![0.0; n];
    let mut community_size = vec![0usize; n];
    for v in 0..n {
        community_degree[partition[v]] += degrees[v];
        community_size[partition[v]] += graph.sizes[v];
    }
    let mut empty: Vec<usize> = (0..n).filter(|&c| community_size[c] == 0 && community_degree[c] == 0.0).collect();
    empty.reverse();
    let mut queue: std::collections::VecDeque<usize> = rng.shuffled(n).into();
    let mut queued = vec![true; n];
    let mut weight_to = vec![0.0; n];
    let mut touched: Vec<usize> = Vec::new();
    while let Some(v) = queue.pop_front() {
        queued[v] = false;
        let current = partition[v];
        let (k, size) = (degrees[v], graph.sizes[v]);
        for &(u, w) in &graph.adjacency[v] {
            let c = partition[u];
            if weight_to[c] == 0.0 {
                touched.push(c);
            }
            weight_to[c] += w;
        }
        community_degree[current] -= k;
        community_size[current] -= size;
        let allowed = |c: usize, partition: &[usize], community_size: &[usize]| -> bool {
            if c == current {
                return true;
            }
            if constraints.max_size.is_some_and(|max| community_size[c] + size > max) {
                return false;
            }
            constraints.apart.get(v).is_none_or(|list| list.iter().all(|&u| partition[u] != c))
        };
        let gain = |c: usize, weight: f64| weight - gamma * k * community_degree[c] / two_m;
        let mut best = current;
        let mut best_gain = gain(current, weight_to[current]);
        touched.sort_unstable();
        for &c in &touched {
            if c == current || !allowed(c, partition, &community_size) {
                continue;
            }
            let g = gain(c, weight_to[c]);
            // A margin against rounding, so two equal choices never swap back and forth.
            if g > best_gain + 1e-12 * two_m {
                best = c;
                best_gain = g;
            }
        }
        // Alone in a new community: gain 0 (only better when the current one costs).
        if best_gain < 0.0
            && community_size[current] > 0
            && let Some(&fresh) = empty.last()
        {
            best = fresh;
        }
        for &c in &touched {
            weight_to[c] = 0.0;
        }
        touched.clear();
        community_degree[best] += k;
        community_size[best] += size;
        if best != current {
            if empty.last() == Some(&best) {
                empty.pop();
            }
            if community_size[current] == 0 {
                empty.push(current);
            }
            partition[v] = best;
            for &(u, _) in &graph.adjacency[v] {
                if !queued[u] && partition[u] != best {
                    queued[u] = true;
                    queue.push_back(u);
                }
            }
        }
    }
}

/// Phase 2: refinement of each community into well-connected sub-communities.
fn refine(
    graph: &WeightedGraph,
    degrees: &[f64],
    two_m: f64,
    params: &LeidenParams,
    partition: &[usize],
    rng: &mut Rng,
) -> Vec<usize> {
    let n = graph.len();
    let gamma = params.resolution;
    let count = partition.iter().copied().max().map_or(0, |m| m + 1);
    let mut community_degree = vec![0.0; count];
    for v in 0..n {
        community_degree[partition[v]] += degrees[v];
    }
    let mut refined: Vec<usize> = (0..n).collect();
    let mut refined_degree: Vec<f64> = degrees.to_vec();
    let mut singleton = vec![true; n];
    // Weight from each refined sub-community to the rest of its community.
    let mut outside: Vec<f64> = (0..n)
        .map(|v| graph.adjacency[v].iter().filter(|(u, _)| partition[*u] == partition[v]).map(|e| e.1).sum())
        .collect();
    let mut weight_to = vec![0.0; n];
    let mut touched: Vec<usize> = Vec::new();
    for v in rng.shuffled(n) {
        if !singleton[refined[v]] || refined[v] != v {
            continue;
        }
        let c = partition[v];
        let (k, total) = (degrees[v], community_degree[c]);
        let v_outside = outside[v];
        // Only a well-connected node leaves its singleton.
        if v_outside < gamma * k * (total - k) / two_m {
            continue;
        }
        for &(u, w) in &graph.adjacency[v] {
            if partition[u] != c {
                continue;
            }
            let r = refined[u];
            if weight_to[r] == 0.0 {
                touched.push(r);
            }
            weight_to[r] += w;
        }
        touched.sort_unstable();
        let own = refined[v];
        refined_degree[own] -= k;
        // Candidates: v's own (now empty) singleton, gain 0, and well-connected neighbours.
        let mut candidates: Vec<(usize, f64)> = vec![(own, 0.0)];
        for &r in &touched {
            if r == own {
                continue;
            }
            let kr = refined_degree[r];
            if outside[r] < gamma * kr * (total - kr) / two_m {
                continue;
            }
            let gain = weight_to[r] - gamma * k * kr / two_m;
            if gain >= 0.0 {
                candidates.push((r, gain));
            }
        }
        // Pr ∝ exp(ΔQ/θ), ΔQ in modularity units (gain / m), shifted by the largest for range.
        let m = two_m / 2.0;
        let top = candidates.iter().map(|c| c.1).fold(f64::NEG_INFINITY, f64::max);
        let weights: Vec<f64> =
            candidates.iter().map(|&(_, g)| ((g - top) / m / params.theta.max(1e-12)).exp()).collect();
        let sum: f64 = weights.iter().sum();
        let mut pick = rng.unit() * sum;
        let mut chosen = candidates.last().map_or(own, |c| c.0);
        for (&(r, _), &w) in candidates.iter().zip(&weights) {
            if pick < w {
                chosen = r;
                break;
            }
            pick -= w;
        }
        refined_degree[chosen] += k;
        if chosen != own {
            let w_vr = weight_to[chosen];
            outside[chosen] += v_outside - 2.0 * w_vr;
            singleton[chosen] = false;
            refined[v] = chosen;
        }
        for &r in &touched {
            weight_to[r] = 0.0;
        }
        touched.clear();
    }
    refined
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `k` cliques of `size` nodes, each joined to the next by one light edge.
    fn ring_of_cliques(k: usize, size: usize) -> WeightedGraph {
        let mut g = WeightedGraph::new(k * size);
        for c in 0..k {
            for i in 0..size {
                for j in i + 1..size {
                    g.add_edge(c * size + i, c * size + j, 1.0);
                }
            }
            g.add_edge(c * size, ((c + 1) % k) * size + 1, 1.0);
        }
        g
    }

    #[test]
    fn ring_of_cliques_gives_one_community_per_clique() {
        let g = ring_of_cliques(8, 5);
        let labels = leiden(&g, &Constraints::default(), &LeidenParams::default(), None);
        for c in 0..8 {
            let first = labels[c * 5];
            assert!((0..5).all(|i| labels[c * 5 + i] == first), "clique {c} split: {labels:?}");
        }
        let distinct: std::collections::BTreeSet<usize> = labels.iter().copied().collect();
        assert_eq!(distinct.len(), 8);
        // The known optimum of this graph.
        let q = modularity(&g, &labels, 1.0);
        assert!(q > 0.7, "modularity {q}");
    }

    #[test]
    fn aggregation_keeps_total_weight() {
        let g = ring_of_cliques(3, 4);
        let assignment: Vec<usize> = (0..12).map(|v| v / 4).collect();
        let a = g.aggregate(&assignment, 3);
        let before: f64 = g.degrees().iter().sum();
        let after: f64 = a.degrees().iter().sum();
        assert!((before - after).abs() < 1e-9);
        assert_eq!(a.sizes, vec![4, 4, 4]);
        assert!((a.self_loops[0] - 6.0).abs() < 1e-9, "six edges inside a 4-clique");
    }

    #[test]
    fn max_size_and_apart_are_respected() {
        let g = ring_of_cliques(2, 6);
        let constraints = Constraints { max_size: Some(3), apart: vec![vec![]; 12] };
        let labels = leiden(&g, &constraints, &LeidenParams::default(), None);
        let mut sizes = std::collections::BTreeMap::<usize, usize>::new();
        for &l in &labels {
            *sizes.entry(l).or_default() += 1;
        }
        assert!(sizes.values().all(|&s| s <= 3), "{sizes:?}");
        let mut apart = vec![vec![]; 12];
        apart[0].push(1);
        apart[1].push(0);
        let labels = leiden(&g, &Constraints { max_size: None, apart }, &LeidenParams::default(), None);
        assert_ne!(labels[0], labels[1]);
    }

    #[test]
    fn an_empty_graph_and_isolated_nodes_stay_alone() {
        assert!(leiden(&WeightedGraph::new(0), &Constraints::default(), &LeidenParams::default(), None).is_empty());
        let labels = leiden(&WeightedGraph::new(3), &Constraints::default(), &LeidenParams::default(), None);
        assert_eq!(labels, vec![0, 1, 2]);
    }
}
