//! Finding repeated records: within one file (a cache-sized bit filter, then a close look at
//! the few rows it flags) and against the rows already loaded (an index by row hash).

use super::Table;

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
pub fn first_of_each_record(table: &Table) -> Option<Vec<bool>> {
    let rows = table.len();
    // About eight bits per row: a new row finds its bit taken in roughly one case in sixteen.
    let bits = (rows.max(64) * 8).next_power_of_two();
    let shift = 64 - bits.trailing_zeros();
    // A bit's word in the filter and its mask there.
    let bit_at = |hash: u64| ((hash >> shift) as usize / 64, 1u64 << ((hash >> shift) % 64));
    let mut seen = vec![0u64; bits / 64];
    let mut suspect = vec![0u64; bits / 64];
    let mut any_suspect = false;
    for row in 0..rows {
        let (word, mask) = bit_at(table.row_hash(row));
        if seen[word] & mask != 0 {
            suspect[word] |= mask;
            any_suspect = true;
        }
        seen[word] |= mask;
    }
    if !any_suspect {
        return None;
    }
    // Equal rows share their bit, so the first of them is indexed before any repeat is met.
    let mut keep = vec![true; rows];
    let mut index = hashbrown::HashTable::new();
    for (row, flag) in keep.iter_mut().enumerate() {
        let hash = table.row_hash(row);
        let (word, mask) = bit_at(hash);
        if suspect[word] & mask == 0 {
            continue;
        }
        match index.entry(hash, |&r: &u32| table.same_row(r as usize, row), |&r| table.row_hash(r as usize)) {
            hashbrown::hash_table::Entry::Occupied(_) => *flag = false,
            hashbrown::hash_table::Entry::Vacant(place) => {
                place.insert(row as u32);
            }
        }
    }
    keep.iter().any(|&k| !k).then_some(keep)
}
