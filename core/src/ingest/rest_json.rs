//! The Log Analytics query REST response:
//! `{"tables":[{"name":"PrimaryResult","columns":[{"name":..,"type":..}],"rows":[[..],..]}]}`.
//! Rows are streamed one at a time; dynamic values may be JSON strings or nested JSON.

use super::error::{LoadError, LoadErrorKind, excerpt};
use super::json_row::{self, RowValues};
use super::json_scan::JsonScan;
use super::parallel::LoadOptions;
use super::progress::Control;
use super::rows::{RowPosition, RowSink};
use serde::Deserialize;
use std::io::Read;

#[derive(Deserialize)]
struct ColumnMeta {
    name: String,
}

/// Loads a response; its rows arrays are loaded in chunks on `options.threads` threads
/// when what is left of the file is more than a chunk.
pub fn load<R: Read>(
    scan: &mut JsonScan<R>,
    sink: &mut RowSink,
    control: &mut Control<'_>,
    options: LoadOptions,
) -> Result<(), LoadError> {
    scan.expect(b'{', "'{'")?;
    let mut tables_seen = false;
    for_each_key(scan, |scan, key| {
        if key == "tables" {
            tables_seen = true;
            load_tables(scan, sink, control, options)
        } else {
            scan.owned::<serde::de::IgnoredAny>().map(|_| ())
        }
    })?;
    if !tables_seen {
        return Err(LoadError::new(
            sink.source(),
            LoadErrorKind::NotAnExport,
            "a JSON object without \"tables\": not a Log Analytics query response",
        ));
    }
    Ok(())
}

/// Walks the keys of the object whose `{` was just consumed, up to its `}`.
fn for_each_key<R: Read>(
    scan: &mut JsonScan<R>,
    mut on_key: impl FnMut(&mut JsonScan<R>, &str) -> Result<(), LoadError>,
) -> Result<(), LoadError> {
    if scan.peek()? == Some(b'}') {
        return scan.expect(b'}', "'}'");
    }
    loop {
        let key: String = scan.owned()?;
        scan.expect(b':', "':'")?;
        on_key(scan, &key)?;
        match scan.peek()? {
            Some(b',') => scan.expect(b',', "','")?,
            Some(b'}') => return scan.expect(b'}', "'}'"),
            Some(b) => {
                return Err(
                    scan.error(LoadErrorKind::Malformed, format!("expected ',' or '}}' but found {:?}", char::from(b)))
                );
            }
            None => return Err(scan.truncated()),
        }
    }
}

/// Reads each table by its own name and columns. A table that is none of the four is noted
/// and its rows skipped; when no table is, the file is not an export.
fn load_tables<R: Read>(
    scan: &mut JsonScan<R>,
    sink: &mut RowSink,
    control: &mut Control<'_>,
    options: LoadOptions,
) -> Result<(), LoadError> {
    scan.expect(b'[', "'[' (the list of tables)")?;
    if scan.peek()? == Some(b']') {
        return scan.expect(b']', "']'");
    }
    let (mut read, mut first_refusal) = (0usize, None);
    loop {
        scan.expect(b'{', "'{' (a table)")?;
        let (table_line, _) = scan.position();
        let mut name: Option<String> = None;
        let mut header: Option<bool> = None;
        sink.begin_table(None);
        for_each_key(scan, |scan, key| match key {
            "name" => {
                let text: String = scan.owned()?;
                sink.begin_table(Some(&text));
                name = Some(text);
                Ok(())
            }
            "columns" => {
                let (line, _) = scan.position();
                let columns: Vec<ColumnMeta> = scan.owned()?;
                match sink.set_header(columns.iter().map(|c| c.name.as_str()), line) {
                    Ok(()) => header = Some(true),
                    Err(refusal) => {
                        header = Some(false);
                        first_refusal.get_or_insert(refusal);
                    }
                }
                Ok(())
            }
            "rows" => match header {
                None => Err(scan.error(
                    LoadErrorKind::Malformed,
                    "\"rows\" come before \"columns\": cannot tell what the values are",
                )),
                Some(true) => {
                    scan.expect(b'[', "'[' (the rows)")?;
                    if options.shares_out(control.bytes_total().saturating_sub(scan.offset())) {
                        super::chunks::load_rest_rows(scan, sink, control, options)
                    } else {
                        load_rows(scan, sink, control, None).map(|_| ())
                    }
                }
                Some(false) => scan.owned::<serde::de::IgnoredAny>().map(|_| ()),
            },
            _ => scan.owned::<serde::de::IgnoredAny>().map(|_| ()),
        })?;
        match header {
            Some(true) => read += 1,
            Some(false) => sink.note(
                table_line,
                format!(
                    "table {:?} is none of VMComputer, VMProcess, VMConnection, VMBoundPort: skipped",
                    excerpt(name.as_deref().unwrap_or(""))
                ),
            ),
            None => {}
        }
        if !scan.next_element()? {
            break;
        }
    }
    match (read, first_refusal) {
        (0, Some(refusal)) => Err(refusal),
        _ => Ok(()),
    }
}

/// The rows of a table, from just past the `[` of its rows array (or, for a chunk of a file
/// loaded in parallel, from the start of a row) through the array's `]`. True when the
/// array ends before the chunk does (`chunk` is `Some(last)`, see
/// [`super::json_records::load_array_records`]): the rest of the file is looked at by the
/// chunk that reaches its end. A chunk ends without error after a `,` where its bytes end.
pub(super) fn load_rows<R: Read>(
    scan: &mut JsonScan<R>,
    sink: &mut RowSink,
    control: &mut Control<'_>,
    chunk: Option<bool>,
) -> Result<bool, LoadError> {
    if chunk.is_none() && scan.peek()? == Some(b']') {
        scan.expect(b']', "']'")?;
        return Ok(false);
    }
    let mut row = RowValues::default();
    loop {
        // The row's position is where it starts, past the line break before it.
        if scan.peek()?.is_none() && chunk == Some(false) {
            return Ok(false);
        }
        let (line, column) = scan.position();
        let position = RowPosition { line, record_column: Some(column) };
        let bad = scan.row(json_row::array, &mut row, |row, bytes| {
            let raw = row.raw(bytes);
            // Values are named by position: a short row has lost some, which cannot be told.
            if raw.width < sink.header_len() {
                let message =
                    format!("row has {} values but the header has {} columns: skipped", raw.width, sink.header_len());
                sink.skip_row(position.line, column, message);
            } else {
                sink.push_row(raw, position);
            }
        })?;
        if let Some(bad) = bad {
            // The row's brackets still bound it: skip to its close and read on.
            if bad.cut_short || !scan.skip_value()? {
                return Err(scan.truncated());
            }
            sink.skip_row(bad.line, bad.column, format!("{}; row skipped", bad.message));
        }
        sink.after_row(scan.offset(), control)?;
        if !scan.next_element()? {
            return Ok(chunk == Some(false));
        }
    }
}
