//! Streaming over a JSON file of any size: a growable window of the file, from which one
//! value at a time (a row, a record, a column list) is parsed with serde's typed, borrowing
//! deserialisation. Structure around the values (`{"tables":[{...,"rows":[`) is walked byte
//! by byte. Memory holds the window, never the whole file.

use super::cell::Raw;
use super::error::{LoadError, LoadErrorKind};
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::fmt;
use std::io::Read;

use super::window::CHUNK_BYTES;

/// The outcome of trying to parse a value at the start of the window.
pub enum Parsed<T> {
    /// The value and how many bytes it took.
    Done(T, usize),
    /// The window ends inside the value: read more and try again.
    NeedMore,
    Bad(serde_json::Error),
}

/// Parses one `T` from the start of `bytes` (a row array, a record object, ...).
pub fn parse_one<'a, T: Deserialize<'a>>(bytes: &'a [u8]) -> Parsed<T> {
    let mut values = serde_json::Deserializer::from_slice(bytes).into_iter::<T>();
    match values.next() {
        Some(Ok(value)) => Parsed::Done(value, values.byte_offset()),
        Some(Err(e)) if e.is_eof() => Parsed::NeedMore,
        Some(Err(e)) => Parsed::Bad(e),
        None => Parsed::NeedMore,
    }
}

pub struct JsonScan<R> {
    reader: R,
    source: String,
    buf: Vec<u8>,
    start: usize,
    end: usize,
    eof: bool,
    /// File offset of `buf[start]`.
    offset: u64,
    /// Line number (1-based) at `buf[start]`, and the file offset where that line starts.
    line: u64,
    line_start: u64,
}

impl<R: Read> JsonScan<R> {
    pub fn new(reader: R, source: &str) -> Self {
        JsonScan {
            reader,
            source: source.to_string(),
            buf: vec![0; CHUNK_BYTES],
            start: 0,
            end: 0,
            eof: false,
            offset: 0,
            line: 1,
            line_start: 0,
        }
    }

    /// Bytes of the file consumed so far.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// 1-based line and character column of the next byte.
    pub fn position(&self) -> (u64, u64) {
        (self.line, self.offset - self.line_start + 1)
    }

    pub fn error(&self, kind: LoadErrorKind, message: impl Into<String>) -> LoadError {
        let (line, column) = self.position();
        LoadError::new(&self.source, kind, message).at(line, column)
    }

    /// Reads more of the file into the window; false at the end of the file.
    fn fill(&mut self) -> Result<bool, LoadError> {
        super::window::refill(&mut self.reader, &mut self.buf, &mut self.start, &mut self.end, &mut self.eof)
            .map_err(|e| self.error(LoadErrorKind::Io, format!("cannot read the file: {e}")))
    }

    fn advance(&mut self, n: usize) {
        let consumed = &self.buf[self.start..self.start + n];
        for newline in memchr::memchr_iter(b'\n', consumed) {
            self.line += 1;
            self.line_start = self.offset + newline as u64 + 1;
        }
        self.start += n;
        self.offset += n as u64;
    }

    /// Skips whitespace; the next byte without consuming it, `None` at the end of the file.
    pub fn peek(&mut self) -> Result<Option<u8>, LoadError> {
        loop {
            let window = &self.buf[self.start..self.end];
            let spaces = window.iter().take_while(|b| b.is_ascii_whitespace()).count();
            self.advance(spaces);
            if self.start < self.end {
                return Ok(Some(self.buf[self.start]));
            }
            if !self.fill()? {
                return Ok(None);
            }
        }
    }

    /// Consumes `byte` (after whitespace) or fails naming what was expected.
    pub fn expect(&mut self, byte: u8, what: &str) -> Result<(), LoadError> {
        match self.peek()? {
            Some(b) if b == byte => {
                self.advance(1);
                Ok(())
            }
            Some(b) => {
                Err(self.error(LoadErrorKind::Malformed, format!("expected {what} but found {:?}", char::from(b))))
            }
            None => Err(self.truncated()),
        }
    }

    /// After an element of an array: true when another follows (`,`), false at `]`.
    pub fn next_element(&mut self) -> Result<bool, LoadError> {
        match self.peek()? {
            Some(b',') => {
                self.advance(1);
                Ok(true)
            }
            Some(b']') => {
                self.advance(1);
                Ok(false)
            }
            Some(b) => {
                Err(self.error(LoadErrorKind::Malformed, format!("expected ',' or ']' but found {:?}", char::from(b))))
            }
            None => Err(self.truncated()),
        }
    }

    pub fn truncated(&self) -> LoadError {
        self.error(LoadErrorKind::Malformed, "the file ends in the middle of the JSON (truncated?)")
    }

