//! Streaming over a JSON file of any size: a growable window of the file, from which one
//! value at a time is parsed: rows and records by the hand-written scanner of [`json_row`],
//! the rest (keys, column lists, values to skip) with serde's typed deserialisation.
//! Structure around the values (`{"tables":[{...,"rows":[`) is walked byte by byte. Memory
//! holds the window, never the whole file.

use super::error::{LoadError, LoadErrorKind};
use super::json_row::{self, RowValues, Scan};
use super::window::MAX_RECORD_BYTES;
use serde::de;
use std::io::Read;

use super::window::CHUNK_BYTES;

/// The outcome of trying to parse a value at the start of the window.
pub enum Parsed<T> {
    /// The value and how many bytes it took.
    Done(T, usize),
    /// The window ends inside the value: read more and try again.
    NeedMore,
    /// Invalid JSON at this byte offset of the window.
    Bad(usize, String),
}

/// Parses one `T` from the start of `bytes` with serde.
pub fn parse_one<'a, T: de::Deserialize<'a>>(bytes: &'a [u8]) -> Parsed<T> {
    let mut values = serde_json::Deserializer::from_slice(bytes).into_iter::<T>();
    match values.next() {
        Some(Ok(value)) => Parsed::Done(value, values.byte_offset()),
        Some(Err(e)) if e.is_eof() => Parsed::NeedMore,
        Some(Err(e)) => Parsed::Bad(offset_of(bytes, e.line(), e.column()), json_row::strip_position(&e)),
        None => Parsed::NeedMore,
    }
}

