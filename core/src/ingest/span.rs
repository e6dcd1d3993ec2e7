//! Where a value's bytes are: a slice of the read window, or, when they had to be unescaped
//! (`""` in CSV, `\"` in JSON), a slice of a scratch buffer beside it. Four bytes per end keep
//! a row's spans small; windows are limited to [`MAX_OFFSET`] bytes.

use super::cell::Value;

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

    /// A plain JSON integer ([`Kind::Int`]) has no bytes to point at: its span holds the value.
    pub fn int(value: i64) -> Span {
        Span { start: (value >> 32) as u32, end: value as u32 }
    }

    pub fn int_value(self) -> i64 {
        (i64::from(self.start) << 32) | i64::from(self.end)
    }

    /// The window offset a text or number value starts at (`None` for unescaped copies in
    /// the scratch buffer): where a warning about the value points.
    pub fn window_start(self, kind: Kind) -> Option<usize> {
        let in_window = self.start & IN_SCRATCH == 0;
        match kind {
            // A string's span starts past its opening quote.
            Kind::Text if in_window => Some((self.start as usize).saturating_sub(1)),
            Kind::Number if in_window => Some(self.start as usize),
            _ => None,
        }
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

/// What a value's bytes hold (CSV fields are all text; JSON says which).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Text,
    Number,
    /// A number written as plain digits (see [`Value::Int`]), parsed while it was scanned.
    Int,
    True,
    False,
    Null,
    /// A nested array or object, as compact JSON text.
    Json,
}

/// One value of a row as a splitter found it: the header column it belongs to, its kind and
/// where its bytes are.
#[derive(Clone, Copy, Debug)]
pub struct RawValue {
    pub column: u32,
    pub kind: Kind,
    pub span: Span,
}

impl RawValue {
    /// Null or empty text: null whatever the column, so there is nothing to type (a third
    /// of a connection row's fields).
    #[inline(always)]
    pub fn is_null(self) -> bool {
        match self.kind {
            Kind::Null => true,
            Kind::Text => self.span.end == self.span.start & !IN_SCRATCH,
            _ => false,
        }
    }
}

/// A row's values and the bytes they point into, lent by a splitter to the row sink: rows
/// go from the read window to the columns with no copy in between.
#[derive(Clone, Copy)]
pub struct RawRow<'a> {
    /// The values: in column order for positional rows (CSV, REST), in key order for
    /// records. A REST row leaves its nulls out.
    pub values: &'a [RawValue],
    /// How many values the row had, those left out included.
    pub width: usize,
    pub window: &'a [u8],
    pub scratch: &'a [u8],
}

impl<'a> RawRow<'a> {
    #[inline]
    pub fn bytes(&self, raw: RawValue) -> &'a [u8] {
        raw.span.bytes(self.window, self.scratch)
    }

    // Inlined: called once per value of every row.
    #[inline(always)]
    pub fn value(&self, raw: RawValue) -> Value<'a> {
        match raw.kind {
            Kind::Text => Value::Text(self.bytes(raw)),
            Kind::Number => Value::Number(self.bytes(raw)),
            Kind::Int => Value::Int(raw.span.int_value()),
            Kind::True => Value::Bool(true),
            Kind::False => Value::Bool(false),
            Kind::Null => Value::Null,
            Kind::Json => Value::Json(self.bytes(raw)),
        }
    }
}

/// Byte equality for the short texts of a row (names, ids, times): whole-word compares,
/// where a call to `memcmp` would cost more than the comparison at these lengths.
#[inline]
pub fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    let word =
        |s: &[u8], at: usize| s.get(at..at + 8).and_then(|w| w.first_chunk::<8>()).map(|w| u64::from_le_bytes(*w));
    if n < 8 {
        let half =
            |s: &[u8], at: usize| s.get(at..at + 4).and_then(|w| w.first_chunk::<4>()).map(|w| u32::from_le_bytes(*w));
        if n >= 4 {
            return half(a, 0) == half(b, 0) && half(a, n - 4) == half(b, n - 4);
        }
        return a.iter().zip(b).all(|(x, y)| x == y);
    }
    // 8-byte words from the start, then the last 8 bytes (overlapping the previous word).
    let mut at = 0;
    while at + 8 < n {
        if word(a, at) != word(b, at) {
            return false;
        }
        at += 8;
    }
    word(a, n - 8) == word(b, n - 8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_bytes_agrees_with_slice_equality_at_every_length() {
        let text: Vec<u8> = (0..40u8).collect();
        for n in 0..40 {
            let a = &text[..n];
            assert!(same_bytes(a, a), "{n}");
            for at in 0..n {
                let mut b = a.to_vec();
                b[at] ^= 0x20;
                assert!(!same_bytes(a, &b), "{n} bytes differing at {at}");
            }
            assert!(!same_bytes(a, &text[..n + 1]));
        }
    }
}
