//! Shared helpers of the vmi-map benchmarks.
