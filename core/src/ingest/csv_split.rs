//! A streaming RFC 4180 record splitter, faster than a general CSV reader because it does
//! only what the portal's exports need: `,` separators, `"` quoting with `""` escapes, CRLF,
//! LF or CR line ends, quoted fields spanning lines.
//!
//! Each read window is indexed 64 bytes at a time: SIMD compares give bit masks of quotes,
//! commas and newlines, a prefix XOR of the quote mask tells which bytes sit inside quotes,
//! and the remaining separators are walked bit by bit. Fields are handed out as slices of
//! the window; only quoted fields holding `""` are copied (unescaped).

use std::io::Read;

use wide::u8x16;

use super::span::{Kind, MAX_OFFSET, RawRow, RawValue, Span};
use super::window::{CHUNK_BYTES, MAX_RECORD_BYTES};

/// Bytes indexed at a time: their spans (16 bytes a field) fit in the core's cache.
const INDEX_BYTES: usize = 128 << 10;

/// One indexed record: where its spans end and the line it starts on.
#[derive(Clone, Copy, Debug)]
struct Mark {
    spans_end: usize,
    /// Fields in the record, the empty ones (which have no span) included.
    fields: u32,
    line: u64,
    /// Window offset just past the record.
    end: usize,
    /// Buffer offsets of the record's text.
    start: usize,
    stop: usize,
    /// The file ends inside a quoted field of this record.
    unclosed: bool,
}

/// One record's fields, borrowed from the splitter until the next call.
pub struct Record<'a> {
    /// The fields, as text values of columns 0, 1, ...
    pub row: RawRow<'a>,
    /// 1-based line the record starts on.
    pub line: u64,
    /// The record as written, quotes and line end included.
    pub text: &'a [u8],
    /// The file ends inside a quoted field of this record.
    pub unclosed_quote: bool,
}

impl<'a> Record<'a> {
    /// Fields in the record, empty ones included.
    pub fn len(&self) -> usize {
        self.row.width
    }

    pub fn is_empty(&self) -> bool {
        self.row.width == 0
    }

    /// Field `i`'s text (empty fields have no value: they are null whatever the column).
    pub fn field(&self, i: usize) -> &'a [u8] {
        let values = self.row.values;
        values.binary_search_by_key(&i, |v| v.column as usize).map_or(b"", |at| self.row.bytes(values[at]))
    }

    /// A record that is one empty line.
    pub fn is_blank(&self) -> bool {
        self.len() == 1 && self.field(0).is_empty()
    }
}

pub struct CsvSplitter<R> {
    reader: R,
    buf: Vec<u8>,
    /// `buf[start..end]` is read but not yet indexed.
    start: usize,
    end: usize,
    eof: bool,
    /// File offset of `buf[start]`, the line number there, and the offset handed out so far.
    unindexed_offset: u64,
    line: u64,
    consumed: u64,
    /// `\n`, or `\r` for files with classic Mac line ends (decided on the first line).
    newline: Option<u8>,
    spans: Vec<RawValue>,
    marks: Vec<Mark>,
    next_mark: usize,
    scratch: Vec<u8>,
    /// File offset where the indexed records begin.
    indexed_offset: u64,
    dropped: Option<(u64, u64)>,
    dropped_lines: u64,
}

/// Why a record could not be read.
pub enum SplitError {
    Io(std::io::Error),
    /// One record longer than the splitter can address.
    TooLong,
}

impl CsvSplitter<std::io::Empty> {
    /// A splitter over a chunk of a file already in memory (see [`CsvSplitter::resume`]):
    /// it reads the chunk where it lies, with no copy into a window of its own.
    pub fn over(bytes: Vec<u8>, line: u64, newline: u8) -> Self {
        let end = bytes.len();
        CsvSplitter { line, newline: Some(newline), ..CsvSplitter::with_window(std::io::empty(), bytes, end, true) }
    }
}

impl<R: Read> CsvSplitter<R> {
    pub fn new(reader: R) -> Self {
        CsvSplitter::with_window(reader, vec![0; CHUNK_BYTES], 0, false)
    }

