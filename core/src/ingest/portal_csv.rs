//! Portal "Export to CSV" (all or displayed columns): RFC 4180, ` [UTC]` header suffixes,
//! locale dates, dynamic values as JSON text, quoted fields with commas, quotes and newlines.

use super::csv_split::{CsvSplitter, Record, SplitError};
use super::error::{LoadError, LoadErrorKind};
use super::progress::Control;
use super::rows::{RowPosition, RowSink};
use std::io::Read;

pub fn load<R: Read>(reader: R, sink: &mut RowSink, control: &mut Control<'_>) -> Result<(), LoadError> {
    let mut splitter = CsvSplitter::new(reader);
    let mut record = Record::default();
    let next = |splitter: &mut CsvSplitter<R>, record: &mut Record, source: &str| {
        splitter.next_record(record).map_err(|SplitError::Io(e)| {
            LoadError::new(source, LoadErrorKind::Io, format!("cannot read the file: {e}")).at(record.line, 1)
        })
    };
    if !next(&mut splitter, &mut record, sink.source())? {
        return Err(LoadError::new(sink.source(), LoadErrorKind::NotAnExport, "the file is empty"));
    }
    let header: Vec<String> =
        (0..record.len()).map(|i| String::from_utf8_lossy(record.field(i)).into_owned()).collect();
    sink.set_header(header.iter().map(String::as_str))?;
    while next(&mut splitter, &mut record, sink.source())? {
        // A lone empty line is not a record.
        if record.is_blank() {
            continue;
        }
        sink.push_record(&record, RowPosition { line: record.line, record_column: None });
        if sink.rows_seen() == 4096 {
            sink.expect_rows(splitter.offset(), control.bytes_total());
        }
        if control.tick(splitter.offset(), sink.rows_seen()).is_err() {
            return Err(LoadError::new(sink.source(), LoadErrorKind::Cancelled, "loading cancelled"));
        }
    }
    Ok(())
}
