//! The loaded workspace: every loaded file's records merged into one table per kind, with
//! exact duplicates dropped (loading the same records twice counts them once) and each row
//! remembering which files hold it, so closing one file keeps what the others loaded.

pub mod column;
mod dedup;
pub mod intern;
pub mod table;

pub use column::{Cell, Column};
pub use intern::{Interner, Remap, Sym};
pub use table::Table;

use crate::model::TableKind;
use dedup::{first_of_each_record, index_rows};

/// Identifies one loaded file for as long as the store lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(pub u32);

/// What one file brought in: the output of ingest, not yet merged.
#[derive(Debug)]
pub struct Batch {
    /// The file's name or path as the user gave it.
    pub source: String,
    pub bytes: u64,
    pub interner: Interner,
    pub tables: [Table; 4],
}

impl Batch {
    pub fn new(source: impl Into<String>) -> Self {
        Batch { source: source.into(), bytes: 0, interner: Interner::default(), tables: TableKind::ALL.map(Table::new) }
    }

    pub fn table(&self, kind: TableKind) -> &Table {
        &self.tables[kind.index()]
    }

    pub fn table_mut(&mut self, kind: TableKind) -> &mut Table {
        &mut self.tables[kind.index()]
    }

    pub fn rows(&self) -> usize {
        self.tables.iter().map(Table::len).sum()
    }
}

/// A file in the Loaded files list.
#[derive(Clone, Debug)]
pub struct LoadedFile {
    pub id: FileId,
    pub source: String,
    pub bytes: u64,
    /// Records the file holds per table (`TableKind::index` order), duplicates included.
    pub records: [usize; 4],
    /// Of those, how many were already loaded (from this or another file).
    pub duplicates: usize,
}

/// Per-table bookkeeping for dedup and file ownership.
#[derive(Clone, Debug, Default)]
struct Owners {
    /// The file that first brought each row.
    origin: Vec<FileId>,
    /// Other files that hold the same record: (row, file).
    also: Vec<(u32, FileId)>,
    /// Rows by their hash (the table keeps each row's hash); built when a second file needs
    /// it, so loading one file never pays for it.
    index: Option<hashbrown::HashTable<u32>>,
}

/// Cloned only when the app changes a store a background query still reads.
#[derive(Clone, Debug)]
pub struct Store {
    pub interner: Interner,
    tables: [Table; 4],
    owners: [Owners; 4],
    files: Vec<LoadedFile>,
    next_file: u32,
    /// Bumped on every change, so caches of derived data know when to recompute.
    generation: u64,
}

impl Default for Store {
    fn default() -> Self {
        Store {
            interner: Interner::default(),
            tables: TableKind::ALL.map(Table::new),
            owners: Default::default(),
            files: Vec::new(),
            next_file: 0,
            generation: 0,
        }
    }
}

impl Store {
    pub fn table(&self, kind: TableKind) -> &Table {
        &self.tables[kind.index()]
    }

    pub fn files(&self) -> &[LoadedFile] {
        &self.files
    }

    pub fn generation(&self) -> u64 {
        self.generation
    }

    pub fn str(&self, sym: Sym) -> &str {
        self.interner.resolve(sym)
    }

    /// The text of a string cell of a table.
    pub fn text(&self, kind: TableKind, column: usize, row: usize) -> &str {
        self.interner.resolve(self.table(kind).col(column).sym(row))
    }

    pub fn is_empty(&self) -> bool {
        self.tables.iter().all(Table::is_empty)
    }

    pub fn record_counts(&self) -> [usize; 4] {
        TableKind::ALL.map(|kind| self.table(kind).len())
    }

    /// Adds a file's records; returns its id.
    pub fn merge(&mut self, batch: Batch) -> FileId {
        let id = FileId(self.next_file);
        self.next_file += 1;
        self.generation += 1;
        let records = TableKind::ALL.map(|kind| batch.table(kind).len());
        let before: usize = self.tables.iter().map(Table::len).sum();
        let Batch { source, bytes, interner, mut tables } = batch;
        tables.iter_mut().for_each(Table::complete);
        if self.is_empty() && self.interner.len() <= 1 {
            // Adopt the batch as it is: no copy, so a big first file needs no second copy in memory.
            self.interner = interner;
            for (kind, table) in TableKind::ALL.into_iter().zip(tables) {
                self.adopt(kind, table, id);
            }
        } else {
            let remap = self.interner.absorb(&interner);
            for (kind, table) in TableKind::ALL.into_iter().zip(tables) {
                self.append(kind, table, &remap, id);
            }
        }
        let after: usize = self.tables.iter().map(Table::len).sum();
        let total: usize = records.iter().sum();
        self.files.push(LoadedFile { id, source, bytes, records, duplicates: total - (after - before) });
        id
    }

