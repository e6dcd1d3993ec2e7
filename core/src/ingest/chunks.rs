//! Cutting a portal CSV or a JSON Lines file into chunks that start at record boundaries,
//! for [`super::parallel`], and parsing one chunk.
//!
//! CSV: a newline ends a record unless it sits inside quotes, and a byte is inside quotes
//! when an odd number of quotes come before it in the file (`""` escapes count twice, so they
//! change nothing). Chunks start out of quotes, so the last newline of a window with an even
//! number of quotes before it is a boundary, exactly where the serial splitter ends a record,
//! whatever the quoting (broken quoting included: the splitter follows the same parity).
//!
//! JSON Lines: a line that starts with `{` after a line that ends with `}`. That is where the
//! serial loader starts a record unless a record spans lines; the chunk before then runs into
//! its end, which [`super::parallel`] notices and mends by parsing it again with the next.
//!
//! The first chunk (a small one) is loaded before the others, into the file's own sink: it
//! holds the header (and for JSON, the first record's keys, which decide the table).

use super::Shape;
use super::csv_split::{CsvSplitter, line_end};
use super::error::{LoadError, LoadErrorKind};
use super::json_records;
use super::json_scan::JsonScan;
use super::parallel::{Chunk, ChunkParser, ChunkReader, Ending, LoadOptions, Next, chunk_bytes, load_chunks};
use super::portal_csv;
use super::progress::{Control, Progress};
use super::rest_json;
use super::rows::RowSink;
use std::io::{Cursor, Read};

/// The first chunk: enough for the header and some rows, small so the other threads start soon.
const HEAD_BYTES: usize = 64 << 10;

/// How far past a chunk's size the reader looks for a boundary before it gives up and loads
/// the rest of the file serially: the longest record the CSV splitter holds, and a chunk.
const MAX_REACH: usize = super::window::MAX_RECORD_BYTES;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    Csv {
        newline: u8,
        width: usize,
    },
    Lines,
    /// The records of a JSON array, cut between them.
    Array,
    /// The rows of a REST response's table, cut between them.
    Rows,
}

/// Reads a file and cuts it into chunks.
struct Cutter<R> {
    reader: R,
    source: String,
    format: Format,
    /// Read and not yet handed out; starts at a record boundary.
    pending: Vec<u8>,
    /// File offset and line number of `pending[0]`, and where that line starts.
    offset: u64,
    line: u64,
    line_start: u64,
    eof: bool,
    chunk_bytes: usize,
    /// Bytes of parsed chunks to read the next ones into ([`ChunkReader::reuse`]).
    spare: Vec<Vec<u8>>,
    /// What follows a REST table's rows when [`ChunkReader::load_rest`] read them.
    rows_rest: Option<AfterRows>,
}

impl<R: Read> Cutter<R> {
    fn new(reader: R, source: &str, format: Format, chunk_bytes: usize) -> Self {
        Cutter {
            reader,
            source: source.to_string(),
            format,
            pending: Vec::new(),
            offset: 0,
            line: 1,
            line_start: 0,
            eof: false,
            chunk_bytes: chunk_bytes.max(1),
            spare: Vec::new(),
            rows_rest: None,
        }
    }

    fn io_error(&self, e: &std::io::Error) -> LoadError {
        LoadError::new(&self.source, LoadErrorKind::Io, format!("cannot read the file: {e}"))
    }

    /// Reads until `pending` holds `want` bytes or the file ends (into the vector's spare
    /// room, which is not zeroed first).
    fn fill(&mut self, want: usize) -> Result<(), LoadError> {
        let Some(missing) = want.checked_sub(self.pending.len()).filter(|&n| n > 0 && !self.eof) else {
            return Ok(());
        };
        self.pending.reserve(missing);
        let read = (&mut self.reader).take(missing as u64).read_to_end(&mut self.pending);
        match read {
            Ok(n) if n < missing => self.eof = true,
            Ok(_) => {}
            Err(e) => return Err(self.io_error(&e)),
        }
        Ok(())
    }

