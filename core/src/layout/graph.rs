//! The weighted graph one force simulation runs on (the top level of the map,
//! or one coarse level of it): masses, radii, pinned flags, unique undirected
//! edges and a CSR adjacency.

/// One undirected edge, stored once with `a < b`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct WeightedEdge {
    pub a: u32,
    pub b: u32,
    pub weight: f64,
}

/// Graph of one simulation level. All lengths are in internal units (the
/// typical node radius is 1).
#[derive(Clone, Debug, Default)]
pub(crate) struct LevelGraph {
    /// FA2 mass: degree + 1 on the top level, summed when coarsening.
    pub mass: Vec<f64>,
    /// Disc radius used for anti-collision and overlap removal.
    pub radius: Vec<f64>,
    /// Pinned nodes never move.
    pub pinned: Vec<bool>,
    /// Factor on each node's displacement: 1 for free nodes, low for nodes
    /// kept from a warm start, 0 for pinned nodes.
    pub mobility: Vec<f64>,
    /// Unique edges, sorted by `(a, b)`, self loops dropped.
    pub edges: Vec<WeightedEdge>,
    adjacency_start: Vec<u32>,
    adjacency: Vec<(u32, f64)>,
}

impl LevelGraph {
    /// Builds the graph of `node_count` nodes from possibly repeated edges:
    /// parallel edges are merged (weights summed) and self loops dropped.
    /// Mass is set to distinct-neighbour degree + 1; radius to 1; nothing pinned.
    pub(crate) fn from_edges(node_count: usize, mut raw: Vec<WeightedEdge>) -> Self {
        for edge in &mut raw {
            if edge.a > edge.b {
                std::mem::swap(&mut edge.a, &mut edge.b);
            }
        }
        raw.retain(|edge| edge.a != edge.b && (edge.b as usize) < node_count);
        raw.sort_by_key(|edge| (edge.a, edge.b));
        let mut edges: Vec<WeightedEdge> = Vec::with_capacity(raw.len());
        for edge in raw {
            match edges.last_mut() {
                Some(last) if last.a == edge.a && last.b == edge.b => last.weight += edge.weight,
                _ => edges.push(edge),
            }
        }
        let mut degree = vec![0u32; node_count];
        for edge in &edges {
            degree[edge.a as usize] += 1;
            degree[edge.b as usize] += 1;
        }
        let mut adjacency_start = Vec::with_capacity(node_count + 1);
        let mut running = 0u32;
        adjacency_start.push(0);
        for &d in &degree {
            running += d;
            adjacency_start.push(running);
        }
        let mut fill: Vec<u32> = adjacency_start[..node_count].to_vec();
        let mut adjacency = vec![(0u32, 0.0f64); running as usize];
        for edge in &edges {
            adjacency[fill[edge.a as usize] as usize] = (edge.b, edge.weight);
            fill[edge.a as usize] += 1;
            adjacency[fill[edge.b as usize] as usize] = (edge.a, edge.weight);
            fill[edge.b as usize] += 1;
        }
        Self {
            mass: degree.iter().map(|&d| f64::from(d) + 1.0).collect(),
            radius: vec![1.0; node_count],
            pinned: vec![false; node_count],
            mobility: vec![1.0; node_count],
            edges,
            adjacency_start,
            adjacency,
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.mass.len()
    }

    /// Neighbours of `node` with the merged edge weight, ascending by index.
    pub(crate) fn neighbours(&self, node: usize) -> &[(u32, f64)] {
        let start = self.adjacency_start[node] as usize;
        let end = self.adjacency_start[node + 1] as usize;
        &self.adjacency[start..end]
    }

    pub(crate) fn degree(&self, node: usize) -> usize {
        (self.adjacency_start[node + 1] - self.adjacency_start[node]) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parallel_edges_merge_and_self_loops_drop() {
        let raw = vec![
            WeightedEdge { a: 1, b: 0, weight: 1.0 },
            WeightedEdge { a: 0, b: 1, weight: 2.0 },
            WeightedEdge { a: 2, b: 2, weight: 5.0 },
            WeightedEdge { a: 2, b: 1, weight: 0.5 },
        ];
        let graph = LevelGraph::from_edges(3, raw);
        assert_eq!(graph.edges.len(), 2);
        assert_eq!(graph.edges[0], WeightedEdge { a: 0, b: 1, weight: 3.0 });
        assert_eq!(graph.neighbours(1), &[(0, 3.0), (2, 0.5)]);
        assert_eq!(graph.mass, vec![2.0, 3.0, 2.0]);
        assert_eq!(graph.degree(2), 1);
    }
}
