//! Portal "Export to CSV" (all or displayed columns): RFC 4180, ` [UTC]` header suffixes,
//! locale dates, dynamic values as JSON text, quoted fields with commas, quotes and newlines.

use super::cell::Raw;
use super::error::{LoadError, LoadErrorKind};
use super::progress::Control;
use super::rows::{RowPosition, RowSink};
use std::borrow::Cow;
use std::io::Read;

pub fn load<R: Read>(reader: R, sink: &mut RowSink, control: &mut Control<'_>) -> Result<(), LoadError> {
    let mut csv =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).buffer_capacity(1 << 20).from_reader(reader);
    let mut record = csv::ByteRecord::new();
    let read = |csv: &mut csv::Reader<R>, record: &mut csv::ByteRecord, source: &str| {
        csv.read_byte_record(record).map_err(|e| {
            let line = e.position().map_or(0, csv::Position::line);
            LoadError::new(source, LoadErrorKind::Io, format!("cannot read the CSV: {e}")).at(line, 1)
        })
    };
    if !read(&mut csv, &mut record, sink.source())? {
        return Err(LoadError::new(sink.source(), LoadErrorKind::NotAnExport, "the file is empty"));
    }
    let header: Vec<String> = record.iter().map(|f| String::from_utf8_lossy(f).into_owned()).collect();
    sink.set_header(header.iter().map(String::as_str))?;
    loop {
        if !read(&mut csv, &mut record, sink.source())? {
            break;
        }
        let line = record.position().map_or(0, csv::Position::line);
        let position = RowPosition { line, record_column: None };
        // A fresh vector per row: its values borrow from this row's record.
        let mut values: Vec<Raw<'_>> = Vec::with_capacity(header.len());
        let mut bad_field = None;
        for (i, field) in record.iter().enumerate() {
            match std::str::from_utf8(field) {
                Ok(text) => values.push(Raw::Text(Cow::Borrowed(text))),
                Err(_) => {
                    bad_field = Some(i);
                    break;
                }
            }
        }
        // A lone empty line is not a record.
        if record.len() == 1 && record.get(0).is_some_and(<[u8]>::is_empty) {
            continue;
        }
        match bad_field {
            None => sink.push_row(&values, position),
            Some(i) => sink.push_invalid_row(position, i, "is not UTF-8 text"),
        }
        let bytes = record.position().map_or(0, csv::Position::byte);
        if control.tick(bytes, sink.rows_seen()).is_err() {
            return Err(LoadError::new(sink.source(), LoadErrorKind::Cancelled, "loading cancelled"));
        }
    }
    Ok(())
}