    /// The next chunk of about `size` bytes.
    fn next_of(&mut self, size: usize) -> Result<Next, LoadError> {
        let mut want = size;
        loop {
            self.fill(want)?;
            if self.eof {
                if self.pending.is_empty() {
                    return Ok(Next::End);
                }
                let n = self.pending.len();
                return Ok(Next::Chunk(self.take(n, true, None)));
            }
            let cut = match self.format {
                Format::Csv { newline, .. } => csv_cut(&self.pending, newline).map(|(n, lines)| (n, Some(lines))),
                Format::Lines => lines_cut(&self.pending).map(|n| (n, None)),
                Format::Array => between_cut(&self.pending, b'}', b'{').map(|n| (n, None)),
                Format::Rows => between_cut(&self.pending, b']', b'[').map(|n| (n, None)),
            };
            if let Some((cut, newlines)) = cut {
                return Ok(Next::Chunk(self.take(cut, false, newlines)));
            }
            if self.pending.len() >= MAX_REACH + size {
                return Ok(Next::Rest);
            }
            want = self.pending.len() + self.chunk_bytes;
        }
    }

    /// Hands out `pending[..n]`, which holds `newlines` line ends (counted here when `None`).
    fn take(&mut self, n: usize, last: bool, newlines: Option<u64>) -> Chunk {
        let mut rest = self.spare.pop().unwrap_or_default();
        rest.clear();
        rest.reserve(self.chunk_bytes.max(self.pending.len() - n));
        rest.extend_from_slice(&self.pending[n..]);
        self.pending.truncate(n);
        let bytes = std::mem::replace(&mut self.pending, rest);
        let newline = match self.format {
            Format::Csv { newline, .. } => newline,
            Format::Lines | Format::Array | Format::Rows => b'\n',
        };
        let chunk = Chunk { offset: self.offset, line: self.line, line_start: self.line_start, last, bytes };
        if let Some(at) = memchr::memrchr(b'\n', &chunk.bytes) {
            self.line_start = self.offset + at as u64 + 1;
        }
        self.offset += n as u64;
        self.line += newlines.unwrap_or_else(|| count_two(&chunk.bytes, newline, newline).0);
        chunk
    }
}

impl<R: Read> ChunkReader for Cutter<R> {
    fn next_chunk(&mut self) -> Result<Next, LoadError> {
        self.next_of(self.chunk_bytes)
    }

    fn offset(&self) -> u64 {
        self.offset
    }

    fn reuse(&mut self, bytes: Vec<u8>) {
        self.spare.push(bytes);
    }

    fn chunk_bytes(&self) -> usize {
        self.chunk_bytes
    }

    fn load_rest(
        &mut self,
        carry: Option<Chunk>,
        sink: &mut RowSink,
        control: &mut Control<'_>,
    ) -> Result<(), LoadError> {
        let (mut head, offset, line, line_start) = match carry {
            Some(chunk) => (chunk.bytes, chunk.offset, chunk.line, chunk.line_start),
            None => (Vec::new(), self.offset, self.line, self.line_start),
        };
        head.append(&mut self.pending);
        let base_rows = sink.rows_seen();
        let remaining = control.bytes_total().saturating_sub(offset);
        let mut forward = |p: Progress| control.tick(offset + p.bytes_done, base_rows + p.rows).is_ok();
        let mut control = Control::new(remaining, &mut forward);
        let reader = Cursor::new(head).chain(&mut self.reader);
        match self.format {
            Format::Csv { newline, width } => {
                let mut splitter = CsvSplitter::resume(reader, line, newline);
                portal_csv::load_records(&mut splitter, width, sink, &mut control)
            }
            format => {
                let mut scan = JsonScan::resume(reader, &self.source, offset, line, line_start);
                load_records(format, &mut scan, sink, &mut control, false, None)?;
                if format == Format::Rows {
                    // The caller goes on after the rows with what is left.
                    self.rows_rest = Some(after_rows(&mut scan).map_err(|e| self.io_error(&e))?);
                }
                Ok(())
            }
        }
    }
}

