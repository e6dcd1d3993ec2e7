//! Layout quality figures, the same formula for our layout and for peers.

use super::LayoutInput;
use super::overlap::count_overlaps;
use super::rng::SplitMix64;

/// Random node pairs sampled for the mean pair distance.
const SAMPLED_PAIRS: usize = 20_000;

/// How readable a layout is.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Quality {
    /// Mean length of the edges (between distinct, in-range nodes).
    pub mean_edge_length: f64,
    /// Mean distance of seeded random node pairs.
    pub mean_pair_distance: f64,
    /// `mean_edge_length / mean_pair_distance`: lower means linked nodes are
    /// close compared with the size of the drawing (1 is random).
    pub edge_length_ratio: f64,
    /// Pairs of node discs that intersect (`distance < radius_a + radius_b`,
    /// relative tolerance 1e-6).
    pub overlapping_pairs: u64,
}

/// Quality of `positions` (index-aligned with `input.nodes`) for `input`;
/// `seed` picks the sampled pairs. Non-finite lengths count as missing.
pub fn quality(input: &LayoutInput, positions: &[[f32; 2]], seed: u64) -> Quality {
    let n = input.nodes.len().min(positions.len());
    let points: Vec<[f64; 2]> = positions[..n].iter().map(|p| [f64::from(p[0]), f64::from(p[1])]).collect();
    let distance = |a: usize, b: usize| (points[a][0] - points[b][0]).hypot(points[a][1] - points[b][1]);

    let (mut edge_sum, mut edge_count) = (0.0, 0usize);
    for edge in &input.edges {
        let (a, b) = (edge.source as usize, edge.target as usize);
        if a < n && b < n && a != b {
            let d = distance(a, b);
            if d.is_finite() {
                edge_sum += d;
                edge_count += 1;
            }
        }
    }

    let (mut pair_sum, mut pair_count) = (0.0, 0usize);
    if n >= 2 {
        let mut rng = SplitMix64::new(seed);
        let all_pairs = n * (n - 1) / 2;
        if all_pairs <= SAMPLED_PAIRS {
            for a in 0..n {
                for b in a + 1..n {
                    pair_sum += distance(a, b);
                    pair_count += 1;
                }
            }
        } else {
            while pair_count < SAMPLED_PAIRS {
                let a = rng.below(n);
                let b = rng.below(n);
                if a != b {
                    let d = distance(a, b);
                    if d.is_finite() {
                        pair_sum += d;
                    }
                    pair_count += 1;
                }
            }
        }
    }
    let mean_edge_length = if edge_count > 0 { edge_sum / edge_count as f64 } else { 0.0 };
    let mean_pair_distance = if pair_count > 0 { pair_sum / pair_count as f64 } else { 0.0 };
    let edge_length_ratio = if mean_pair_distance > 0.0 { mean_edge_length / mean_pair_distance } else { 0.0 };
    let radius: Vec<f64> = input.nodes[..n].iter().map(|node| f64::from(node.radius.max(0.0))).collect();
    Quality {
        mean_edge_length,
        mean_pair_distance,
        edge_length_ratio,
        overlapping_pairs: count_overlaps(&points, &radius),
    }
}

#[cfg(test)]
mod tests {
    use super::super::{LayoutEdge, LayoutNode};
    use super::*;

    #[test]
    fn figures_match_a_hand_computed_layout() {
        let nodes = (0..3).map(|key| LayoutNode { key, radius: 1.0, parent: None }).collect();
        let edges = vec![LayoutEdge { source: 0, target: 1, bytes: 10.0 }];
        let input = LayoutInput { nodes, edges };
        // 0 and 1 overlap (distance 1.5 < 2); 2 is far.
        let q = quality(&input, &[[0.0, 0.0], [1.5, 0.0], [0.0, 6.0]], 1);
        assert!((q.mean_edge_length - 1.5).abs() < 1e-9);
        let pairs = (1.5 + 6.0 + 1.5f64.hypot(6.0)) / 3.0;
        assert!((q.mean_pair_distance - pairs).abs() < 1e-9);
        assert!((q.edge_length_ratio - 1.5 / pairs).abs() < 1e-9);
        assert_eq!(q.overlapping_pairs, 1);
    }
}
