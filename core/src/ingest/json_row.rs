//! One row of a JSON export, scanned by hand: a REST row `[v, ...]` or a record object
//! `{"key": v, ...}`. Strings and numbers stay slices of the read window (a string is copied
//! only when it holds escapes), so a row costs one pass over its bytes and no allocation.
//! Nested arrays and objects (`dynamic` values not encoded as strings) are rare: serde_json
//! turns them into compact text.

use super::cell::{leading_digits, split_sign};
use super::span::{Kind, MAX_OFFSET, RawRow, RawValue, Span};

/// What scanning a row at the start of a byte slice found.
#[derive(Debug, PartialEq)]
pub enum Scan {
    /// The row took this many bytes.
    Done(usize),
    /// The slice ends inside the row: read more and scan again.
    NeedMore,
    /// Not valid JSON at this byte offset.
    Bad(usize, String),
}

/// The keys (objects only) and values of the last row scanned. Values are numbered by
/// position; a record's loader renumbers them by key ([`RowValues::set_column`]).
#[derive(Default)]
pub struct RowValues {
    /// Values in the row, those left out (a REST row's nulls) included.
    width: u32,
    keys: Vec<Span>,
    values: Vec<RawValue>,
    scratch: Vec<u8>,
}

impl RowValues {
    pub fn len(&self) -> usize {
        self.values.len()
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The row, with `slice` the bytes it was scanned from.
    pub fn raw<'a>(&'a self, slice: &'a [u8]) -> RawRow<'a> {
        RawRow { values: &self.values, width: self.width as usize, window: slice, scratch: &self.scratch }
    }

    /// Key `i` of a record object, unescaped.
    pub fn key<'a>(&'a self, i: usize, slice: &'a [u8]) -> &'a [u8] {
        self.keys.get(i).map_or(b"", |&span| span.bytes(slice, &self.scratch))
    }

    /// Makes value `i` one of header column `column`.
    pub fn set_column(&mut self, i: usize, column: usize) {
        if let Some(value) = self.values.get_mut(i) {
            value.column = column as u32;
        }
    }

    fn clear(&mut self) {
        self.width = 0;
        self.keys.clear();
        self.values.clear();
        self.scratch.clear();
    }
}

/// Scans `[v, v, ...]` at the start of `bytes`.
pub fn array(bytes: &[u8], row: &mut RowValues) -> Scan {
    row.clear();
    scan_row(bytes, row, false)
}

/// Scans `{"key": v, ...}` at the start of `bytes`.
pub fn object(bytes: &[u8], row: &mut RowValues) -> Scan {
    row.clear();
    scan_row(bytes, row, true)
}

fn scan_row(bytes: &[u8], row: &mut RowValues, object: bool) -> Scan {
    // Offsets beyond this do not fit a span: the window never grows past it for a real row.
    let bytes = &bytes[..bytes.len().min(MAX_OFFSET - 1)];
    let mut cursor = Cursor { bytes, pos: 0, message: String::new() };
    match cursor.row(row, object) {
        Ok(()) => Scan::Done(cursor.pos),
        Err(Stop::NeedMore) => Scan::NeedMore,
        Err(Stop::Bad(at)) => Scan::Bad(at, cursor.message),
    }
}

/// Why scanning stopped; small, so results pass in registers (the message waits in the
/// cursor).
#[derive(Clone, Copy)]
enum Stop {
    NeedMore,
    Bad(usize),
}

struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
    message: String,
}