/// Parses CSV chunks.
struct CsvChunks {
    newline: u8,
    width: usize,
}

impl ChunkParser for CsvChunks {
    fn parse(&self, chunk: &mut Chunk, sink: &mut RowSink, control: &mut Control<'_>) -> Result<Ending, LoadError> {
        let mut splitter = CsvSplitter::over(std::mem::take(&mut chunk.bytes), chunk.line, self.newline);
        let result = portal_csv::load_records(&mut splitter, self.width, sink, control);
        chunk.bytes = splitter.into_bytes();
        result.map(|()| Ending::Clean)
    }

    /// Chunks end where quote parity says a record ends: exactly where the serial splitter
    /// ends one.
    fn can_run_over(&self) -> bool {
        false
    }
}

/// Parses chunks of JSON records: JSON Lines, the records of a JSON array, or the rows of a
/// REST response's table.
struct JsonChunks {
    source: String,
    format: Format,
    /// REST rows: what follows them, kept by the chunk that reaches the end of the file.
    after_rows: std::sync::Mutex<Option<AfterRows>>,
}

impl JsonChunks {
    fn new(source: String, format: Format) -> Self {
        JsonChunks { source, format, after_rows: std::sync::Mutex::new(None) }
    }

    /// Loads a whole file on the calling thread.
    fn load_whole<R: Read>(
        &self,
        scan: &mut JsonScan<R>,
        sink: &mut RowSink,
        control: &mut Control<'_>,
    ) -> Result<(), LoadError> {
        match self.format {
            Format::Array => json_records::load_array(scan, sink, control),
            _ => json_records::load_lines(scan, sink, control).map(|_| ()),
        }
    }
}

/// Loads the records of `scan` in `format` from the start of one (`first`: the file's first
/// chunk, with a JSON array's `[`). `chunk` is `Some(last)` for a chunk of the file, `None`
/// for the rest of it (see [`json_records::load_array_records`]). True when it ran into its
/// end.
fn load_records<R: Read>(
    format: Format,
    scan: &mut JsonScan<R>,
    sink: &mut RowSink,
    control: &mut Control<'_>,
    first: bool,
    chunk: Option<bool>,
) -> Result<bool, LoadError> {
    match format {
        Format::Array if first => json_records::load_array_head(scan, sink, control, chunk),
        Format::Array => json_records::load_array_records(scan, sink, control, false, chunk),
        Format::Rows => rest_json::load_rows(scan, sink, control, chunk),
        _ => json_records::load_lines(scan, sink, control),
    }
}

/// What follows a REST table's rows in `scan`, to the end of the file, and where it starts.
fn after_rows<R: Read>(scan: &mut JsonScan<R>) -> std::io::Result<AfterRows> {
    let place = scan.place();
    let (mut unread, reader) = scan.hand_over();
    reader.read_to_end(&mut unread)?;
    Ok((unread, place))
}

impl ChunkParser for JsonChunks {
    fn parse(&self, chunk: &mut Chunk, sink: &mut RowSink, control: &mut Control<'_>) -> Result<Ending, LoadError> {
        let bytes = std::mem::take(&mut chunk.bytes);
        let mut scan = JsonScan::over(bytes, &self.source, chunk.offset, chunk.line, chunk.line_start);
        let loaded = load_records(self.format, &mut scan, sink, control, false, Some(chunk.last));
        if loaded.is_ok() && self.format == Format::Rows && chunk.last {
            // Reading from memory cannot fail.
            let rest = after_rows(&mut scan).unwrap_or_default();
            *self.after_rows.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(rest);
        }
        // The bytes go back whatever happened: a chunk that failed or ran into its end is
        // parsed again joined with the next.
        chunk.bytes = scan.into_bytes();
        Ok(if loaded? { Ending::RanOver } else { Ending::Clean })
    }
}

