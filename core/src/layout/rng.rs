//! The layout's own seeded pseudo-random numbers (SplitMix64).
//!
//! Every random choice of the layout (initial positions, jitter, coarsening
//! order, sampled node pairs) comes from here, so a seed fixes the result bit
//! for bit on every platform and run.

use crate::mix::mix64;
use std::f64::consts::TAU;

/// SplitMix64 generator (Steele, Lea, Flood 2014): tiny state, good mixing.
#[derive(Clone, Debug)]
pub(crate) struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    pub(crate) fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix64(self.state)
    }

    /// Uniform in `[0, 1)` with 53 bits of precision.
    pub(crate) fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform integer in `0..bound` (`bound` > 0), by multiply-high.
    pub(crate) fn below(&mut self, bound: usize) -> usize {
        ((u128::from(self.next_u64()) * bound as u128) >> 64) as usize
    }

    /// Uniform point in a disc of `radius` around the origin.
    pub(crate) fn in_disc(&mut self, radius: f64) -> [f64; 2] {
        let r = radius * self.next_f64().sqrt();
        let angle = TAU * self.next_f64();
        [r * angle.cos(), r * angle.sin()]
    }

    /// Unit vector with a uniform direction.
    pub(crate) fn unit(&mut self) -> [f64; 2] {
        let angle = TAU * self.next_f64();
        [angle.cos(), angle.sin()]
    }
}

/// A deterministic unit direction for the pair `(a, b)`, used to separate
/// nodes that sit exactly on top of each other.
pub(crate) fn pair_direction(a: u32, b: u32) -> [f64; 2] {
    let h = mix64((u64::from(a) << 32) | u64::from(b));
    let angle = TAU * ((h >> 11) as f64 * (1.0 / (1u64 << 53) as f64));
    [angle.cos(), angle.sin()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_gives_same_stream_and_values_stay_in_range() {
        let mut a = SplitMix64::new(7);
        let mut b = SplitMix64::new(7);
        for _ in 0..1000 {
            let x = a.next_f64();
            assert_eq!(x.to_bits(), b.next_f64().to_bits());
            assert!((0.0..1.0).contains(&x));
            assert!(a.below(13) < 13);
            b.below(13);
        }
        assert_ne!(SplitMix64::new(1).next_u64(), SplitMix64::new(2).next_u64());
    }
}
