//! Where a value's bytes are: a slice of the read window, or, when they had to be unescaped
//! (`""` in CSV, `\"` in JSON), a slice of a scratch buffer beside it. Four bytes per end keep
//! a row's spans small; windows are limited to [`MAX_OFFSET`] bytes.

#[derive(Clone, Copy, Debug, Default)]
pub struct Span {
    /// The start offset, with [`IN_SCRATCH`] set for scratch spans.
    start: u32,
    end: u32,
}

const IN_SCRATCH: u32 = 1 << 31;

/// Offsets must stay below this (one record or value of 2 GB is refused).
pub const MAX_OFFSET: usize = IN_SCRATCH as usize;

impl Span {
    pub fn window(start: usize, end: usize) -> Span {
        Span { start: start as u32, end: end as u32 }
    }

    pub fn scratch(start: usize, end: usize) -> Span {
        Span { start: start as u32 | IN_SCRATCH, end: end as u32 }
    }

    pub fn bytes<'a>(self, window: &'a [u8], scratch: &'a [u8]) -> &'a [u8] {
        let (from, bytes) = if self.start & IN_SCRATCH != 0 {
            ((self.start & !IN_SCRATCH) as usize, scratch)
        } else {
            (self.start as usize, window)
        };
        bytes.get(from..self.end as usize).unwrap_or_default()
    }
}