/// Loads JSON Lines (`shape` [`Shape::JsonLines`]: cut where a line starting with `{`
/// follows one ending in `}`) or a JSON array of records (`az` CLI output or a plain array,
/// [`Shape::JsonArray`]: cut where `}` `,` `{` follow each other, white space aside) on
/// `options.threads` threads. A cut inside a record (a string or nested value holding what
/// looks like a boundary) makes the chunk before it fail or run into its end, and it is
/// parsed again joined with the next (see [`super::parallel`]).
pub(super) fn load_json(
    reader: impl Read,
    sink: RowSink,
    options: LoadOptions,
    control: &mut Control<'_>,
    shape: Shape,
) -> Result<RowSink, LoadError> {
    let format = if shape == Shape::JsonArray { Format::Array } else { Format::Lines };
    let source = sink.source().to_string();
    let parser = JsonChunks::new(source.clone(), format);
    let head_bytes = HEAD_BYTES.min(chunk_bytes(options));
    let mut cutter = Cutter::new(reader, &source, format, chunk_bytes(options));
    // Everything from the start, on this thread.
    let serially = |cutter: Cutter<_>, head: Vec<u8>, mut sink: RowSink, control: &mut Control<'_>| {
        let reader = Cursor::new(head).chain(cutter.reader);
        parser.load_whole(&mut JsonScan::new(reader, &source), &mut sink, control)?;
        Ok(sink)
    };
    let head = match cutter.next_of(head_bytes)? {
        Next::Chunk(head) => head,
        Next::End => return serially(cutter, Vec::new(), sink, control),
        Next::Rest => {
            let pending = std::mem::take(&mut cutter.pending);
            return serially(cutter, pending, sink, control);
        }
    };
    // The head is loaded into a fresh sink, kept only if it ended between records and found
    // the header; else everything is loaded serially from the start.
    let mut head_sink = sink.fork();
    let mut scan = JsonScan::resume(head.bytes.as_slice(), &source, 0, 1, 0);
    let ran_over = match load_records(format, &mut scan, &mut head_sink, control, true, Some(head.last)) {
        Ok(ran_over) => ran_over,
        Err(e) if head.last || e.kind == LoadErrorKind::Cancelled => return Err(e),
        Err(_) => true,
    };
    if head.last {
        return Ok(head_sink);
    }
    if ran_over || !head_sink.has_header() {
        let mut bytes = head.bytes;
        bytes.append(&mut cutter.pending);
        return serially(cutter, bytes, sink, control);
    }
    load_chunks(&mut cutter, &parser, head_sink, options.threads, control)
}

/// Loads a portal CSV (its BOM already consumed) on `options.threads` threads.
pub(super) fn load_csv(
    reader: impl Read,
    mut sink: RowSink,
    options: LoadOptions,
    control: &mut Control<'_>,
) -> Result<RowSink, LoadError> {
    let source = sink.source().to_string();
    let head_bytes = HEAD_BYTES.min(chunk_bytes(options));
    let mut cutter = Cutter::new(reader, &source, Format::Lines, chunk_bytes(options));
    cutter.fill(head_bytes)?;
    let newline = line_end(&cutter.pending, cutter.eof);
    cutter.format = Format::Csv { newline, width: 0 };
    let head = match cutter.next_of(head_bytes)? {
        Next::Chunk(head) => head,
        Next::End => Chunk { bytes: Vec::new(), offset: 0, line: 1, line_start: 0, last: true },
        Next::Rest => {
            // No record ends within reach of the start: the serial loader, as it is.
            let reader = Cursor::new(std::mem::take(&mut cutter.pending)).chain(cutter.reader);
            portal_csv::load(reader, &mut sink, control)?;
            return Ok(sink);
        }
    };
    portal_csv::load_from(CsvSplitter::resume(head.bytes.as_slice(), 1, newline), &mut sink, control)?;
    if head.last {
        return Ok(sink);
    }
    let width = sink.header_len();
    cutter.format = Format::Csv { newline, width };
    load_chunks(&mut cutter, &CsvChunks { newline, width }, sink, options.threads, control)
}

