//! A streaming RFC 4180 record splitter, faster than a general CSV reader because it does
//! only what the portal's exports need: `,` separators, `"` quoting with `""` escapes,
//! CRLF or LF, quoted fields spanning lines. Unquoted runs are found with `memchr`, so most
//! bytes are looked at once by SIMD code.

use std::io::Read;

use super::window::CHUNK_BYTES;

/// One record's fields, unescaped, back to back in `text`, with their end offsets.
#[derive(Debug, Default)]
pub struct Record {
    pub text: Vec<u8>,
    pub ends: Vec<usize>,
    /// 1-based line the record starts on.
    pub line: u64,
}

impl Record {
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    pub fn field(&self, i: usize) -> &[u8] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.text[start..self.ends[i]]
    }

    /// A record that is one empty line.
    pub fn is_blank(&self) -> bool {
        self.ends.len() == 1 && self.ends[0] == 0
    }
}

pub struct CsvSplitter<R> {
    reader: R,
    buf: Vec<u8>,
    start: usize,
    end: usize,
    eof: bool,
    /// File offset of `buf[start]` and the line number there.
    offset: u64,
    line: u64,
}

/// Why a record could not be read.
pub enum SplitError {
    Io(std::io::Error),
}

enum Outcome {
    Complete(usize),
    /// The window ends inside the record.
    NeedMore,
}

impl<R: Read> CsvSplitter<R> {
    pub fn new(reader: R) -> Self {
        CsvSplitter { reader, buf: vec![0; CHUNK_BYTES], start: 0, end: 0, eof: false, offset: 0, line: 1 }
    }

    /// Bytes consumed so far.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    fn fill(&mut self) -> Result<bool, SplitError> {
        super::window::refill(&mut self.reader, &mut self.buf, &mut self.start, &mut self.end, &mut self.eof)
            .map_err(SplitError::Io)
    }

    /// Reads the next record into `record`; false at the end of the file.
    pub fn next_record(&mut self, record: &mut Record) -> Result<bool, SplitError> {
        loop {
            if self.start == self.end && !self.fill()? {
                return Ok(false);
            }
            record.text.clear();
            record.ends.clear();
            record.line = self.line;
            match split(&self.buf[self.start..self.end], self.eof, record) {
                Outcome::Complete(used) => {
                    let consumed = &self.buf[self.start..self.start + used];
                    self.line += memchr::memchr_iter(b'\n', consumed).count() as u64;
                    self.start += used;
                    self.offset += used as u64;
                    return Ok(true);
                }
                Outcome::NeedMore => {
                    if !self.fill()? {
                        // The file ended: what is left is the last record, however it ends.
                        self.eof = true;
                    }
                }
            }
        }
    }
}

/// Splits one record from the start of `bytes`. At the end of the file a record may end
/// without a newline, and an unclosed quote runs to the end.
fn split(bytes: &[u8], at_eof: bool, record: &mut Record) -> Outcome {
    let mut pos = 0;
    loop {
        // One field.
        if bytes.get(pos) == Some(&b'"') {
            pos += 1;
            loop {
                match memchr::memchr(b'"', &bytes[pos..]) {
                    Some(i) => {
                        record.text.extend_from_slice(&bytes[pos..pos + i]);
                        pos += i + 1;
                        match bytes.get(pos) {
                            Some(b'"') => {
                                record.text.push(b'"');
                                pos += 1;
                            }
                            Some(_) => break,
                            None if at_eof => break,
                            None => return Outcome::NeedMore,
                        }
                    }
                    None if at_eof => {
                        record.text.extend_from_slice(&bytes[pos..]);
                        pos = bytes.len();
                        break;
                    }
                    None => return Outcome::NeedMore,
                }
            }
            // Text after the closing quote (malformed, but seen): kept up to the separator.
            if let Some(i) = memchr::memchr3(b',', b'\n', b'\r', &bytes[pos..]) {
                record.text.extend_from_slice(&bytes[pos..pos + i]);
                pos += i;
            } else if at_eof {
                record.text.extend_from_slice(&bytes[pos..]);
                pos = bytes.len();
            } else {
                return Outcome::NeedMore;
            }
        } else {
            match memchr::memchr3(b',', b'\n', b'\r', &bytes[pos..]) {
                Some(i) => {
                    record.text.extend_from_slice(&bytes[pos..pos + i]);
                    pos += i;
                }
                None if at_eof => {
                    record.text.extend_from_slice(&bytes[pos..]);
                    pos = bytes.len();
                }
                None => return Outcome::NeedMore,
            }
        }
        record.ends.push(record.text.len());
        // The separator after the field.
        match bytes.get(pos) {
            Some(b',') => pos += 1,
            Some(b'\r') => {
                pos += 1;
                match bytes.get(pos) {
                    Some(b'\n') => return Outcome::Complete(pos + 1),
                    Some(_) => return Outcome::Complete(pos),
                    None if at_eof => return Outcome::Complete(pos),
                    None => return Outcome::NeedMore,
                }
            }
            Some(_) => return Outcome::Complete(pos + 1),
            None if at_eof => return Outcome::Complete(pos),
            None => return Outcome::NeedMore,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(text: &str) -> Vec<(u64, Vec<String>)> {
        let mut splitter = CsvSplitter::new(text.as_bytes());
        let mut record = Record::default();
        let mut out = Vec::new();
        while let Ok(true) = splitter.next_record(&mut record) {
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
}
