//! Finding repeated records: within one file (a cache-sized bit filter, then a close look at
//! the few rows it flags) and against the rows already loaded (an index by row hash).

use super::Table;
use crate::threads::Threads;

/// The dedup index of a table's first `rows` rows: each row by its hash.
pub fn index_rows(table: &Table, rows: usize) -> hashbrown::HashTable<u32> {
    let mut index = hashbrown::HashTable::with_capacity(rows);
    for row in 0..rows {
        index.insert_unique(table.row_hash(row), row as u32, |&r| table.row_hash(r as usize));
    }
    index
}

/// Which rows of one file to keep: `None` when every record is there once, else a flag per
/// row, false for a repeat of an earlier row (within one file a repeated record is the same
/// record). A bit per hash, in a filter that fits in cache, shows most rows to be first of
/// their kind; only rows whose bit another row set are looked at closely.
pub fn first_of_each_record(table: &Table, threads: Threads) -> Option<Vec<bool>> {
    let rows = table.len();
    // About eight bits per row: a new row finds its bit taken in roughly one case in eight.
    let bits = (rows.max(64) * 8).next_power_of_two();
    let shift = 64 - bits.trailing_zeros();
    // A bit's word in the filter and its mask there.
    let bit_at = |hash: u64| ((hash >> shift) as usize / 64, 1u64 << ((hash >> shift) % 64));
    // The repeats among the rows whose bit lies in the filter's words `words`, in row order.
    // Equal rows share their bit, so they are all met by the same share, the first of them
    // indexed before any repeat.
    let repeats_in = |words: std::ops::Range<usize>| {
        let word_of = |row: usize| {
            let (word, mask) = bit_at(table.row_hash(row));
            words.contains(&word).then(|| (word - words.start, mask))
        };
        let mut seen = vec![0u64; words.len()];
        let mut suspect = vec![0u64; words.len()];
        let mut any_suspect = false;
        for (word, mask) in (0..rows).filter_map(word_of) {
            any_suspect |= seen[word] & mask != 0;
            suspect[word] |= seen[word] & mask;
            seen[word] |= mask;
        }
        let mut repeats = Vec::new();
        if !any_suspect {
            return repeats;
        }
        let mut index = hashbrown::HashTable::new();
        for row in 0..rows {
            if word_of(row).is_none_or(|(word, mask)| suspect[word] & mask == 0) {
                continue;
            }
            let hash = table.row_hash(row);
            match index.entry(hash, |&r: &u32| table.same_row(r as usize, row), |&r| table.row_hash(r as usize)) {
                hashbrown::hash_table::Entry::Occupied(_) => repeats.push(row),
                hashbrown::hash_table::Entry::Vacant(place) => {
                    place.insert(row as u32);
                }
            }
        }
        repeats
    };
    // One share of the filter's words per thread: each reads every row's hash and looks
    // at the rows of its share only, so the repeats are one pass's whatever the threads.
    let repeats = threads.map_ranges(bits / 64, threads.parts_for(rows, 256 * 1024), repeats_in);
    if repeats.iter().all(Vec::is_empty) {
        return None;
    }
    let mut keep = vec![true; rows];
    for row in repeats.into_iter().flatten() {
        keep[row] = false;
    }
    Some(keep)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::TableKind;
    use crate::model::schema::connection::{BYTES_RECEIVED, BYTES_SENT};
    use crate::store::Cell;

    /// A table big enough to be shared out, with repeats near and far (some of a row that
    /// is itself repeated, some in the other thread's half): every thread count keeps the
    /// first of each record, as a set of the rows seen so far does.
    #[test]
    fn the_first_of_each_record_is_kept_whatever_the_threads() {
        let mut table = Table::new(TableKind::VMConnection);
        let width = table.columns.len();
        let mut rows: Vec<[i64; 2]> = Vec::new();
        for i in 0..600_000i64 {
            let key = match i % 1000 {
                7 => i - 7,
                8 => (i * 7919) % 300_000,
                9 if i > 400_000 => i - 350_000,
                _ => i,
            };
            rows.push([key, key % 13]);
        }
        for row in &rows {
            let mut cells = vec![Cell::Null; width];
            cells[BYTES_SENT] = Cell::Int(row[0]);
            cells[BYTES_RECEIVED] = Cell::Int(row[1]);
            table.push_row(&cells, &[]);
        }
        let mut seen = std::collections::HashSet::new();
        let expected: Vec<bool> = rows.iter().map(|row| seen.insert(*row)).collect();
        assert!(expected.iter().filter(|&&k| !k).count() > 1000);
        for threads in [1, 2, 3] {
            let keep = first_of_each_record(&table, Threads::new(threads)).unwrap_or_default();
            let wrong = (0..rows.len()).find(|&row| keep.get(row) != expected.get(row));
            assert_eq!(wrong, None, "{threads} threads: the first row kept or dropped wrongly");
        }
        // No repeat at all: nothing to drop, on any count.
        let mut unique = Table::new(TableKind::VMConnection);
        for i in 0..600_000i64 {
            let mut cells = vec![Cell::Null; width];
            cells[BYTES_SENT] = Cell::Int(i);
            unique.push_row(&cells, &[]);
        }
        for threads in [1, 2] {
            assert_eq!(first_of_each_record(&unique, Threads::new(threads)), None);
        }
    }
}
