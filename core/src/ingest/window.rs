//! The growable window over a file that the CSV splitter and the JSON scanner both read
//! through: memory holds the window, never the whole file.

use std::io::Read;

/// Bytes read per refill.
pub const CHUNK_BYTES: usize = 1 << 20;

/// The longest record either reader holds in its window: a longer one (in practice a CSV
/// quote never closed, or a runaway JSON value) is skipped with a warning while reading
/// streams on, so a 1 GB file with one bad record needs no 1 GB window.
pub const MAX_RECORD_BYTES: usize = 64 << 20;

/// Moves the unread bytes `buf[*start..*end]` to the front, grows the buffer when one value
/// fills it (a 10 MB line), and reads more. False at the end of the file.
pub fn refill(
    reader: &mut impl Read,
    buf: &mut Vec<u8>,
    start: &mut usize,
    end: &mut usize,
    eof: &mut bool,
) -> std::io::Result<bool> {
    if *eof {
        return Ok(false);
    }
    if *start > 0 {
        buf.copy_within(*start..*end, 0);
        *end -= *start;
        *start = 0;
    }
    if *end == buf.len() {
        buf.resize(buf.len().max(CHUNK_BYTES) * 2, 0);
    }
    loop {
        match reader.read(&mut buf[*end..]) {
            Ok(0) => {
                *eof = true;
                return Ok(false);
            }
            Ok(n) => {
                *end += n;
                return Ok(true);
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}
