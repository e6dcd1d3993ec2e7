//! Records as JSON objects: the `az monitor log-analytics query` array (every value a
//! string, `"None"` for null, a `TableName` key), a plain JSON array of records, and the
//! JSON Lines blobs of workspace data-export rules (one record per line).

use super::cell::NullText;
use super::error::{LoadError, LoadErrorKind};
use super::json_scan::{JsonScan, ObjectRow};
use super::progress::Control;
use super::rows::{RowPosition, RowSink};
use std::io::Read;

/// `[ {...}, {...} ]`
pub fn load_array<R: Read>(
    scan: &mut JsonScan<R>,
    sink: &mut RowSink,
    control: &mut Control<'_>,
) -> Result<(), LoadError> {
    scan.expect(b'[', "'['")?;
    if scan.peek()? == Some(b']') {
        return scan.expect(b']', "']'");
    }
    loop {
        if scan.peek()? != Some(b'{') {
            return Err(scan.error(LoadErrorKind::NotAnExport, "a JSON array whose elements are not records (objects)"));
        }
        load_record(scan, sink)?;
        tick(scan, sink, control)?;
        if !scan.next_element()? {
            break;
        }
    }
    if let Some(b) = scan.peek()? {
        let (line, _) = scan.position();
        sink.note(
            line,
            format!("text after the end of the JSON array (starting with {:?}) was ignored", char::from(b)),
        );
    }
    Ok(())
}

/// `{...}\n{...}\n`
pub fn load_lines<R: Read>(
    scan: &mut JsonScan<R>,
    sink: &mut RowSink,
    control: &mut Control<'_>,
) -> Result<(), LoadError> {
    while let Some(b) = scan.peek()? {
        if b != b'{' {
            return Err(
                scan.error(LoadErrorKind::Malformed, format!("expected a record ('{{') but found {:?}", char::from(b)))
            );
        }
        load_record(scan, sink)?;
        tick(scan, sink, control)?;
    }
    Ok(())
}

fn tick<R: Read>(scan: &JsonScan<R>, sink: &RowSink, control: &mut Control<'_>) -> Result<(), LoadError> {
    control
        .tick(scan.offset(), sink.rows_seen())
        .map_err(|_| LoadError::new(sink.source(), LoadErrorKind::Cancelled, "loading cancelled"))
}

fn load_record<R: Read>(scan: &mut JsonScan<R>, sink: &mut RowSink) -> Result<(), LoadError> {
    let (line, column) = scan.position();
    let position = RowPosition { line, record_column: Some(column) };
    let mut header_error = None;
    scan.object_row(|row: ObjectRow<'_>| {
        if !sink.same_header(row.keys.iter().map(|k| k.as_ref())) {
            // The az CLI marks its output with a TableName key and writes null as "None".
            if row.keys.first().is_some_and(|k| k == "TableName") {
                sink.set_null_text(NullText::EmptyOrNone);
            }
            if let Err(e) = sink.set_header(row.keys.iter().map(|k| k.as_ref())) {
                header_error = Some(e.at(position.line, column));
                return;
            }
        }
        sink.push_row(&row.values, position);
    })?;
    header_error.map_or(Ok(()), Err)
}
