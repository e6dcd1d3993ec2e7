//! The adjusted Rand index (L. Hubert, P. Arabie, "Comparing partitions", Journal of
//! Classification 2, 193–218, 1985): agreement of two partitions of the same items, 1 when
//! they are the same, about 0 for a random one. Used to check groups against known
//! applications.

use std::collections::BTreeMap;
use std::hash::Hash;

/// ARI of two labelings of the same items (`a[i]` and `b[i]` label item i). 1 when both put
/// every item alone or all together alike; 0 for fewer than two items.
pub fn adjusted_rand_index<A: Ord + Hash + Clone, B: Ord + Hash + Clone>(a: &[A], b: &[B]) -> f64 {
    let n = a.len().min(b.len());
    if n < 2 {
        return 0.0;
    }
    let pairs = |k: u64| k.saturating_mul(k.saturating_sub(1)) as f64 / 2.0;
    let mut table: BTreeMap<(A, B), u64> = BTreeMap::new();
    let mut rows: BTreeMap<A, u64> = BTreeMap::new();
    let mut cols: BTreeMap<B, u64> = BTreeMap::new();
    for i in 0..n {
        *table.entry((a[i].clone(), b[i].clone())).or_default() += 1;
        *rows.entry(a[i].clone()).or_default() += 1;
        *cols.entry(b[i].clone()).or_default() += 1;
    }
    let index: f64 = table.values().map(|&k| pairs(k)).sum();
    let sum_rows: f64 = rows.values().map(|&k| pairs(k)).sum();
    let sum_cols: f64 = cols.values().map(|&k| pairs(k)).sum();
    let expected = sum_rows * sum_cols / pairs(n as u64);
    let max = (sum_rows + sum_cols) / 2.0;
    if (max - expected).abs() < f64::EPSILON {
        return 1.0;
    }
    (index - expected) / (max - expected)
}

#[cfg(test)]
mod tests {
    use super::adjusted_rand_index;

    #[test]
    fn same_partition_under_other_names_is_one() {
        assert!((adjusted_rand_index(&[0, 0, 1, 1, 2], &["x", "x", "y", "y", "z"]) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn hand_computed_value() {
        // Contingency [[2,1],[0,2]]: index 1+1=2, rows 3+1=4, cols 1+3=4, n=5 (10 pairs):
        // expected 1.6, max 4, ARI = (2-1.6)/(4-1.6) = 1/6.
        let ari = adjusted_rand_index(&[0, 0, 0, 1, 1], &[0, 0, 1, 1, 1]);
        assert!((ari - 1.0 / 6.0).abs() < 1e-12, "{ari}");
    }
}