impl Cursor<'_> {
    fn bad<T>(&mut self, message: impl Into<String>) -> Result<T, Stop> {
        self.bad_at(self.pos, message)
    }

    fn bad_at<T>(&mut self, at: usize, message: impl Into<String>) -> Result<T, Stop> {
        self.message = message.into();
        Err(Stop::Bad(at))
    }

    /// The next byte after white space, not consumed.
    #[inline(always)]
    fn peek(&mut self) -> Result<u8, Stop> {
        // Exports rarely put white space between values: one test for the common case.
        match self.bytes.get(self.pos) {
            Some(&b) if !is_space(b) => Ok(b),
            _ => self.skip_space(),
        }
    }

    #[inline(never)]
    fn skip_space(&mut self) -> Result<u8, Stop> {
        while let Some(&b) = self.bytes.get(self.pos) {
            if !is_space(b) {
                return Ok(b);
            }
            self.pos += 1;
        }
        Err(Stop::NeedMore)
    }

    /// True, past it, when a whole `null` is next (the commonest value of a REST row).
    #[inline(always)]
    fn skip_null(&mut self) -> bool {
        let null = self.bytes.get(self.pos..self.pos + 4).is_some_and(|w| w == b"null");
        if null {
            self.pos += 4;
        }
        null
    }

    fn found(&self, b: u8, what: &str) -> String {
        format!("expected {what} but found {:?}", char::from(b))
    }

    fn row(&mut self, row: &mut RowValues, object: bool) -> Result<(), Stop> {
        let (open, close) = if object { (b'{', b'}') } else { (b'[', b']') };
        let b = self.peek()?;
        if b != open {
            let what = if object { "a record ('{')" } else { "a row ('[')" };
            return self.bad(self.found(b, what));
        }
        self.pos += 1;
        if self.peek()? == close {
            self.pos += 1;
            return Ok(());
        }
        loop {
            let column = row.width;
            row.width += 1;
            if object {
                let b = self.peek()?;
                if b != b'"' {
                    return self.bad(self.found(b, "a key (a string)"));
                }
                let key = self.string(&mut row.scratch)?;
                row.keys.push(key);
                let b = self.peek()?;
                if b != b':' {
                    return self.bad(self.found(b, "':'"));
                }
                self.pos += 1;
            }
            // A row's values are numbered by position, so its nulls can be left out: the
            // store gives null to every column a row has no value for. A record keeps its
            // nulls, whose keys still name columns.
            let left_out = !object && self.peek()? == b'n' && self.skip_null();
            if !left_out {
                let (kind, span) = self.value(&mut row.scratch)?;
                row.values.push(RawValue { column, kind, span });
            }
            match self.peek()? {
                b',' => self.pos += 1,
                b if b == close => {
                    self.pos += 1;
                    return Ok(());
                }
                b => return self.bad(self.found(b, if object { "',' or '}'" } else { "',' or ']'" })),
            }
        }
    }

    #[inline(always)]
    fn value(&mut self, scratch: &mut Vec<u8>) -> Result<(Kind, Span), Stop> {
        match self.peek()? {
            b'"' => Ok((Kind::Text, self.string(scratch)?)),
            b'-' | b'0'..=b'9' => {
                if let Some(plain) = self.plain_int()? {
                    return Ok(plain);
                }
                let start = self.pos;
                let run = self.bytes[start..]
                    .iter()
                    .position(|b| !matches!(b, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E'))
                    .ok_or(Stop::NeedMore)?;
                self.pos += run;
                Ok((Kind::Number, Span::window(start, self.pos)))
            }
            b't' => self.literal(b"true", Kind::True),
            b'f' => self.literal(b"false", Kind::False),
            b'n' => self.literal(b"null", Kind::Null),
            b'[' | b'{' => Ok((Kind::Json, self.nested(scratch)?)),
            b => self.bad(self.found(b, "a value")),
        }
    }

    /// A number at `pos` written as plain digits (`5000`, `-12`; no leading zero, no fraction
    /// or exponent, at most 18 digits), parsed as it is scanned: the metrics of a row. `None`
    /// leaves any other number, unconsumed, to be kept as written.
    #[inline(always)]
    fn plain_int(&mut self) -> Result<Option<(Kind, Span)>, Stop> {
        let (negative, number) = split_sign(&self.bytes[self.pos..]);
        let first = self.pos + usize::from(negative);
        let (value, digits) = leading_digits(number);
        let at = first + digits;
        let next = *self.bytes.get(at).ok_or(Stop::NeedMore)?;
        let plain = (1..=18).contains(&digits)
            && (digits == 1 || self.bytes[first] != b'0')
            && !(negative && value == 0)
            && !matches!(next, b'.' | b'e' | b'E' | b'+' | b'-');
        if !plain {
            return Ok(None);
        }
        self.pos = at;
        let value = if negative { -(value as i64) } else { value as i64 };
        Ok(Some((Kind::Int, Span::int(value))))
    }

    fn literal(&mut self, word: &[u8], kind: Kind) -> Result<(Kind, Span), Stop> {
        let rest = &self.bytes[self.pos..];
        // The common case, whole: one word compare.
        if rest.len() >= word.len() && super::span::same_bytes(&rest[..word.len()], word) {
            self.pos += word.len();
            return Ok((kind, Span::default()));
        }
        let n = rest.len().min(word.len());
        if rest[..n] != word[..n] {
            return self.bad("invalid literal (expected true, false or null)");
        }
        if n < word.len() {
            return Err(Stop::NeedMore);
        }
        self.pos += word.len();
        Ok((kind, Span::default()))
    }

    /// A string whose opening quote is at `pos`; escapes are unescaped into `scratch`.
    #[inline(always)]
    fn string(&mut self, scratch: &mut Vec<u8>) -> Result<Span, Stop> {
        let start = self.pos + 1;
        let rest = &self.bytes[start..];
        let i = quote_or_backslash(rest).ok_or(Stop::NeedMore)?;
        if rest[i] == b'"' {
            self.pos = start + i + 1;
            return Ok(Span::window(start, start + i));
        }
        let from = scratch.len();
        let mut at = start;
        loop {
            let rest = &self.bytes[at..];
            let i = quote_or_backslash(rest).ok_or(Stop::NeedMore)?;
            scratch.extend_from_slice(&rest[..i]);
            at += i;
            if self.bytes[at] == b'"' {
                self.pos = at + 1;
                return Ok(Span::scratch(from, scratch.len()));
            }
            at += self.escape(at, scratch)?;
        }
    }

    /// Unescapes the escape at `at` (a backslash) onto `out`; returns its length.
    fn escape(&mut self, at: usize, out: &mut Vec<u8>) -> Result<usize, Stop> {
        let Some(&b) = self.bytes.get(at + 1) else {
            return Err(Stop::NeedMore);
        };
        let simple = match b {
            b'"' => b'"',
            b'\\' => b'\\',
            b'/' => b'/',
            b'b' => 0x08,
            b'f' => 0x0c,
            b'n' => b'\n',
            b'r' => b'\r',
            b't' => b'\t',
            b'u' => {
                let unit = |cursor: &mut Self, from: usize| -> Result<u32, Stop> {
                    let hex = cursor.bytes.get(from..from + 4).ok_or(Stop::NeedMore)?;
                    match std::str::from_utf8(hex).ok().and_then(|t| u32::from_str_radix(t, 16).ok()) {
                        Some(unit) => Ok(unit),
                        None => cursor.bad_at(at, "invalid \\u escape"),
                    }
                };
                let first = unit(self, at + 2)?;
                let (code, len) = if (0xD800..0xDC00).contains(&first)
                    && self.bytes.get(at + 6..at + 8).ok_or(Stop::NeedMore)? == b"\\u"
                {
                    let second = unit(self, at + 8)?;
                    if !(0xDC00..0xE000).contains(&second) {
                        return self.bad_at(at, "invalid \\u escape: a lone surrogate");
                    }
                    (0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00), 12)
                } else {
                    (first, 6)
                };
                // A lone surrogate is no character: the row is skipped, not loaded altered.
                let Some(c) = char::from_u32(code) else {
                    return self.bad_at(at, "invalid \\u escape: a lone surrogate");
                };
                out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
                return Ok(len);
            }
            _ => return self.bad_at(at, "invalid escape in a string"),
        };
        out.push(simple);
        Ok(2)
    }

    /// A nested array or object, kept as compact JSON text.
    fn nested(&mut self, scratch: &mut Vec<u8>) -> Result<Span, Stop> {
        let start = self.pos;
        let mut depth = 0usize;
        let mut at = start;
        loop {
            let rest = &self.bytes[at..];
            let i = rest.iter().position(|b| matches!(b, b'"' | b'[' | b'{' | b']' | b'}')).ok_or(Stop::NeedMore)?;
            at += i;
            match self.bytes[at] {
                b'"' => {
                    // Skip the string, escapes included.
                    let mut end = at + 1;
                    loop {
                        let i = quote_or_backslash(&self.bytes[end..]).ok_or(Stop::NeedMore)?;
                        end += i;
                        if self.bytes[end] == b'"' {
                            break;
                        }
                        end += 2;
                        if end > self.bytes.len() {
                            return Err(Stop::NeedMore);
                        }
                    }
                    at = end + 1;
                    continue;
                }
                b'[' | b'{' => depth += 1,
                _ => depth -= 1,
            }
            at += 1;
            if depth == 0 {
                break;
            }
        }
        let raw = &self.bytes[start..at];
        let value: serde_json::Value = match serde_json::from_slice(raw) {
            Ok(value) => value,
            Err(e) => return self.bad_at(start, strip_position(&e)),
        };
        let from = scratch.len();
        // Writing a Value to a Vec cannot fail.
        let _ = serde_json::to_writer(&mut *scratch, &value);
        self.pos = at;
        Ok(Span::scratch(from, scratch.len()))
    }
}

