//! One strong 64-bit mixer, for every place that needs well-spread bits from a plain
//! integer: dedup hashes of rows, deterministic directions in the layout.

/// SplitMix64's output function.
pub(crate) fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}
