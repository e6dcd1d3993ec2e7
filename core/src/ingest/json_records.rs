//! Records as JSON objects: the `az monitor log-analytics query` array (every value a
//! string, `"None"` for null, a `TableName` key), a plain JSON array of records, and the
//! JSON Lines blobs of workspace data-export rules (one record per line).

use super::cell::NullText;
use super::error::{LoadError, LoadErrorKind};
use super::json_row::{self, RowValues};
use super::json_scan::{JsonScan, RowError};
use super::progress::Control;
use super::rows::{MAX_COLUMNS, RowPosition, RowSink};
use std::io::Read;

/// `[ {...}, {...} ]`
pub fn load_array<R: Read>(
    scan: &mut JsonScan<R>,
    sink: &mut RowSink,
    control: &mut Control<'_>,
) -> Result<(), LoadError> {
    load_array_head(scan, sink, control, None).map(|_| ())
}

/// The start of a JSON array of records: its `[` and records. `chunk`: see
/// [`load_array_records`]; `None` for the whole file.
pub fn load_array_head<R: Read>(
    scan: &mut JsonScan<R>,
    sink: &mut RowSink,
    control: &mut Control<'_>,
    chunk: Option<bool>,
) -> Result<bool, LoadError> {
    scan.expect(b'[', "'['")?;
    if scan.peek()? == Some(b']') {
        scan.expect(b']', "']'")?;
        return Ok(false);
    }
    load_array_records(scan, sink, control, true, chunk)
}

/// The records of a JSON array from the scan position (the start of a record, `first` when it
/// is the array's first) to the array's `]`. For a chunk of a file loaded in parallel
/// (`chunk` is `Some(last)`; it starts at a record and ends after a `,` unless `last`): ends
/// without error where the bytes end after a `,`, and returns true ("ran over", to be parsed
/// again with the next chunk) when the array ends before the last chunk, so the text after
/// it is looked at once, by the parse that reaches the end of the file.
pub fn load_array_records<R: Read>(
    scan: &mut JsonScan<R>,
    sink: &mut RowSink,
    control: &mut Control<'_>,
    mut first: bool,
    chunk: Option<bool>,
) -> Result<bool, LoadError> {
    let mut row = RowValues::default();
    loop {
        match scan.peek()? {
            None if chunk == Some(false) && !first => return Ok(false),
            Some(b'{') => {
                if let Some(bad) = load_record(scan, &mut row, sink)? {
                    if bad.cut_short || !scan.skip_value()? {
                        return Err(scan.truncated());
                    }
                    sink.skip_row(bad.line, bad.column, format!("{}; record skipped", bad.message));
                }
            }
            _ if first => {
                return Err(
                    scan.error(LoadErrorKind::NotAnExport, "a JSON array whose elements are not records (objects)")
                );
            }
            _ => {
                // One stray element among records is a bad row, not a different file.
                let (line, column) = scan.position();
                if !scan.skip_value()? {
                    return Err(scan.truncated());
                }
                sink.skip_row(line, column, "an element that is not a record (object); skipped".to_string());
            }
        }
        first = false;
        sink.after_row(scan.offset(), control)?;
        if !scan.next_element()? {
            break;
        }
    }
    if chunk == Some(false) {
        return Ok(true);
    }
    if let Some(b) = scan.peek()? {
        let (line, _) = scan.position();
        sink.note(
            line,
            format!("text after the end of the JSON array (starting with {:?}) was ignored", char::from(b)),
        );
    }
    Ok(false)
}

/// `{...}\n{...}\n`. True when the input ends inside a record (a chunk of a file loaded in
/// parallel that ended there did not end between records).
pub fn load_lines<R: Read>(
    scan: &mut JsonScan<R>,
    sink: &mut RowSink,
    control: &mut Control<'_>,
) -> Result<bool, LoadError> {
    let mut row = RowValues::default();
    while let Some(b) = scan.peek()? {
        // A bad line is skipped up to the next line that starts a record: one line per
        // record is the format, so the lines after a bad one are whole records.
        let (line, column) = scan.position();
        let bad = if b == b'{' {
            // A record whose error is on a later line was cut short: its line ended inside it.
            load_record(scan, &mut row, sink)?.map(|bad| {
                if bad.line == line || bad.cut_short {
                    return bad;
                }
                let message = format!(
                    "the line ends inside the record (cut short?): {} at line {}, column {}",
                    bad.message, bad.line, bad.column
                );
                RowError { line, column, message, cut_short: false }
            })
        } else {
            let message = format!("expected a record ('{{') but found {:?}", char::from(b));
            Some(RowError { line, column, message, cut_short: false })
        };
        if let Some(bad) = bad {
            if bad.cut_short {
                let message = "the file ends inside this record (cut short?); record skipped".to_string();
                sink.skip_row(bad.line, bad.column, message);
                return Ok(true);
            }
            sink.skip_row(bad.line, bad.column, format!("{}; line skipped", bad.message));
            if !scan.skip_to_record_line()? {
                break;
            }
        }
        sink.after_row(scan.offset(), control)?;
    }
    Ok(false)
}

/// Loads the record object at the scan position (`row` is reused from record to record). The
/// first record's keys are the header that decides the table; later records may leave keys
/// out (nulls) or bring new ones.
fn load_record<R: Read>(
    scan: &mut JsonScan<R>,
    row: &mut RowValues,
    sink: &mut RowSink,
) -> Result<Option<RowError>, LoadError> {
    // The record's position is where it starts, past the line break before it.
    scan.peek()?;
    let (line, column) = scan.position();
    let position = RowPosition { line, record_column: Some(column) };
    let mut header_error = None;
    let bad = scan.row(json_row::object, row, |row, bytes| {
        if !sink.has_header() {
            if row.len() > MAX_COLUMNS {
                sink.skip_row(line, column, too_many_keys(row.len()));
                return;
            }
            let keys: Vec<String> =
                (0..row.len()).map(|i| String::from_utf8_lossy(row.key(i, bytes)).into_owned()).collect();
            // The az CLI marks its output with a TableName key and writes null as "None".
            if keys.first().is_some_and(|k| k == "TableName") {
                sink.set_null_text(NullText::EmptyOrNone);
            }
            if let Err(e) = sink.set_header(keys.iter().map(String::as_str), position.line) {
                header_error = Some(e.at(position.line, column));
                return;
            }
        }
        let mut hint = 0;
        for i in 0..row.len() {
            let Some(index) = sink.key_column(row.key(i, bytes), hint) else {
                sink.skip_row(line, column, too_many_keys(row.len()));
                return;
            };
            hint = index + 1;
            row.set_column(i, index);
        }
        sink.push_row(row.raw(bytes), position);
    })?;
    header_error.map_or(Ok(bad), Err)
}

fn too_many_keys(keys: usize) -> String {
    format!("the record has {keys} keys, more than the {MAX_COLUMNS} columns a file may have; record skipped")
}