    /// A splitter whose window is `buf`, holding `end` bytes read (all of the input when
    /// `eof`), then `reader`.
    fn with_window(reader: R, buf: Vec<u8>, end: usize, eof: bool) -> Self {
        CsvSplitter {
            reader,
            buf,
            start: 0,
            end,
            eof,
            unindexed_offset: 0,
            line: 1,
            consumed: 0,
            newline: None,
            spans: Vec::new(),
            marks: Vec::new(),
            next_mark: 0,
            scratch: Vec::new(),
            indexed_offset: 0,
            dropped: None,
            dropped_lines: 0,
        }
    }

    /// A splitter over a later chunk of a file: it starts on `line` with `newline` as the
    /// file's line end (decided on the file's first line), out of quotes.
    pub fn resume(reader: R, line: u64, newline: u8) -> Self {
        CsvSplitter { line, newline: Some(newline), ..CsvSplitter::new(reader) }
    }

    /// Takes back the bytes a splitter made by [`CsvSplitter::over`] read from, for reuse.
    pub fn into_bytes(self) -> Vec<u8> {
        self.buf
    }

    /// Bytes handed out as records so far.
    pub fn offset(&self) -> u64 {
        self.consumed
    }

    /// The next record; `None` at the end of the file.
    pub fn next_record(&mut self) -> Result<Option<Record<'_>>, SplitError> {
        while self.next_mark == self.marks.len() {
            self.marks.clear();
            self.spans.clear();
            self.scratch.clear();
            self.next_mark = 0;
            if self.start == self.end || !self.index() {
                if self.eof && self.start == self.end {
                    return Ok(None);
                }
                if self.end - self.start >= MAX_RECORD_BYTES {
                    self.drop_line();
                    continue;
                }
                super::window::refill(&mut self.reader, &mut self.buf, &mut self.start, &mut self.end, &mut self.eof)
                    .map_err(SplitError::Io)?;
                if self.end >= MAX_OFFSET {
                    return Err(SplitError::TooLong);
                }
            }
        }
        let mark = self.marks[self.next_mark];
        let spans_start = if self.next_mark == 0 { 0 } else { self.marks[self.next_mark - 1].spans_end };
        self.next_mark += 1;
        self.consumed = self.indexed_offset + mark.end as u64;
        let values = &self.spans[spans_start..mark.spans_end];
        let text = self.buf.get(mark.start..mark.stop).unwrap_or_default();
        Ok(Some(Record {
            row: RawRow { values, width: mark.fields as usize, window: &self.buf, scratch: &self.scratch },
            line: mark.line,
            text,
            unclosed_quote: mark.unclosed,
        }))
    }

    /// The window holds [`MAX_RECORD_BYTES`] and no whole record (a quote opened and never
    /// closed swallows the rest of the file): drops its first line, so indexing starts
    /// afresh, out of quotes, on the next. Memory stays bounded by the limit.
    fn drop_line(&mut self) {
        let window = &self.buf[self.start..self.end];
        let n = memchr::memchr(self.newline.unwrap_or(b'\n'), window).map_or(window.len(), |i| i + 1);
        let first = self.dropped.get_or_insert((self.line, 0));
        first.1 += n as u64;
        if n < window.len() || window.last() == Some(&self.newline.unwrap_or(b'\n')) {
            self.line += 1;
            self.dropped_lines += 1;
        }
        self.start += n;
        self.unindexed_offset += n as u64;
    }

    /// The line where bytes were first dropped for want of a record (see
    /// [`MAX_RECORD_BYTES`]) and how many bytes were dropped in all; once.
    pub fn take_dropped(&mut self) -> Option<(u64, u64)> {
        self.dropped.take()
    }

    /// Lines dropped in all.
    pub fn dropped_lines(&self) -> u64 {
        self.dropped_lines
    }

    /// Indexes the complete records of `buf[start..end]` (at the end of the file, what is
    /// left is the last record, however it ends), [`INDEX_BYTES`] at a time so the spans are
    /// still in cache when the records are typed. False when there was none.
    fn index(&mut self) -> bool {
        self.index_upto(INDEX_BYTES) || (self.end - self.start > INDEX_BYTES && self.index_upto(usize::MAX))
    }

    /// [`CsvSplitter::index`] of at most `limit` bytes from `start` (a record that runs past
    /// them waits for the next call).
    fn index_upto(&mut self, limit: usize) -> bool {
        let newline = *self.newline.get_or_insert_with(|| line_end(&self.buf[self.start..self.end], self.eof));
        let stop = self.end.min(self.start.saturating_add(limit));
        let at_eof = self.eof && stop == self.end;
        let window = &self.buf[self.start..stop];
        let base_offset = self.start;
        let mut field_start = 0;
        let mut record_start = 0;
        // Index of the next field in its record.
        let mut column = 0u32;
        let mut line = self.line;
        let mut newlines_before = 0u64;
        // Quotes before the block, and before the field: a field with none, or with just its
        // enclosing two, needs no unescaping.
        let (mut quotes_before, mut field_quotes_from) = (0u64, 0u64);
        // All ones while inside quotes at the end of the previous block.
        let mut in_quote = 0u64;
        let mut tail = [0u8; 64];
        for (number, chunk) in window.chunks(64).enumerate() {
            let base = number * 64;
            // Whole blocks are read where they are; the last, short one from a padded copy.
            let block: &[u8; 64] = match chunk.first_chunk::<64>() {
                Some(block) => block,
                None => {
                    tail[..chunk.len()].copy_from_slice(chunk);
                    &tail
                }
            };
            let (quotes, commas, newlines) = masks(block, newline);
            let inside = prefix_xor(quotes) ^ in_quote;
            in_quote = ((inside as i64) >> 63) as u64;
            let mut separators = (commas | newlines) & !inside;
            while separators != 0 {
                let bit = separators.trailing_zeros();
                let pos = base + bit as usize;
                let ends_record = newlines >> bit & 1 == 1;
                let mut field_end = pos;
                if ends_record && newline == b'\n' && field_end > field_start && window[field_end - 1] == b'\r' {
                    field_end -= 1;
                }
                let quotes_to_here = quotes_before + u64::from((quotes & ((1u64 << bit) - 1)).count_ones());
                let field = Field { start: field_start, end: field_end, quotes: quotes_to_here - field_quotes_from };
                // An empty field (a third of a connection row's) is null whatever its
                // column: it gets no span, so typing the row skips it without a look.
                if field.end > field.start {
                    let span = field_span(window, base_offset, field, &mut self.scratch);
                    self.spans.push(RawValue { column, kind: Kind::Text, span });
                }
                column += 1;
                field_quotes_from = quotes_to_here;
                field_start = pos + 1;
                if ends_record {
                    let start = base_offset + record_start;
                    self.marks.push(Mark {
                        spans_end: self.spans.len(),
                        fields: std::mem::take(&mut column),
                        line,
                        end: pos + 1,
                        start,
                        stop: base_offset + pos + 1,
                        unclosed: false,
                    });
                    let through = if bit == 63 { u64::MAX } else { (2u64 << bit) - 1 };
                    line = self.line + newlines_before + u64::from((newlines & through).count_ones());
                    record_start = pos + 1;
                }
                separators &= separators - 1;
            }
            newlines_before += u64::from(newlines.count_ones());
            quotes_before += u64::from(quotes.count_ones());
        }
        if at_eof && record_start < window.len() {
            let mut field_end = window.len();
            if newline == b'\n' && field_end > field_start && window[field_end - 1] == b'\r' {
                field_end -= 1;
            }
            let field = Field { start: field_start, end: field_end, quotes: quotes_before - field_quotes_from };
            if field.end > field.start {
                let span = field_span(window, base_offset, field, &mut self.scratch);
                self.spans.push(RawValue { column, kind: Kind::Text, span });
            }
            let start = base_offset + record_start;
            self.marks.push(Mark {
                spans_end: self.spans.len(),
                fields: column + 1,
                line,
                end: window.len(),
                start,
                stop: base_offset + window.len(),
                unclosed: in_quote != 0,
            });
            record_start = window.len();
        } else {
            // Fields of the record the window ends in are indexed again once it is complete.
            self.spans.truncate(self.marks.last().map_or(0, |m| m.spans_end));
        }
        self.indexed_offset = self.unindexed_offset;
        self.start += record_start;
        self.unindexed_offset += record_start as u64;
        self.line = line;
        !self.marks.is_empty()
    }
}