    fn adopt(&mut self, kind: TableKind, mut table: Table, id: FileId) {
        let k = kind.index();
        table.ensure_hashes();
        let keep = first_of_each_record(&table, crate::threads::Threads::current());
        self.tables[k] = table;
        if let Some(keep) = keep {
            self.tables[k].retain(&keep);
        }
        let origin = vec![id; self.tables[k].len()];
        self.owners[k] = Owners { origin, also: Vec::new(), index: None };
    }

    /// Looks the last row (`row`, always the next unindexed one) up among the rows before it;
    /// indexes it when new. Returns the earlier row it duplicates.
    fn find_or_index(&mut self, k: usize, row: usize) -> Option<u32> {
        let table = &self.tables[k];
        let index = self.owners[k].index.get_or_insert_with(|| index_rows(table, row));
        let hash = table.row_hash(row);
        if let Some(&found) = index.find(hash, |&r| r as usize != row && table.same_row(r as usize, row)) {
            return Some(found);
        }
        index.insert_unique(hash, row as u32, |&r| table.row_hash(r as usize));
        None
    }

    /// Adds a later file's table: its columns are appended a vector at a time (symbols
    /// renumbered), then each new row is looked up among the rows before it and the repeats
    /// are dropped in one pass. A table the store does not hold yet is adopted whole.
    fn append(&mut self, kind: TableKind, mut batch: Table, remap: &Remap, id: FileId) {
        let k = kind.index();
        if self.tables[k].is_empty() {
            batch.renumber(remap);
            return self.adopt(kind, batch, id);
        }
        let start = self.tables[k].len();
        self.tables[k].append(batch, remap);
        self.tables[k].ensure_hashes();
        let end = self.tables[k].len();
        let mut keep = vec![true; end];
        // Every new row gets an owner for now, so owners stay indexed by row until the repeats go.
        self.owners[k].origin.resize(end, id);
        for (row, flag) in keep.iter_mut().enumerate().skip(start) {
            if let Some(existing) = self.find_or_index(k, row) {
                *flag = false;
                let owners = &mut self.owners[k];
                // A repeat of a row this file brought too needs no second owner.
                if owners.origin[existing as usize] != id && !owners.also.contains(&(existing, id)) {
                    owners.also.push((existing, id));
                }
            }
        }
        if keep[start..].iter().any(|&k| !k) {
            self.tables[k].retain(&keep);
            let mut flags = keep.iter();
            self.owners[k].origin.retain(|_| flags.next().copied().unwrap_or(true));
            // New rows moved down: the index is rebuilt when next needed.
            self.owners[k].index = None;
        }
    }

    /// Removes a file: its records go unless another loaded file holds them too.
    pub fn close_file(&mut self, id: FileId) -> bool {
        let Some(position) = self.files.iter().position(|f| f.id == id) else {
            return false;
        };
        self.files.remove(position);
        self.generation += 1;
        for k in 0..4 {
            let owners = std::mem::take(&mut self.owners[k]);
            let mut origin = owners.origin;
            let mut keep = vec![true; origin.len()];
            let mut also: Vec<(u32, FileId)> = owners.also.into_iter().filter(|&(_, f)| f != id).collect();
            for (row, owner) in origin.iter_mut().enumerate() {
                if *owner != id {
                    continue;
                }
                if let Some(i) = also.iter().position(|&(r, _)| r as usize == row) {
                    *owner = also.swap_remove(i).1;
                } else {
                    keep[row] = false;
                }
            }
            // Row numbers shift down by the number of removed rows before them.
            let mut new_row = Vec::with_capacity(keep.len());
            let mut next = 0u32;
            for &k in &keep {
                new_row.push(next);
                next += u32::from(k);
            }
            let also =
                also.into_iter().filter(|&(r, _)| keep[r as usize]).map(|(r, f)| (new_row[r as usize], f)).collect();
            let origin: Vec<FileId> = origin.into_iter().zip(&keep).filter(|(_, k)| **k).map(|(o, _)| o).collect();
            self.tables[k].retain(&keep);
            // Row numbers changed: the dedup index is rebuilt when next needed.
            self.owners[k] = Owners { origin, also, index: None };
        }
        true
    }

    /// Forgets everything.
    pub fn clear(&mut self) {
        let generation = self.generation + 1;
        *self = Store { generation, next_file: self.next_file, ..Store::default() };
    }

