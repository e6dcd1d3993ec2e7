//! Portal "Export to CSV" (all or displayed columns): RFC 4180, ` [UTC]` header suffixes,
//! locale dates, dynamic values as JSON text, quoted fields with commas, quotes and newlines.

use super::csv_split::{CsvSplitter, SplitError};
use super::error::{LoadError, LoadErrorKind};
use super::progress::Control;
use super::rows::{RowPosition, RowSink};
use std::io::Read;

pub fn load<R: Read>(reader: R, sink: &mut RowSink, control: &mut Control<'_>) -> Result<(), LoadError> {
    let mut splitter = CsvSplitter::new(reader);
    let source = sink.source().to_string();
    let read_error = |e: SplitError| {
        let message = match e {
            SplitError::Io(e) => format!("cannot read the file: {e}"),
            SplitError::TooLong => "a record longer than 2 GB: not a CSV export".to_string(),
        };
        LoadError::new(&source, LoadErrorKind::Io, message)
    };
    let Some(header) = splitter.next_record().map_err(read_error)? else {
        return Err(LoadError::new(sink.source(), LoadErrorKind::NotAnExport, "the file is empty"));
    };
    let names: Vec<String> = (0..header.len()).map(|i| String::from_utf8_lossy(header.field(i)).into_owned()).collect();
    sink.set_header(names.iter().map(String::as_str))?;
    while let Some(record) = splitter.next_record().map_err(read_error)? {
        // A lone empty line is not a record.
        if record.is_blank() {
            continue;
        }
        sink.push_row(record.row, RowPosition { line: record.line, record_column: None });
        sink.after_row(splitter.offset(), control)?;
    }
    Ok(())
}
