//! Portal "Export to CSV" (all or displayed columns): RFC 4180, ` [UTC]` header suffixes,
//! locale dates, dynamic values as JSON text, quoted fields with commas, quotes and newlines.
//!
//! Broken quoting (a stray quote inside a field, a quote never closed) makes the splitter join
//! lines into one record. Such a record is skipped with a warning at the line and column
//! where the bad quote opened, and its other lines are read again one by one: each that
//! parses on its own as a record of the header's width is loaded.

use super::csv_split::{CsvSplitter, Record, SplitError};
use super::error::{LoadError, LoadErrorKind};
use super::progress::Control;
use super::rows::{RowPosition, RowSink};
use super::span::{Kind, RawRow, RawValue, Span};
use std::io::Read;

pub fn load<R: Read>(reader: R, sink: &mut RowSink, control: &mut Control<'_>) -> Result<(), LoadError> {
    load_from(CsvSplitter::new(reader), sink, control)
}

/// [`load`] with a splitter made by the caller (the first chunk of a file loaded in parallel).
pub fn load_from<R: Read>(
    mut splitter: CsvSplitter<R>,
    sink: &mut RowSink,
    control: &mut Control<'_>,
) -> Result<(), LoadError> {
    let source = sink.source().to_string();
    let Some(header) = splitter.next_record().map_err(|e| read_error(&source, e))? else {
        return Err(LoadError::new(sink.source(), LoadErrorKind::NotAnExport, "the file is empty"));
    };
    let width = header.len();
    let names: Vec<String> = (0..header.len()).map(|i| String::from_utf8_lossy(header.field(i)).into_owned()).collect();
    sink.set_header(names.iter().map(String::as_str), header.line)?;
    load_records(&mut splitter, width, sink, control)
}

fn read_error(source: &str, e: SplitError) -> LoadError {
    let message = match e {
        SplitError::Io(e) => format!("cannot read the file: {e}"),
        SplitError::TooLong => "a record longer than 2 GB: not a CSV export".to_string(),
    };
    LoadError::new(source, LoadErrorKind::Io, message)
}

/// Loads the records after the header (of `width` fields): the rest of the file, or one
/// chunk of it whose splitter starts at a record ([`CsvSplitter::resume`]).
pub fn load_records<R: Read>(
    splitter: &mut CsvSplitter<R>,
    width: usize,
    sink: &mut RowSink,
    control: &mut Control<'_>,
) -> Result<(), LoadError> {
    let source = sink.source().to_string();
    let read_error = |e: SplitError| read_error(&source, e);
    let mut line_row = LineRow::default();
    while let Some(record) = splitter.next_record().map_err(read_error)? {
        // A lone empty line is not a record.
        if record.is_blank() {
            continue;
        }
        if let Some(at) = memchr::memchr(0, record.text) {
            let (line, column) = place(&record, at);
            sink.skip_row(line, column, "a NUL byte (binary data); row skipped".to_string());
        } else if let Some(problem) = quote_problem(&record, width) {
            recover(&record, problem, width, sink, &mut line_row);
        } else if record.len() < width {
            // The portal writes every column on every row: a short row lost some, and which
            // cannot be told. (A long one is warned about by the sink, which knows the width.)
            let message = format!("row has {} values but the header has {width} columns: skipped", record.len());
            sink.skip_row(record.line, record.len() as u64 + 1, message);
        } else {
            sink.push_row(record.row, RowPosition { line: record.line, record_column: None });
        }
        sink.after_row(splitter.offset(), control)?;
    }
    if let Some((line, bytes)) = splitter.take_dropped() {
        sink.skip_row(
            line,
            1,
            format!(
                "{bytes} bytes from here hold no complete record within {} MB (a quote never closed?); \
                 reading resumed at the next line, {} lines skipped in all",
                super::window::MAX_RECORD_BYTES >> 20,
                splitter.dropped_lines()
            ),
        );
    }
    Ok(())
}

/// Where a record's quoting breaks: the offset in its text of the quote that opened the
/// trouble, and what is wrong.
struct QuoteProblem {
    at: usize,
    what: &'static str,
}

/// Checks the quoting of a record that could hide a quote error: one whose field count is
/// not the header's, or that spans lines. Well-formed records of the header's width on one
/// line cost a field count and one search for a line break.
fn quote_problem(record: &Record<'_>, width: usize) -> Option<QuoteProblem> {
    let text = record.text;
    let body = text.strip_suffix(b"\n").unwrap_or(text);
    let body = body.strip_suffix(b"\r").unwrap_or(body);
    if record.len() == width && memchr::memchr2(b'\n', b'\r', body).is_none() {
        // One line: a quote problem there changes nothing but the one field's text, except
        // a field opened and never closed at the end of the file (`"["1`).
        return if record.unclosed_quote { scan_quotes(body).err() } else { None };
    }
    scan_quotes(body).err()
}

/// Walks RFC 4180 quoting over `body`: `Err` at the first stray or unclosed quote.
fn scan_quotes(body: &[u8]) -> Result<(), QuoteProblem> {
    let mut i = 0;
    let mut field_start = true;
    while i < body.len() {
        let b = body[i];
        if field_start && b == b'"' {
            let open = i;
            i += 1;
            loop {
                match memchr::memchr(b'"', &body[i..]) {
                    None => return Err(QuoteProblem { at: open, what: "a quoted field is never closed" }),
                    Some(q) if body.get(i + q + 1) == Some(&b'"') => i += q + 2,
                    Some(q) => {
                        i += q + 1;
                        break;
                    }
                }
            }
            match body.get(i) {
                None | Some(b',' | b'\n' | b'\r') => {}
                Some(_) => return Err(QuoteProblem { at: open, what: "text follows the closing quote of a field" }),
            }
            field_start = false;
            continue;
        }
        match b {
            b',' | b'\n' | b'\r' => field_start = true,
            b'"' => return Err(QuoteProblem { at: i, what: "a quote inside an unquoted field" }),
            _ => field_start = false,
        }
        i += 1;
    }
    Ok(())
}