    /// The file each row of a table first came from.
    pub fn origin(&self, kind: TableKind, row: usize) -> Option<FileId> {
        self.owners[kind.index()].origin.get(row).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::schema::connection;

    /// A file of `rows` connection rows where row `r` holds record `record(r)`.
    fn batch(rows: usize, record: impl Fn(usize) -> i64) -> Batch {
        let mut batch = Batch::new("f.json");
        let table = batch.table_mut(TableKind::VMConnection);
        for row in 0..rows {
            table.columns[connection::BYTES_SENT].push_int(record(row));
            table.columns[connection::LINKS_FAILED].push_int(record(row) % 3);
            table.end_row();
        }
        batch
    }

    #[test]
    fn a_file_keeps_the_first_of_each_repeated_record_and_a_second_file_is_checked_against_it() {
        // 30,000 rows, every 7th a repeat of the row 1,000 before it: 4,286 repeats, far apart.
        let record = |row: usize| if row % 7 == 6 && row >= 1000 { (row - 1000) as i64 } else { row as i64 };
        let rows = 30_000;
        let repeats = (0..rows).filter(|&r| record(r) != r as i64).count();
        let mut store = Store::default();
        store.merge(batch(rows, record));
        let table = store.table(TableKind::VMConnection);
        assert_eq!(table.len(), rows - repeats);
        assert_eq!(store.files()[0].duplicates, repeats);
        let sent: Vec<i64> = (0..table.len()).filter_map(|r| table.col(connection::BYTES_SENT).int(r)).collect();
        let mut distinct = sent.clone();
        distinct.sort_unstable();
        distinct.dedup();
        assert_eq!(distinct.len(), sent.len(), "no record twice");
        assert_eq!(sent[..3], [0, 1, 2], "first rows kept in order");

        // A second file: half its records are already loaded, the rest are new.
        let second = store.merge(batch(2000, |row| if row % 2 == 0 { row as i64 / 2 } else { 1_000_000 + row as i64 }));
        assert_eq!(store.files()[1].duplicates, 1000);
        assert_eq!(store.table(TableKind::VMConnection).len(), rows - repeats + 1000);
        assert!(store.close_file(second));
        assert_eq!(store.table(TableKind::VMConnection).len(), rows - repeats);
    }

    /// A later file into a table the store holds: its rows are appended column by column,
    /// then its repeats (of loaded rows and of its own) dropped, in order, owners kept.
    #[test]
    fn a_later_file_is_appended_whole_and_its_repeats_dropped() {
        let mut store = Store::default();
        let first = store.merge(batch(100, |row| row as i64));
        let mut later = batch(6, |row| [5, 200, 200, 7, 201, 100][row]);
        let extra = later.table_mut(TableKind::VMConnection).extra_index("Note");
        let note = later.interner.intern("new");
        // The note is on the later file's fifth row (record 201).
        let notes = &mut later.table_mut(TableKind::VMConnection).extras[extra].1;
        notes.truncate(4);
        notes.push_sym(note);
        notes.pad_to(6);
        let second = store.merge(later);
        let table = store.table(TableKind::VMConnection);
        let sent: Vec<i64> = (100..table.len()).filter_map(|r| table.col(connection::BYTES_SENT).int(r)).collect();
        assert_eq!(sent, [200, 201, 100], "new records in file order, each once");
        assert_eq!(store.files()[1].duplicates, 3);
        assert_eq!(table.extra("Note", 101), Cell::Str(store.interner.lookup("new").unwrap_or_default()));
        assert_eq!(table.extra("Note", 100), Cell::Null);
        assert_eq!(
            (store.origin(TableKind::VMConnection, 5), store.origin(TableKind::VMConnection, 100)),
            (Some(first), Some(second))
        );
        // Records 5 and 7 are held by both files: closing the first keeps them.
        assert!(store.close_file(first));
        let table = store.table(TableKind::VMConnection);
        let mut left: Vec<i64> = (0..table.len()).filter_map(|r| table.col(connection::BYTES_SENT).int(r)).collect();
        left.sort_unstable();
        assert_eq!(left, [5, 7, 100, 200, 201]);
        // A third file repeating the second's rows adds nothing.
        store.merge(batch(2, |row| [201, 7][row]));
        assert_eq!(store.table(TableKind::VMConnection).len(), 5);
    }

    #[test]
    fn a_file_without_repeats_is_kept_whole() {
        let mut store = Store::default();
        store.merge(batch(10_000, |row| row as i64));
        assert_eq!(store.files()[0].duplicates, 0);
        assert_eq!(store.table(TableKind::VMConnection).len(), 10_000);
    }
}
