//! Splitting one file's rows over several sinks and joining them back: a chunk of the file
//! is loaded into a [`RowSink::fork`] of the file's sink (same header, nothing loaded), and
//! the chunks' sinks are [`RowSink::absorb`]ed in file order. The joined sink holds what one
//! sink fed every row in order would hold: rows, symbols numbered in first-seen order,
//! extra columns in the order they appeared, warnings, counts and the first problem.

use super::{Memo, RowSink};
use crate::ingest::error::Warnings;
use crate::model::TableKind;
use crate::store::{Batch, Interner};
use std::sync::Arc;

impl RowSink {
    /// A sink for a later chunk of the file: the header, the table and the null text as they
    /// stand, no rows, warnings or counts.
    pub(in crate::ingest) fn fork(&self) -> RowSink {
        self.fork_sized(self.chunk_rows)
    }

    /// [`RowSink::fork`] whose symbols start as those of `texts` (a snapshot of the texts of
    /// the file's sink, [`RowSink::texts`]): the chunk looks the texts the file has met so
    /// far up there instead of interning them again.
    pub(in crate::ingest) fn fork_over(&self, texts: Arc<Interner>) -> RowSink {
        let mut sink = self.fork();
        sink.batch.interner = Interner::over(texts);
        sink
    }

    /// The texts interned so far.
    pub(in crate::ingest) fn texts(&self) -> &Interner {
        &self.batch.interner
    }

    /// [`RowSink::fork`] for chunks of about `rows` rows: its tables' columns are laid out
    /// as this sink's are (dense where values are common) and sized for them, and its own
    /// forks are too.
    pub(in crate::ingest) fn fork_sized(&self, rows: usize) -> RowSink {
        let mut batch = Batch::new(self.batch.source.clone());
        batch.tables = self.batch.tables.each_ref().map(|t| t.fresh_like(rows));
        RowSink {
            chunk_rows: rows,
            batch,
            warnings: Warnings::default(),
            null_text: self.null_text,
            path_table: self.path_table,
            file_table: self.file_table,
            names: self.names.clone(),
            raw_names: self.raw_names.clone(),
            by_raw_name: self.by_raw_name.clone(),
            offsets: self.offsets.clone(),
            type_column: self.type_column,
            targets: Default::default(),
            unknown_tables: Default::default(),
            rows_seen: 0,
            first_problem: None,
            memo: self.names.iter().map(|_| Memo::default()).collect(),
            last_type: None,
        }
    }

    /// Appends the rows of the sink of the next chunk of the file (a [`RowSink::fork`] of
    /// this one, or of the one this one was forked from).
    pub(in crate::ingest) fn absorb(&mut self, mut chunk: RowSink) {
        // Extra columns are made for every column name known when a row of the table comes
        // (see `targets_for`): replay that with the names the chunk knew at its last row of
        // each table, tables in the order those counts grow, then take its other names.
        let mut known: Vec<(usize, TableKind)> = TableKind::ALL
            .into_iter()
            .map(|kind| (chunk.targets[kind.index()].len(), kind))
            .filter(|&(n, _)| n > 0)
            .collect();
        known.sort_by_key(|&(n, kind)| (n, kind.index()));
        for (n, kind) in known {
            self.learn_names(&chunk.raw_names[..n.min(chunk.raw_names.len())]);
            if self.targets[kind.index()].len() < self.names.len() {
                self.targets_for(kind);
            }
        }
        self.learn_names(&chunk.raw_names);

        let remap = self.batch.interner.absorb(&chunk.batch.interner);
        let tables = std::mem::replace(&mut chunk.batch.tables, TableKind::ALL.map(crate::store::Table::new));
        for (kind, table) in TableKind::ALL.into_iter().zip(tables) {
            self.batch.table_mut(kind).append(table, &remap);
        }

        let kept = chunk.warnings.kept.len();
        for warning in chunk.warnings.kept {
            self.warnings.push(warning);
        }
        self.warnings.total += chunk.warnings.total.saturating_sub(kept);
        for (table, n) in chunk.unknown_tables {
            *self.unknown_tables.entry(table).or_insert(0) += n;
        }
        self.rows_seen += chunk.rows_seen;
        if self.first_problem.is_none() {
            self.first_problem = chunk.first_problem;
        }
    }

    /// Adds the names this sink has not seen, in their order.
    fn learn_names(&mut self, raw_names: &[Box<[u8]>]) {
        for raw in raw_names {
            if !self.by_raw_name.contains_key(raw) {
                self.add_name(raw);
            }
        }
    }

    /// Sizes the tables for the whole file once `bytes_done` of its `bytes_total` are in
    /// (the joined sink sees no row one by one, so [`RowSink::after_row`] never does it).
    pub(in crate::ingest) fn expect_total(&mut self, bytes_done: u64, bytes_total: u64) {
        self.expect_rows(bytes_done, bytes_total);
    }
}