/// The line-end byte of a file: `\r` when its first line ends in a lone CR, else `\n`.
pub fn line_end(head: &[u8], at_eof: bool) -> u8 {
    match memchr::memchr2(b'\n', b'\r', head) {
        Some(i) if head[i] == b'\r' => match head.get(i + 1) {
            Some(b'\n') => b'\n',
            Some(_) => b'\r',
            None if at_eof => b'\r',
            None => b'\n',
        },
        _ => b'\n',
    }
}

/// Bit masks of the quotes, commas and newlines of a 64-byte block (bit i = byte i).
fn masks(block: &[u8; 64], newline: u8) -> (u64, u64, u64) {
    let (quote, comma, line) = (u8x16::splat(b'"'), u8x16::splat(b','), u8x16::splat(newline));
    let (mut quotes, mut commas, mut newlines) = (0u64, 0u64, 0u64);
    for (i, lane) in block.chunks_exact(16).enumerate() {
        let mut bytes = [0u8; 16];
        bytes.copy_from_slice(lane);
        let v = u8x16::new(bytes);
        quotes |= u64::from(v.simd_eq(quote).to_bitmask()) << (i * 16);
        commas |= u64::from(v.simd_eq(comma).to_bitmask()) << (i * 16);
        newlines |= u64::from(v.simd_eq(line).to_bitmask()) << (i * 16);
    }
    (quotes, commas, newlines)
}

