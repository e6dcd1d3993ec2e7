//! Progress reports to the caller (bytes done of total, rows) and its answer: go on or cancel.

/// How far a load has come.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    pub bytes_done: u64,
    pub bytes_total: u64,
    pub rows: u64,
}

/// Calls the caller's progress callback now and then; the callback returns `false` to cancel.
pub struct Control<'a> {
    on_progress: &'a mut dyn FnMut(Progress) -> bool,
    bytes_total: u64,
    next_report_bytes: u64,
}

/// Report about every this many bytes: often enough for a smooth bar, rare enough to cost nothing.
const REPORT_EVERY_BYTES: u64 = 1 << 20;

/// The load was cancelled by the callback.
#[derive(Debug)]
pub struct Cancelled;

impl<'a> Control<'a> {
    pub fn new(bytes_total: u64, on_progress: &'a mut dyn FnMut(Progress) -> bool) -> Self {
        Control { on_progress, bytes_total, next_report_bytes: 0 }
    }

    /// Reports when enough bytes went by since the last report.
    pub fn tick(&mut self, bytes_done: u64, rows: u64) -> Result<(), Cancelled> {
        if bytes_done < self.next_report_bytes {
            return Ok(());
        }
        self.next_report_bytes = bytes_done + REPORT_EVERY_BYTES;
        self.report(bytes_done, rows)
    }

    pub fn bytes_total(&self) -> u64 {
        self.bytes_total
    }

    pub fn report(&mut self, bytes_done: u64, rows: u64) -> Result<(), Cancelled> {
        let progress = Progress { bytes_done, bytes_total: self.bytes_total.max(bytes_done), rows };
        if (self.on_progress)(progress) { Ok(()) } else { Err(Cancelled) }
    }
}
