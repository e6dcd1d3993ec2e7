//! The rows of one table: one [`Column`] per schema column, plus columns the schema does not
//! know (kept as text for the detail panels).

use super::column::{Cell, Column, cell_hash};
use super::intern::Remap;
use crate::mix::mix64;
use crate::model::{ColType, TableKind};

/// Rows hashed together by [`Table::ensure_hashes`]: 32 KB of sums.
const HASH_BLOCK: usize = 4096;

#[derive(Clone, Debug)]
pub struct Table {
    pub kind: TableKind,
    /// Index-aligned with `kind.columns()`.
    pub columns: Vec<Column>,
    /// Columns outside the schema, by header name, in the order first seen.
    pub extras: Vec<(String, Column)>,
    /// Each row's dedup sum: of its schema cells' [`cell_hash`]es (extras do not make a record
    /// different), mixed by [`Table::row_hash`]. Rows pushed cell by cell ([`Table::end_row`])
    /// get theirs in one column-wise pass ([`Table::ensure_hashes`]) before the store looks.
    hashes: Vec<u64>,
    len: usize,
}

impl Table {
    pub fn new(kind: TableKind) -> Self {
        Table {
            kind,
            columns: kind.columns().iter().map(|c| Column::new(c.ty)).collect(),
            extras: Vec::new(),
            hashes: Vec::new(),
            len: 0,
        }
    }

