//! How many threads loading, map building and trends use, and the pools that run them.
//!
//! One setting for the process ([`set_threads`], from `--threads N` or the app's setting;
//! 0 means every core), and an explicit count for callers that need their own (a test
//! comparing 1, 2 and 8 threads in one process). A count of 1 runs everything on the
//! calling thread, exactly the serial code; more runs on a rayon pool of that many threads,
//! built once per count and kept for the life of the process.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// The process-wide thread count; 0 stands for every core.
static THREADS: AtomicUsize = AtomicUsize::new(0);

/// Pools built so far, by their thread count.
static POOLS: Mutex<Vec<(usize, Arc<rayon::ThreadPool>)>> = Mutex::new(Vec::new());

/// A thread count for one piece of work.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Threads(usize);

impl Threads {
    /// One thread: the serial code on the calling thread.
    pub const ONE: Threads = Threads(1);

    /// `n` threads; 0 means every core.
    pub fn new(n: usize) -> Self {
        Threads(if n == 0 { cores() } else { n })
    }

    /// The process-wide setting ([`set_threads`]).
    pub fn current() -> Self {
        Threads::new(THREADS.load(Ordering::Relaxed))
    }

    pub fn get(self) -> usize {
        self.0.max(1)
    }

    pub fn is_serial(self) -> bool {
        self.get() == 1
    }

    /// `work` on the rows `0..rows` cut into `parts` ranges, run in parallel (in turn when
    /// serial); the results come back in row order, so merging them in that order gives what
    /// one pass over all the rows would.
    pub fn map_ranges<T: Send>(
        self,
        rows: usize,
        parts: usize,
        work: impl Fn(std::ops::Range<usize>) -> T + Sync,
    ) -> Vec<T> {
        use rayon::prelude::*;
        let parts = parts.clamp(1, rows.max(1));
        let step = rows.div_ceil(parts);
        let ranges = (0..parts).map(|i| (i * step).min(rows)..((i + 1) * step).min(rows));
        if parts == 1 || self.is_serial() {
            return ranges.map(work).collect();
        }
        let ranges: Vec<std::ops::Range<usize>> = ranges.collect();
        self.install(|| ranges.into_par_iter().map(&work).collect())
    }

    /// [`Threads::map_ranges`] with one range per thread, none of fewer than `min_rows` rows
    /// (a small table is scanned in one go).
    pub fn scan_rows<T: Send>(
        self,
        rows: usize,
        min_rows: usize,
        work: impl Fn(std::ops::Range<usize>) -> T + Sync,
    ) -> Vec<T> {
        self.map_ranges(rows, self.parts_for(rows, min_rows), work)
    }

    /// How many ranges of at least `min_rows` rows to cut `rows` into: one per thread.
    pub fn parts_for(self, rows: usize, min_rows: usize) -> usize {
        self.get().min(rows / min_rows.max(1)).max(1)
    }

    /// The pool of this many threads; `None` when serial (or when the system refused threads).
    pub fn pool(self) -> Option<Arc<rayon::ThreadPool>> {
        if self.is_serial() { None } else { pool(self.get()) }
    }

    /// Runs `work` with this many threads: on the calling thread when serial, else inside a
    /// pool of that size (rayon's `par_iter`, `join` and `scope` in `work` use it).
    pub fn install<R: Send>(self, work: impl FnOnce() -> R + Send) -> R {
        if self.is_serial() {
            return work();
        }
        match pool(self.get()) {
            Some(pool) => pool.install(work),
            // The system refused threads: the work still gets done, on this one.
            None => work(),
        }
    }
}

impl Default for Threads {
    fn default() -> Self {
        Threads::current()
    }
}

/// Sets the thread count of the process (`--threads N`, the app's setting); 0 is every core.
pub fn set_threads(n: usize) {
    THREADS.store(n, Ordering::Relaxed);
}

/// The cores the system offers this process.
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
}

/// The pool of `n` threads, built on first use.
fn pool(n: usize) -> Option<Arc<rayon::ThreadPool>> {
    let mut pools = POOLS.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some((_, pool)) = pools.iter().find(|(size, _)| *size == n) {
        return Some(Arc::clone(pool));
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(n)
        .thread_name(|i| format!("vmi-work-{i}"))
        .build()
        .ok()
        .map(Arc::new)?;
    pools.push((n, Arc::clone(&pool)));
    Some(pool)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn work_runs_on_as_many_threads_as_asked() {
        assert_eq!(Threads::ONE.install(rayon::current_num_threads), rayon::current_num_threads());
        assert_eq!(Threads::new(3).install(rayon::current_num_threads), 3);
        assert_eq!(Threads::new(0).get(), cores());
        let sums: Vec<u64> = Threads::new(2).install(|| {
            use rayon::prelude::*;
            (0..100u64).into_par_iter().map(|i| i * 2).collect()
        });
        assert_eq!(sums.iter().sum::<u64>(), 9900);
    }

    #[test]
    fn ranges_cover_every_row_once_and_come_back_in_order() {
        for threads in [Threads::ONE, Threads::new(2), Threads::new(8)] {
            for (rows, parts) in [(0, 4), (5, 8), (1000, 3), (1001, 7), (10, 1)] {
                let ranges = threads.map_ranges(rows, parts, |range| range);
                let rows_seen: Vec<usize> = ranges.iter().flat_map(Clone::clone).collect();
                assert_eq!(rows_seen, (0..rows).collect::<Vec<_>>(), "{rows} rows in {parts} parts");
                assert!(ranges.len() <= parts.max(1));
            }
        }
        assert_eq!(Threads::new(4).parts_for(1000, 300), 3);
        assert_eq!(Threads::new(4).parts_for(10, 300), 1);
        assert_eq!(Threads::new(2).parts_for(1_000_000, 300), 2);
    }
}