/// The byte offset of a 1-based line and column of `bytes`.
fn offset_of(bytes: &[u8], line: usize, column: usize) -> usize {
    let line_start =
        if line <= 1 { 0 } else { memchr::memchr_iter(b'\n', bytes).nth(line - 2).map_or(bytes.len(), |i| i + 1) };
    (line_start + column.saturating_sub(1)).min(bytes.len())
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

impl JsonScan<std::io::Empty> {
    /// A scanner over a chunk of a file already in memory (see [`JsonScan::resume`]): it
    /// reads the chunk where it lies, with no copy into a window of its own.
    pub fn over(bytes: Vec<u8>, source: &str, offset: u64, line: u64, line_start: u64) -> Self {
        let end = bytes.len();
        JsonScan { offset, line, line_start, ..JsonScan::with_window(std::io::empty(), source, bytes, end, true) }
    }

    /// Takes back the bytes a scanner made by [`JsonScan::over`] read from: a chunk that ran
    /// into its end is parsed again joined with the next.
    pub fn into_bytes(self) -> Vec<u8> {
        self.buf
    }
}

impl<R: Read> JsonScan<R> {
    pub fn new(reader: R, source: &str) -> Self {
        JsonScan::with_window(reader, source, vec![0; CHUNK_BYTES], 0, false)
    }

    /// A scanner whose window is `buf`, holding `end` bytes read (all of the input when
    /// `eof`), then `reader`; at the start of the file.
    fn with_window(reader: R, source: &str, buf: Vec<u8>, end: usize, eof: bool) -> Self {
        JsonScan { reader, source: source.to_string(), buf, start: 0, end, eof, offset: 0, line: 1, line_start: 0 }
    }

    /// A scanner over a later chunk of a file: it starts at file offset `offset`, on line
    /// `line`, which starts at offset `line_start` (columns count from there).
    pub fn resume(reader: R, source: &str, offset: u64, line: u64, line_start: u64) -> Self {
        JsonScan { offset, line, line_start, ..JsonScan::new(reader, source) }
    }

    /// Hands the rest of the input over to another reader (see [`JsonScan::continue_with`]):
    /// the bytes read and not consumed, and the reader of the others.
    pub fn hand_over(&mut self) -> (Vec<u8>, &mut R) {
        let unread = self.buf[self.start..self.end].to_vec();
        self.start = self.end;
        (unread, &mut self.reader)
    }

    /// Goes on with `bytes`, the whole rest of the input, which start at file offset
    /// `offset` on line `line` (starting at `line_start`): what another reader left over.
    pub fn continue_with(&mut self, bytes: Vec<u8>, offset: u64, line: u64, line_start: u64) {
        self.end = bytes.len();
        self.buf = bytes;
        self.start = 0;
        self.eof = true;
        (self.offset, self.line, self.line_start) = (offset, line, line_start);
    }

    /// The line and where it starts, as [`JsonScan::position`] gives them, with the offset.
    pub fn place(&self) -> (u64, u64, u64) {
        (self.offset, self.line, self.line_start)
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
            match window.first() {
                Some(&b) if !json_row::is_space(b) => return Ok(Some(b)),
                _ => {}
            }
            let spaces = window.iter().take_while(|&&b| json_row::is_space(b)).count();
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
                Parsed::Bad(at, message) => {
                    let (line, column) = self.position_at(at);
                    let message = format!("invalid JSON: {message}");
                    return Err(LoadError::new(&self.source, LoadErrorKind::Malformed, message).at(line, column));
                }
            }
        }
    }

    /// 1-based line and character column of the window byte `at` bytes after the next one.
    fn position_at(&self, at: usize) -> (u64, u64) {
        let before = &self.buf[self.start..(self.start + at).min(self.end)];
        match memchr::memrchr(b'\n', before) {
            None => (self.line, self.offset - self.line_start + before.len() as u64 + 1),
            Some(last) => {
                let lines = memchr::memchr_iter(b'\n', before).count() as u64;
                (self.line + lines, (before.len() - last) as u64)
            }
        }
    }

    /// Parses an owned value (a key, a column list) at the current position.
    pub fn owned<T: de::DeserializeOwned>(&mut self) -> Result<T, LoadError> {
        self.value(|bytes| parse_one::<T>(bytes))
    }

    /// Scans one row with `scan` ([`json_row::array`] for a REST row, [`json_row::object`]
    /// for a record) into `row`, and hands it, with the bytes it was scanned from, to
    /// `use_row` while they are in the window. A row that is not valid JSON, or holds a NUL
    /// byte, is a row error: `Ok(Some(..))` says where and why, nothing is consumed, and the
    /// caller skips it ([`JsonScan::skip_to_record_line`], [`JsonScan::skip_value`]).
    pub fn row(
        &mut self,
        scan: fn(&[u8], &mut RowValues) -> Scan,
        row: &mut RowValues,
        mut use_row: impl FnMut(&mut RowValues, &[u8]),
    ) -> Result<Option<RowError>, LoadError> {
        if self.peek()?.is_none() {
            return Err(self.truncated());
        }
        loop {
            // A row is looked for in at most MAX_RECORD_BYTES, however much is in memory
            // (a whole chunk, or a window that grew for something else), so a record that
            // long is skipped wherever it lies and on any number of threads.
            let bytes = &self.buf[self.start..self.end.min(self.start.saturating_add(MAX_RECORD_BYTES))];
            match scan(bytes, row) {
                Scan::Done(used) => {
                    if let Some(at) = memchr::memchr(0, &bytes[..used]) {
                        return Ok(Some(self.row_error(at, "a NUL byte (binary data)".to_string())));
                    }
                    use_row(row, bytes);
                    self.advance(used);
                    return Ok(None);
                }
                Scan::NeedMore => {
                    // Memory stays bounded: a record this long is skipped (the callers skip
                    // it by streaming through it), not held whole.
                    if self.end - self.start >= MAX_RECORD_BYTES {
                        let message = format!("the record is longer than {} MB", MAX_RECORD_BYTES >> 20);
                        return Ok(Some(self.row_error(0, message)));
                    }
                    if !self.fill()? {
                        return Ok(Some(RowError { cut_short: true, ..self.row_error(0, String::new()) }));
                    }
                }
                Scan::Bad(at, message) => return Ok(Some(self.row_error(at, format!("invalid JSON: {message}")))),
            }
        }
    }

    fn row_error(&self, at: usize, message: String) -> RowError {
        let (line, column) = self.position_at(at);
        RowError { line, column, message, cut_short: false }
    }

    /// After a bad JSON Lines record: skips the rest of the line it starts on, then every
    /// line that does not start with `{`, reading the file through the window without
    /// growing it. False at the end of the file.
    pub fn skip_to_record_line(&mut self) -> Result<bool, LoadError> {
        let mut at_line_start = false;
        loop {
            if self.start == self.end && !self.fill()? {
                return Ok(false);
            }
            let window = &self.buf[self.start..self.end];
            if at_line_start && window.first() == Some(&b'{') {
                return Ok(true);
            }
            match memchr::memchr(b'\n', window) {
                Some(i) => {
                    self.advance(i + 1);
                    at_line_start = true;
                }
                None => {
                    let n = window.len();
                    self.advance(n);
                    at_line_start = false;
                }
            }
        }
    }
    /// After a bad row: skips the one JSON value at the scan position, reading through the
    /// window without growing it: an array or object to its matching close, a string to its
    /// closing quote, anything else (a number, `null`, garbage) up to the `,`, `]` or `}`
    /// after it. False when the file ends first.
    pub fn skip_value(&mut self) -> Result<bool, LoadError> {
        let Some(first) = self.peek()? else { return Ok(false) };
        let scalar = !matches!(first, b'[' | b'{');
        let (mut depth, mut in_string, mut escaped) = (0u64, false, false);
        loop {
            if self.start == self.end && !self.fill()? {
                // A bare token may end with the file; anything else was cut short.
                return Ok(scalar && depth == 0 && !in_string);
            }
            let window = &self.buf[self.start..self.end];
            let mut done = None;
            for (i, &b) in window.iter().enumerate() {
                if in_string {
                    match (escaped, b) {
                        (true, _) => escaped = false,
                        (false, b'\\') => escaped = true,
                        (false, b'"') => {
                            in_string = false;
                            if depth == 0 {
                                done = Some(i + 1);
                                break;
                            }
                        }
                        _ => {}
                    }
                    continue;
                }
                match b {
                    b'"' => in_string = true,
                    b'[' | b'{' => depth += 1,
                    // A scalar ends before the close of what holds it.
                    b']' | b'}' if depth == 0 => {
                        done = Some(i);
                        break;
                    }
                    b']' | b'}' => {
                        depth -= 1;
                        if depth == 0 {
                            done = Some(i + 1);
                            break;
                        }
                    }
                    b',' if depth == 0 => {
                        done = Some(i);
                        break;
                    }
                    _ => {}
                }
            }
            let n = done.unwrap_or(window.len());
            self.advance(n);
            if done.is_some() {
                return Ok(true);
            }
        }
    }
}

/// A row that could not be read: where (the bad byte's own line and column) and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowError {
    pub line: u64,
    pub column: u64,
    pub message: String,
    /// The file ends inside the row.
    pub cut_short: bool,
}