/// Just past the last newline of `bytes` outside quotes (`bytes` starts outside quotes), and
/// how many newlines come before that point: one pass over the bytes.
fn csv_cut(bytes: &[u8], newline: u8) -> Option<(usize, u64)> {
    let mut at = memchr::memrchr(newline, bytes)?;
    let (mut quotes, mut newlines) = count_two(&bytes[..at], b'"', newline);
    loop {
        if quotes % 2 == 0 {
            return Some((at + 1, newlines + 1));
        }
        let before = memchr::memrchr(newline, &bytes[..at])?;
        let (q, n) = count_two(&bytes[before..at], b'"', newline);
        (quotes, newlines) = (quotes - q, newlines - n);
        at = before;
    }
}

/// The start of the last line of `bytes` that begins with `{` after a line ending in `}`.
fn lines_cut(bytes: &[u8]) -> Option<usize> {
    let mut end = bytes.len();
    loop {
        let at = memchr::memrchr(b'\n', &bytes[..end])?;
        if bytes.get(at + 1) == Some(&b'{')
            && bytes[..at].iter().rev().find(|b| !b.is_ascii_whitespace()) == Some(&b'}')
        {
            return Some(at + 1);
        }
        end = at;
    }
}

/// Where the last element of `bytes` that follows another starts: an `open` (`{` of a
/// record, `[` of a REST row) with a `,` before it and a `close` before that, white space aside.
fn between_cut(bytes: &[u8], close: u8, open: u8) -> Option<usize> {
    let before = |end: usize| bytes[..end].iter().rposition(|b| !b.is_ascii_whitespace());
    let mut end = bytes.len();
    loop {
        let at = memchr::memrchr(open, &bytes[..end])?;
        if let Some(comma) = before(at).filter(|&i| bytes[i] == b',')
            && before(comma).is_some_and(|i| bytes[i] == close)
        {
            return Some(at);
        }
        end = at;
    }
}

/// The bytes after a REST table's rows (to the end of the file), and where they start:
/// offset, line and the line's start ([`JsonScan::place`]).
type AfterRows = (Vec<u8>, (u64, u64, u64));

/// Loads the rows of a REST response's table from `scan` (just past the rows' `[`) into
/// `sink` on `options.threads` threads, cut where `]`, `,` and `[` follow each other (a cut
/// inside a string or a nested value is mended as for JSON arrays, see [`load_json`]); then
/// hands `scan` what follows the rows, so the response's parser goes on from there.
pub(super) fn load_rest_rows<R: Read>(
    scan: &mut JsonScan<R>,
    sink: &mut RowSink,
    control: &mut Control<'_>,
    options: LoadOptions,
) -> Result<(), LoadError> {
    let source = sink.source().to_string();
    // An empty rows array: nothing to share out.
    if scan.peek()? == Some(b']') {
        return scan.expect(b']', "']'");
    }
    let (offset, line, line_start) = scan.place();
    let (unread, reader) = scan.hand_over();
    let mut cutter = Cutter::new(Cursor::new(unread).chain(reader), &source, Format::Rows, chunk_bytes(options));
    (cutter.offset, cutter.line, cutter.line_start) = (offset, line, line_start);
    let parser = JsonChunks::new(source, Format::Rows);
    let file_sink = std::mem::replace(sink, sink.fork());
    *sink = load_chunks(&mut cutter, &parser, file_sink, options.threads, control)?;
    let kept = parser.after_rows.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
    let rest = cutter.rows_rest.take().or(kept);
    let Some((bytes, (offset, line, line_start))) = rest else {
        return Err(scan.truncated());
    };
    scan.continue_with(bytes, offset, line, line_start);
    Ok(())
}