/// JSON's white space.
pub(super) fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\n' | b'\r' | b'\t')
}

/// The first `"` or `\\` in `bytes`, 16 bytes at a time: strings in exports are short, so
/// this beats a general search's setup.
fn quote_or_backslash(bytes: &[u8]) -> Option<usize> {
    use wide::u8x16;
    let (quote, backslash) = (u8x16::splat(b'"'), u8x16::splat(b'\\'));
    let mut chunks = bytes.chunks_exact(16);
    let mut at = 0;
    for chunk in &mut chunks {
        let mut lane = [0u8; 16];
        lane.copy_from_slice(chunk);
        let v = u8x16::new(lane);
        let hits = (v.simd_eq(quote) | v.simd_eq(backslash)).to_bitmask();
        if hits != 0 {
            return Some(at + hits.trailing_zeros() as usize);
        }
        at += 16;
    }
    chunks.remainder().iter().position(|&b| b == b'"' || b == b'\\').map(|i| at + i)
}

/// serde_json appends " at line L column C", relative to its input: we report our own.
pub fn strip_position(error: &serde_json::Error) -> String {
    let message = error.to_string();
    message.find(" at line ").map_or(message.clone(), |i| message[..i].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::cell::Value;

    /// Each value of a REST row as (column, value), and the row's width.
    fn values(text: &str) -> (Vec<(u32, String)>, usize) {
        let mut row = RowValues::default();
        let bytes = text.as_bytes();
        assert_eq!(array(bytes, &mut row), Scan::Done(bytes.len()), "{text}");
        let raw = row.raw(bytes);
        (raw.values.iter().map(|&v| (v.column, format!("{:?}", raw.value(v)))).collect(), raw.width)
    }

    #[test]
    fn values_of_every_kind_and_nulls_left_out() {
        let (got, width) =
            values(r#"[ "a\"b\u00e9\ud83d\ude00", -12.5e3, true, false, null, [ "x", {"k" : 1} ], "" , null ]"#);
        assert_eq!(width, 8);
        let text = |v: Value| format!("{v:?}");
        assert_eq!(got[0], (0, text(Value::Text("a\"b\u{e9}\u{1F600}".as_bytes()))));
        assert_eq!(got[1], (1, text(Value::Number(b"-12.5e3"))));
        assert_eq!(got[2..4], [(2, "Bool(true)".to_string()), (3, "Bool(false)".to_string())]);
        // The null of column 4 is left out; the values after it keep their columns.
        assert_eq!(got[4], (5, text(Value::Json(br#"["x",{"k":1}]"#))));
        assert_eq!(got[5], (6, text(Value::Text(b""))));
        assert_eq!(got.len(), 6);
    }

    #[test]
    fn plain_integers_are_parsed_while_scanned_and_other_numbers_kept_as_written() {
        let (got, _) = values("[5000,-12,0,05,-0,1.5,1e3,123456789012345678,1234567890123456789, 7 ]");
        let kinds: Vec<String> = got.into_iter().map(|(_, v)| v).collect();
        let number = |text: &[u8]| format!("{:?}", Value::Number(text));
        let int = |v: i64| format!("{:?}", Value::Int(v));
        assert_eq!(
            kinds,
            [
                int(5000),
                int(-12),
                int(0),
                number(b"05"),
                number(b"-0"),
                number(b"1.5"),
                number(b"1e3"),
                int(123_456_789_012_345_678),
                number(b"1234567890123456789"),
                int(7)
            ]
        );
    }

    #[test]
    fn record_nulls_are_kept_with_their_keys() {
        let text = br#"{"a":null,"b":1}"#;
        let mut row = RowValues::default();
        assert_eq!(object(text, &mut row), Scan::Done(text.len()));
        let raw = row.raw(text);
        assert_eq!((raw.values.len(), row.key(0, text)), (2, &b"a"[..]));
        assert_eq!(raw.value(raw.values[0]), Value::Null);
    }

    #[test]
    fn object_keys_and_values() {
        let text = br#"{"TimeGenerated": "2026-10-05T00:00:00Z", "Ports" :[1,2], "Esc\nKey":1}"#;
        let mut row = RowValues::default();
        assert_eq!(object(text, &mut row), Scan::Done(text.len()));
        assert_eq!(row.key(0, text), b"TimeGenerated");
        assert_eq!(row.key(2, text), b"Esc\nKey");
        let raw = row.raw(text);
        assert_eq!(raw.value(raw.values[1]), Value::Json(b"[1,2]"));
    }

    #[test]
    fn every_cut_of_a_row_needs_more_and_bad_bytes_are_placed() {
        let text = br#"["a\"b", 12, true, null, {"x":["]"]}, "\u00e9"]"#;
        let mut row = RowValues::default();
        for cut in 0..text.len() {
            assert_eq!(array(&text[..cut], &mut row), Scan::NeedMore, "cut at {cut}");
        }
        assert!(matches!(array(b"[1, x]", &mut row), Scan::Bad(4, _)));
        assert!(matches!(array(b"[1 2]", &mut row), Scan::Bad(3, _)));
        assert!(matches!(array(b"[nul]", &mut row), Scan::Bad(1, _)));
        assert!(matches!(array(br#"["\q"]"#, &mut row), Scan::Bad(2, _)));
        assert!(matches!(object(br#"{"a" 1}"#, &mut row), Scan::Bad(5, _)));
        assert!(matches!(object(br#"{1: 2}"#, &mut row), Scan::Bad(1, _)));
    }
}