    /// An empty table of the same kind for about `rows` rows, each column laid out as
    /// this one's ([`Column::fresh_like`]), its extra columns not yet made.
    pub fn fresh_like(&self, rows: usize) -> Table {
        Table {
            kind: self.kind,
            columns: self.columns.iter().map(|c| c.fresh_like(rows)).collect(),
            extras: Vec::new(),
            hashes: Vec::new(),
            len: 0,
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn col(&self, index: usize) -> &Column {
        &self.columns[index]
    }

    /// The extra column of that name, created (null on every earlier row) if new.
    pub fn extra_index(&mut self, name: &str) -> usize {
        if let Some(i) = self.extras.iter().position(|(n, _)| n == name) {
            return i;
        }
        let mut column = Column::new(ColType::Str);
        column.pad_to(self.len);
        self.extras.push((name.to_string(), column));
        self.extras.len() - 1
    }

    /// Appends one row: `cells` index-aligned with the schema, `extras` as (extra index, cell).
    pub fn push_row(&mut self, cells: &[Cell], extras: &[(usize, Cell)]) {
        self.ensure_hashes();
        let hash = cells.iter().enumerate().fold(0u64, |h, (i, &cell)| h.wrapping_add(cell_hash(i, cell)));
        self.hashes.push(hash);
        let row = self.len;
        for (column, &cell) in self.columns.iter_mut().zip(cells) {
            column.pad_to(row);
            column.push(cell);
        }
        for &(i, cell) in extras {
            if let Some((_, column)) = self.extras.get_mut(i) {
                column.pad_to(row);
                column.push(cell);
            }
        }
        self.end_row();
    }

    /// Completes a row whose values were pushed straight into its columns. A column the row
    /// gave no value is not touched: it catches up with nulls when it next gets a value (whoever
    /// pushes one pads the column to its row first, [`Column::pad_to`]) or when the table is
    /// completed ([`Table::complete`]). Nulls are a third of a connection row, and most of
    /// them are in columns that are null on every row.
    pub fn end_row(&mut self) {
        self.len += 1;
    }

    /// Appends the rows of `other` (the same table of a later chunk of the file), its symbols
    /// renumbered by `remap` (see [`Column::append`]) and its extra columns matched by name
    /// (created here when new). Row hashes are left to [`Table::ensure_hashes`]: they depend
    /// on the symbols, which changed.
    pub fn append(&mut self, mut other: Table, remap: &Remap) {
        if other.is_empty() {
            return;
        }
        other.complete();
        self.complete();
        let base = self.len;
        for (mine, theirs) in self.columns.iter_mut().zip(&other.columns) {
            mine.append(theirs, remap);
        }
        for (name, theirs) in &other.extras {
            let i = self.extra_index(name);
            if let Some((_, mine)) = self.extras.get_mut(i) {
                mine.append(theirs, remap);
            }
        }
        self.len = base + other.len;
        self.complete();
    }

    /// Renumbers the symbols of every string cell by `remap` (see [`Column::append`]): a
    /// table moving to another interner. Row hashes depend on symbols, so they are redone.
    pub fn renumber(&mut self, remap: &Remap) {
        use rayon::prelude::*;
        let columns: Vec<&mut Column> = self.columns.iter_mut().chain(self.extras.iter_mut().map(|(_, c)| c)).collect();
        // Columns are independent: a big table's are shared out over the process's threads.
        let threads = crate::threads::Threads::current();
        if threads.is_serial() || self.len < 16 * HASH_BLOCK {
            columns.into_iter().for_each(|c| c.renumber(remap));
        } else {
            threads.install(|| columns.into_par_iter().for_each(|c| c.renumber(remap)));
        }
        self.hashes.clear();
    }

    /// Pads every column to the table's length (see [`Table::end_row`]).
    pub fn complete(&mut self) {
        let len = self.len;
        for column in self.columns.iter_mut().chain(self.extras.iter_mut().map(|(_, c)| c)) {
            column.pad_to(len);
        }
    }

    /// Drops the values pushed for a row that will not be completed.
    pub fn abandon_row(&mut self) {
        let len = self.len;
        for column in self.columns.iter_mut().chain(self.extras.iter_mut().map(|(_, c)| c)) {
            column.truncate(len);
        }
    }

    /// Computes the dedup hashes of rows pushed without one, column by column; blocks of
    /// rows are independent, so a big table's are shared out over the process's threads.
    pub fn ensure_hashes(&mut self) {
        let from = self.hashes.len();
        if from >= self.len {
            return;
        }
        self.hashes.resize(self.len, 0);
        let Table { columns, hashes, .. } = self;
        // Block by block, so the block's sums stay in cache while every column adds to them.
        let hash_block = |(number, block): (usize, &mut [u64])| {
            let start = from + number * HASH_BLOCK;
            for (i, column) in columns.iter().enumerate() {
                column.add_hashes(i, start, block);
            }
        };
        let threads = crate::threads::Threads::current();
        let unhashed = &mut hashes[from..];
        if threads.is_serial() || unhashed.len() < 16 * HASH_BLOCK {
            unhashed.chunks_mut(HASH_BLOCK).enumerate().for_each(hash_block);
        } else {
            use rayon::prelude::*;
            threads.install(|| unhashed.par_chunks_mut(HASH_BLOCK).enumerate().for_each(hash_block));
        }
    }

    /// Makes room for `rows` rows in all.
    pub fn reserve_total(&mut self, rows: usize) {
        self.hashes.reserve(rows.saturating_sub(self.len));
        for column in &mut self.columns {
            column.reserve_total(rows);
        }
    }

    /// Drops rows from `len` on (undoes pushes).
    pub fn truncate(&mut self, len: usize) {
        self.hashes.truncate(len);
        for column in &mut self.columns {
            column.truncate(len);
        }
        for (_, column) in &mut self.extras {
            column.truncate(len);
        }
        self.len = self.len.min(len);
    }

    /// Keeps the rows whose flag is set; `keep.len()` must equal `self.len()`.
    pub fn retain(&mut self, keep: &[bool]) {
        let mut i = 0;
        self.hashes.retain(|_| {
            i += 1;
            keep.get(i - 1).copied().unwrap_or(true)
        });
        for column in &mut self.columns {
            column.retain(keep);
        }
        for (_, column) in &mut self.extras {
            column.retain(keep);
        }
        self.len = keep.iter().filter(|&&k| k).count();
    }

    /// The dedup hash of a row: its cells' sum (see [`Table::ensure_hashes`]), mixed.
    pub fn row_hash(&self, row: usize) -> u64 {
        mix64(self.hashes.get(row).copied().unwrap_or_default())
    }

    pub fn same_row(&self, row: usize, other_row: usize) -> bool {
        self.columns.iter().all(|c| c.same_cell(row, c, other_row))
    }

    /// The value of an extra column on a row, by name.
    pub fn extra(&self, name: &str, row: usize) -> Cell {
        self.extras.iter().find(|(n, _)| n == name).map_or(Cell::Null, |(_, c)| c.get(row))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::schema::{self, connection};
    use crate::store::Sym;

    /// Rows pushed column by column and hashed block by block hash as rows pushed whole do,
    /// across block edges and with a mostly-null (sparse) column.
    #[test]
    fn column_wise_hashes_equal_row_wise_hashes() {
        let kind = TableKind::VMConnection;
        let cells_of = |row: usize| -> Vec<Cell> {
            kind.columns()
                .iter()
                .enumerate()
                .map(|(i, c)| match (c.ty, c.name) {
                    // A sparse column: a value on one row in 1,000.
                    (_, "MaliciousIp") if row % 1000 == 3 => Cell::Str(Sym(row as u32)),
                    (_, "MaliciousIp") => Cell::Null,
                    (ColType::Str, _) => Cell::Str(Sym(row as u32 % 7 + 1)),
                    (ColType::Int, _) => Cell::Int(row as i64 * i as i64),
                    _ => Cell::Null,
                })
                .collect()
        };
        let rows = 3 * HASH_BLOCK + 17;
        let (mut whole, mut by_column) = (Table::new(kind), Table::new(kind));
        for row in 0..rows {
            let cells = cells_of(row);
            whole.push_row(&cells, &[]);
            for (column, &cell) in by_column.columns.iter_mut().zip(&cells) {
                column.push(cell);
            }
            by_column.end_row();
        }
        by_column.ensure_hashes();
        for row in [0, 3, HASH_BLOCK - 1, HASH_BLOCK, HASH_BLOCK + 3, 2003, rows - 1] {
            assert_eq!(whole.row_hash(row), by_column.row_hash(row), "row {row}");
        }
        assert!(matches!(by_column.col(schema::connection::MALICIOUS_IP).get(2003), Cell::Str(_)));
        assert_ne!(whole.row_hash(3), whole.row_hash(4));
        assert!(whole.same_row(5, 5) && !whole.same_row(5, 6));
    }

    /// Columns a row gave no value read as null on that row, whether they catch up when
    /// their next value comes, when the table is completed, or when a merged row is pushed.
    #[test]
    fn rows_without_a_value_read_as_null() {
        let mut table = Table::new(TableKind::VMConnection);
        let (every_third, rare) = (connection::BYTES_SENT, connection::MALICIOUS_IP);
        for row in 0..10_000 {
            if row % 3 == 0 {
                table.columns[every_third].pad_to(row);
                table.columns[every_third].push_int(row as i64);
            }
            if row == 5000 {
                let extra = table.extra_index("Note");
                table.extras[extra].1.pad_to(row);
                table.extras[extra].1.push_sym(Sym(9));
                table.columns[rare].pad_to(row);
                table.columns[rare].push_sym(Sym(8));
            }
            table.end_row();
        }
        table.complete();
        let cells = vec![Cell::Null; table.columns.len()];
        table.push_row(&cells, &[]);
        table.push_row(&cells, &[(0, Cell::Str(Sym(7)))]);
        assert_eq!(table.len(), 10_002);
        for column in table.columns.iter().chain(table.extras.iter().map(|(_, c)| c)) {
            assert_eq!(column.len(), 10_002);
        }
        let sent = table.col(every_third);
        assert_eq!((sent.int(9999), sent.int(9998), sent.int(9997)), (Some(9999), None, None));
        assert_eq!((table.col(rare).sym(5000), table.col(rare).sym(4999)), (Sym(8), Sym::EMPTY));
        assert_eq!(table.extra("Note", 5000), Cell::Str(Sym(9)));
        assert_eq!(table.extra("Note", 10_000), Cell::Null);
        assert_eq!(table.extra("Note", 10_001), Cell::Str(Sym(7)));
    }
}
