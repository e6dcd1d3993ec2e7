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

/// A row's values and the bytes they point into, lent by a splitter to the row sink: rows
/// go from the read window to the columns with no copy in between.
#[derive(Clone, Copy)]
pub struct RawRow<'a> {
    pub values: &'a [RawValue],
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
            Kind::True => Value::Bool(true),
            Kind::False => Value::Bool(false),
            Kind::Null => Value::Null,
            Kind::Json => Value::Json(self.bytes(raw)),
        }
    }
}