/// Bit i set when an odd number of bits 0..=i are set: with the quote mask, the bytes from
/// an opening quote up to (not including) its closing quote. `""` escapes toggle twice.
fn prefix_xor(mut x: u64) -> u64 {
    for shift in [1, 2, 4, 8, 16, 32] {
        x ^= x << shift;
    }
    x
}

/// A field found by the index: window offsets and how many quotes it holds.
struct Field {
    start: usize,
    end: usize,
    quotes: u64,
}

/// The span of a field (`base` turns window offsets into buffer offsets): its quotes
/// removed, and `""` unescaped into the scratch buffer. Inlined for the common fields, plain
/// or in one pair of quotes; the others go to [`escaped_span`].
#[inline(always)]
fn field_span(window: &[u8], base: usize, field: Field, scratch: &mut Vec<u8>) -> Span {
    let Field { start, end, quotes } = field;
    if quotes == 0 {
        return Span::window(base + start, base + end);
    }
    if quotes == 2 && end >= start + 2 && window[start] == b'"' && window[end - 1] == b'"' {
        return Span::window(base + start + 1, base + end - 1);
    }
    escaped_span(window, base, field, scratch)
}

/// [`field_span`] of a field with escaped or stray quotes.
#[cold]
#[inline(never)]
fn escaped_span(window: &[u8], base: usize, field: Field, scratch: &mut Vec<u8>) -> Span {
    let Field { start, end, .. } = field;
    let raw = &window[start..end];
    let at = |from: usize, to: usize| Span::window(base + from, base + to);
    if raw.first() != Some(&b'"') {
        // Quotes inside an unquoted field (malformed) are kept as they are.
        return at(start, end);
    }
    // `""` is a quote; other quotes open or close quoting and are dropped, so text after a
    // closing quote (malformed, but seen) is kept up to the separator.
    let from = scratch.len();
    let mut rest = &raw[1..];
    while let Some(i) = memchr::memchr(b'"', rest) {
        scratch.extend_from_slice(&rest[..i]);
        if rest.get(i + 1) == Some(&b'"') {
            scratch.push(b'"');
            rest = &rest[i + 2..];
        } else {
            rest = &rest[i + 1..];
        }
    }
    scratch.extend_from_slice(rest);
    Span::scratch(from, scratch.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(text: &str) -> Vec<(u64, Vec<String>)> {
        let mut splitter = CsvSplitter::new(text.as_bytes());
        let mut out = Vec::new();
        while let Ok(Some(record)) = splitter.next_record() {
            let fields = (0..record.len()).map(|i| String::from_utf8_lossy(record.field(i)).into_owned()).collect();
            out.push((record.line, fields));
        }
        out
    }

    #[test]
    fn quotes_commas_newlines_and_line_ends() {
        let rows = records("a,\"b,c\",\"say \"\"hi\"\"\"\r\n\"multi\nline\",x\n\nlast,\"\"");
        assert_eq!(rows[0], (1, vec!["a".into(), "b,c".into(), "say \"hi\"".into()]));
        assert_eq!(rows[1], (2, vec!["multi\nline".into(), "x".into()]));
        assert_eq!(rows[2], (4, vec!["".into()]), "a blank line");
        assert_eq!(rows[3], (5, vec!["last".into(), "".into()]), "no newline at the end");
        assert_eq!(rows.len(), 4);
    }

    /// Empty fields count in the record's width and read as empty, but carry no value for
    /// the row sink to look at; quoted empty fields keep theirs.
    #[test]
    fn empty_fields_count_but_carry_no_value() {
        let mut splitter = CsvSplitter::new("a,,c,\r\n,\"\",,\n,,".as_bytes());
        let mut seen = Vec::new();
        while let Ok(Some(record)) = splitter.next_record() {
            let columns: Vec<u32> = record.row.values.iter().map(|v| v.column).collect();
            let fields: Vec<&[u8]> = (0..record.len()).map(|i| record.field(i)).collect();
            seen.push((record.len(), columns, fields.concat()));
        }
        assert_eq!(seen, [(4, vec![0, 2], b"ac".to_vec()), (4, vec![1], Vec::new()), (3, vec![], Vec::new())]);
    }

    #[test]
    fn records_across_the_read_window() {
        let long = "x".repeat(3 * CHUNK_BYTES);
        let text = format!("h1,h2\n\"{long}\",y\nz,w\n");
        let rows = records(&text);
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[1].1[0].len(), long.len());
        assert_eq!(rows[2], (3, vec!["z".into(), "w".into()]));
    }

    #[test]
    fn an_unclosed_quote_runs_to_the_end() {
        let rows = records("a,\"open\nstill");
        assert_eq!(rows, vec![(1, vec!["a".into(), "open\nstill".into()])]);
    }

    #[test]
    fn classic_mac_line_ends_and_text_after_a_closing_quote() {
        let rows = records("h1,h2\r1,\"x\"y\r2,3\r");
        assert_eq!(rows[1], (2, vec!["1".into(), "xy".into()]));
        assert_eq!(rows[2], (3, vec!["2".into(), "3".into()]));
    }

    /// Records, quoted line ends and escapes across the [`INDEX_BYTES`] steps and a record
    /// longer than one step: read through a window, and over the bytes where they lie.
    #[test]
    fn same_records_over_the_bytes_as_through_a_window() {
        let mut text = String::from("a,b,c\r\n");
        for i in 0..6000 {
            let long = if i == 2500 { "z".repeat(3 * INDEX_BYTES) } else { "y".repeat(i % 90) };
            text.push_str(&format!("{long},\"q,{i}\"\"\r\n\",{i}\r\n"));
        }
        let expected = records(&text);
        assert_eq!(expected.len(), 6001);
        assert_eq!(expected[2501].1[0].len(), 3 * INDEX_BYTES);
        for (i, (line, fields)) in expected[1..].iter().enumerate() {
            assert_eq!((*line, &fields[1], &fields[2]), (2 * i as u64 + 2, &format!("q,{i}\"\r\n"), &i.to_string()));
        }
        let mut splitter = CsvSplitter::over(text.clone().into_bytes(), 1, b'\n');
        let mut got = Vec::new();
        while let Ok(Some(record)) = splitter.next_record() {
            let fields = (0..record.len()).map(|i| String::from_utf8_lossy(record.field(i)).into_owned()).collect();
            got.push((record.line, fields));
        }
        assert_eq!(got, expected);
        assert_eq!(splitter.into_bytes(), text.into_bytes(), "the bytes come back whole");
    }

    #[test]
    fn same_records_whatever_the_read_size() {
        // Quoted separators and escapes at every position around the 64-byte blocks.
        let mut text = String::from("a,b,c\n");
        for i in 0..300 {
            text.push_str(&format!("{},\"q,{}\"\"\n\",{}\r\n", "y".repeat(i % 70), i, i));
        }
        let expected = records(&text);
        assert_eq!(expected.len(), 301);
        assert_eq!(expected[300], (600, vec!["y".repeat(299 % 70), "q,299\"\n".into(), "299".into()]));
        struct Trickle<'a>(&'a [u8], usize);
        impl Read for Trickle<'_> {
            fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
                let n = self.1.min(self.0.len()).min(out.len());
                out[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        for step in [1, 7, 63, 64, 65, 1000] {
            let mut splitter = CsvSplitter::new(Trickle(text.as_bytes(), step));
            let mut got = Vec::new();
            while let Ok(Some(record)) = splitter.next_record() {
                let fields = (0..record.len()).map(|i| String::from_utf8_lossy(record.field(i)).into_owned()).collect();
                got.push((record.line, fields));
            }
            assert_eq!(got, expected, "read {step} bytes at a time");
        }
    }
}