/// 1-based line and column of byte `at` of a record's text.
fn place(record: &Record<'_>, at: usize) -> (u64, u64) {
    let before = &record.text[..at.min(record.text.len())];
    let lines = memchr::memchr_iter(b'\n', before).count() as u64;
    let line_start = memchr::memrchr(b'\n', before).map_or(0, |i| i + 1);
    let column = String::from_utf8_lossy(&before[line_start..]).chars().count() as u64 + 1;
    (record.line + lines, column)
}

/// Skips a record with broken quoting and loads each of its lines after the one where the
/// bad quote is that parses alone as a record of the header's width.
fn recover(record: &Record<'_>, problem: QuoteProblem, width: usize, sink: &mut RowSink, row: &mut LineRow) {
    let (line, column) = place(record, problem.at);
    let text = record.text;
    let after_quote_line = memchr::memchr(b'\n', &text[problem.at..]).map_or(text.len(), |i| problem.at + i + 1);
    let mut loaded = 0u64;
    let mut skipped = 0u64;
    let mut rest = &text[after_quote_line..];
    let mut line_number = line + 1;
    let mut pending = Vec::new();
    while !rest.is_empty() {
        let end = memchr::memchr(b'\n', rest).map_or(rest.len(), |i| i + 1);
        let (this, next) = rest.split_at(end);
        let body = this.strip_suffix(b"\n").unwrap_or(this);
        let body = body.strip_suffix(b"\r").unwrap_or(body);
        if !body.is_empty() {
            if row.split(body) && row.values.len() == width {
                pending.push((line_number, body));
                loaded += 1;
            } else {
                skipped += 1;
            }
        }
        rest = next;
        line_number += 1;
    }
    let mut message = format!("{}; row skipped", problem.what);
    if loaded + skipped > 0 {
        message.push_str(&format!(
            " (of the {} lines it ran into, {loaded} read again as records, {skipped} skipped)",
            loaded + skipped
        ));
    }
    sink.skip_row(line, column, message);
    for (line, body) in pending {
        row.split(body);
        let raw = RawRow { values: &row.values, width: row.values.len(), window: body, scratch: &row.scratch };
        sink.push_row(raw, RowPosition { line, record_column: None });
    }
}

/// One line split as a CSV record on its own (the slow, careful path of recovery).
#[derive(Default)]
struct LineRow {
    values: Vec<RawValue>,
    scratch: Vec<u8>,
}

impl LineRow {
    /// Splits `body` (no line end); false when its quoting is broken.
    fn split(&mut self, body: &[u8]) -> bool {
        self.values.clear();
        self.scratch.clear();
        if scan_quotes(body).is_err() {
            return false;
        }
        let mut i = 0;
        loop {
            let column = self.values.len() as u32;
            let span = if body.get(i) == Some(&b'"') {
                let from = self.scratch.len();
                i += 1;
                while let Some(q) = memchr::memchr(b'"', &body[i..]) {
                    self.scratch.extend_from_slice(&body[i..i + q]);
                    i += q + 1;
                    if body.get(i) == Some(&b'"') {
                        self.scratch.push(b'"');
                        i += 1;
                    } else {
                        break;
                    }
                }
                Span::scratch(from, self.scratch.len())
            } else {
                let end = memchr::memchr(b',', &body[i..]).map_or(body.len(), |c| i + c);
                let span = Span::window(i, end);
                i = end;
                span
            };
            self.values.push(RawValue { column, kind: Kind::Text, span });
            if i >= body.len() {
                return true;
            }
            // At a comma (quoting was checked above).
            i += 1;
            if i == body.len() {
                self.values.push(RawValue { column: column + 1, kind: Kind::Text, span: Span::window(i, i) });
                return true;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_errors_are_found_where_the_quote_opened() {
        assert!(scan_quotes(b"a,\"b,c\",\"say \"\"hi\"\"\"").is_ok());
        let stray = scan_quotes(b"a,we\"b01,c").err().map(|p| (p.at, p.what));
        assert_eq!(stray, Some((4, "a quote inside an unquoted field")));
        let open = scan_quotes(b"a,\"[\"\"1").err().map(|p| (p.at, p.what));
        assert_eq!(open, Some((2, "a quoted field is never closed")));
        let after = scan_quotes(b"\"x\"y,z").err().map(|p| p.what);
        assert_eq!(after, Some("text follows the closing quote of a field"));
    }

    #[test]
    fn a_line_splits_into_fields_with_quotes_undone() {
        let mut row = LineRow::default();
        let body = b"a,\"b,\"\"c\"\"\",,d,";
        assert!(row.split(body));
        let raw = RawRow { values: &row.values, width: row.values.len(), window: body, scratch: &row.scratch };
        let fields: Vec<&[u8]> = row.values.iter().map(|&v| raw.bytes(v)).collect();
        assert_eq!(fields, [&b"a"[..], b"b,\"c\"", b"", b"d", b""]);
        assert!(!row.split(b"a,b\"c"));
    }
}