    /// Parses the value at the current position with `parse` (see [`parse_one`]), reading
    /// more of the file as long as the value is incomplete.
    pub fn value<T>(&mut self, mut parse: impl FnMut(&[u8]) -> Parsed<T>) -> Result<T, LoadError> {
        if self.peek()?.is_none() {
            return Err(self.truncated());
        }
        loop {
            match parse(&self.buf[self.start..self.end]) {
                Parsed::Done(value, used) => {
                    self.advance(used);
                    return Ok(value);
                }
                Parsed::NeedMore => {
                    if !self.fill()? {
                        return Err(self.truncated());
                    }
                }
                Parsed::Bad(e) => {
                    // serde's line/column count from the start of the window.
                    let line = self.line + e.line() as u64 - 1;
                    let column = if e.line() <= 1 {
                        self.offset - self.line_start + e.column() as u64
                    } else {
                        e.column() as u64
                    };
                    let message = format!("invalid JSON: {}", strip_position(&e.to_string()));
                    return Err(LoadError::new(&self.source, LoadErrorKind::Malformed, message).at(line, column));
                }
            }
        }
    }

    /// Parses an owned value (a key, a column list) at the current position.
    pub fn owned<T: de::DeserializeOwned>(&mut self) -> Result<T, LoadError> {
        self.value(|bytes| parse_one::<T>(bytes))
    }

    /// Parses one REST row and hands it to `use_row` while its bytes are in the window.
    pub fn array_row(&mut self, mut use_row: impl FnMut(ArrayRow<'_>)) -> Result<(), LoadError> {
        self.value(|bytes| match parse_one::<ArrayRow<'_>>(bytes) {
            Parsed::Done(row, used) => {
                use_row(row);
                Parsed::Done((), used)
            }
            Parsed::NeedMore => Parsed::NeedMore,
            Parsed::Bad(e) => Parsed::Bad(e),
        })
    }

    /// Parses one record object and hands it to `use_row` while its bytes are in the window.
    pub fn object_row(&mut self, mut use_row: impl FnMut(ObjectRow<'_>)) -> Result<(), LoadError> {
        self.value(|bytes| match parse_one::<ObjectRow<'_>>(bytes) {
            Parsed::Done(row, used) => {
                use_row(row);
                Parsed::Done((), used)
            }
            Parsed::NeedMore => Parsed::NeedMore,
            Parsed::Bad(e) => Parsed::Bad(e),
        })
    }
}

/// serde_json appends " at line L column C", relative to our window: we report our own.
fn strip_position(message: &str) -> &str {
    message.find(" at line ").map_or(message, |i| &message[..i])
}

impl<'de> Deserialize<'de> for Raw<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(RawVisitor)
    }
}

struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
    type Value = Raw<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Raw::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Raw::Int(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(i64::try_from(v).map_or(Raw::Real(v as f64), Raw::Int))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Raw::Real(v))
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Raw::Text(Cow::Borrowed(v)))
    }

    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Raw::Text(Cow::Owned(v.to_string())))
    }

    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(Raw::Text(Cow::Owned(v)))
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Raw::Null)
    }

    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(Raw::Null)
    }

    // Nested arrays and objects are `dynamic` values: kept as compact JSON text.
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        let value = serde_json::Value::deserialize(de::value::SeqAccessDeserializer::new(seq))?;
        Ok(Raw::Json(value.to_string()))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        let value = serde_json::Value::deserialize(de::value::MapAccessDeserializer::new(map))?;
        Ok(Raw::Json(value.to_string()))
    }
}

/// One REST row: `[v1, v2, ...]`.
pub struct ArrayRow<'a>(pub Vec<Raw<'a>>);

impl<'de> Deserialize<'de> for ArrayRow<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct RowVisitor;
        impl<'de> Visitor<'de> for RowVisitor {
            type Value = ArrayRow<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a row (an array of values)")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut values = Vec::with_capacity(seq.size_hint().unwrap_or(48));
                while let Some(value) = seq.next_element::<Raw<'de>>()? {
                    values.push(value);
                }
                Ok(ArrayRow(values))
            }
        }
        deserializer.deserialize_seq(RowVisitor)
    }
}

/// One record object, keys in file order: `{"TimeGenerated": ..., "Computer": ...}`.
pub struct ObjectRow<'a> {
    pub keys: Vec<Cow<'a, str>>,
    pub values: Vec<Raw<'a>>,
}

struct Key<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a column name")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Owned(v.to_string())))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

impl<'de> Deserialize<'de> for ObjectRow<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ObjectVisitor;
        impl<'de> Visitor<'de> for ObjectVisitor {
            type Value = ObjectRow<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a record (a JSON object)")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut row = ObjectRow { keys: Vec::with_capacity(48), values: Vec::with_capacity(48) };
                while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
                    row.keys.push(key);
                    row.values.push(map.next_value::<Raw<'de>>()?);
                }
                Ok(row)
            }
        }
        deserializer.deserialize_map(ObjectVisitor)
    }
}