/// How many times `a` and `b` occur. The reader counts every byte of the file on one thread,
/// so this is written for the compiler to vectorise: 32 byte-wide counters per block of up to
/// 255 rows of 32 bytes (a counter cannot overflow), summed after each block.
fn count_two(bytes: &[u8], a: u8, b: u8) -> (u64, u64) {
    const LANES: usize = 32;
    let (mut total_a, mut total_b) = (0u64, 0u64);
    let mut blocks = bytes.chunks_exact(LANES * 255);
    for block in blocks.by_ref() {
        let (mut lanes_a, mut lanes_b) = ([0u8; LANES], [0u8; LANES]);
        for row in block.chunks_exact(LANES) {
            for ((count_a, count_b), &byte) in lanes_a.iter_mut().zip(lanes_b.iter_mut()).zip(row) {
                *count_a += u8::from(byte == a);
                *count_b += u8::from(byte == b);
            }
        }
        total_a += lanes_a.iter().map(|&n| u64::from(n)).sum::<u64>();
        total_b += lanes_b.iter().map(|&n| u64::from(n)).sum::<u64>();
    }
    for &byte in blocks.remainder() {
        total_a += u64::from(byte == a);
        total_b += u64::from(byte == b);
    }
    (total_a, total_b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_chunks_end_at_newlines_outside_quotes() {
        assert_eq!(csv_cut(b"a,b\nc,\"d\ne\"\nf", b'\n'), Some((12, 3)));
        assert_eq!(csv_cut(b"a,b\nc,\"d\ne", b'\n'), Some((4, 1)), "the newline inside quotes is no boundary");
        assert_eq!(csv_cut(b"x,\"open\nmore\nstill", b'\n'), None);
        assert_eq!(csv_cut(b"a,\"\"\"\"\nb", b'\n'), Some((7, 1)), "escaped quotes count twice");
        assert_eq!(csv_cut(b"h\r1\r2", b'\r'), Some((4, 2)));
        let long = "x,\"y\"\n".repeat(3000);
        assert_eq!(count_two(long.as_bytes(), b'"', b'\n'), (6000, 3000), "counts across the blocks");
    }

    #[test]
    fn json_lines_chunks_start_at_a_record_after_a_closed_one() {
        assert_eq!(lines_cut(b"{\"a\":1}\n{\"a\":2}\n{\"a\""), Some(16));
        assert_eq!(lines_cut(b"{\"a\":1}\r\n{\"a\":2}"), Some(9));
        assert_eq!(lines_cut(b"{\"a\":\n{\"b\":1}"), None, "the line before is not a closed record");
        assert_eq!(lines_cut(b"{\"a\":1}\n  {\"b\":1}"), None);
    }

    #[test]
    fn the_cutter_hands_out_the_whole_file_with_line_numbers() {
        let text = "h1,h2\n\"a\nb\",1\n2,3\n4,\"5\n6\"\n7,8\n";
        let format = Format::Csv { newline: b'\n', width: 2 };
        let mut cutter = Cutter::new(text.as_bytes(), "t.csv", format, 3);
        let mut chunks = Vec::new();
        while let Ok(Next::Chunk(chunk)) = cutter.next_chunk() {
            chunks.push((chunk.line, chunk.offset, String::from_utf8_lossy(&chunk.bytes).into_owned(), chunk.last));
        }
        let joined: String = chunks.iter().map(|c| c.2.as_str()).collect();
        assert_eq!(joined, text);
        assert_eq!(chunks[0], (1, 0, "h1,h2\n".to_string(), false));
        assert_eq!(chunks[1], (2, 6, "\"a\nb\",1\n".to_string(), false));
        assert_eq!(chunks[3].0, 5, "line numbers count the newlines inside quotes");
        assert!(chunks.last().is_some_and(|c| c.3));
    }
}
