//! End-to-end tests of the engine: small stores built from CSV text, queries run through
//! [`super::run`], and the expected tables written out by hand.

mod docs;
mod language;
mod operators;
mod robust;
mod saved;
mod speed;

use super::{QueryOptions, ResultTable, run};
use crate::ingest;
use crate::store::Store;

/// A store from (file name, CSV text) pairs; the file name says the table.
pub fn store(files: &[(&str, &str)]) -> Store {
    let mut store = Store::default();
    for (name, text) in files {
        let loaded = ingest::load_bytes(name, text.as_bytes()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(loaded.warnings.is_empty(), "{name}: {:?}", loaded.warnings);
        store.merge(loaded.batch);
    }
    store
}

/// The only table of a query's answer.
pub fn query(store: &Store, q: &str) -> ResultTable {
    match run(store, q, &QueryOptions::default()) {
        Ok(mut out) => {
            assert_eq!(out.tables.len(), 1, "one table expected for {q}");
            out.tables.remove(0)
        }
        Err(e) => panic!("{q}\n{}", e.render(q)),
    }
}

/// A table as its header and its rows of display texts.
pub fn texts(t: &ResultTable) -> (Vec<String>, Vec<Vec<String>>) {
    let header = t.column_names().iter().map(|s| s.to_string()).collect();
    let rows = (0..t.rows()).map(|r| t.row_display(r)).collect();
    (header, rows)
}

/// Asserts a query's header and rows (in order).
#[track_caller]
pub fn assert_table(store: &Store, q: &str, header: &[&str], rows: &[&[&str]]) {
    let (h, r) = texts(&query(store, q));
    assert_eq!(h, header, "columns of {q}");
    let expected: Vec<Vec<String>> = rows.iter().map(|row| row.iter().map(|s| s.to_string()).collect()).collect();
    assert_eq!(r, expected, "rows of {q}");
}

/// Asserts the rows regardless of order.
#[track_caller]
pub fn assert_rows_unordered(store: &Store, q: &str, header: &[&str], rows: &[&[&str]]) {
    let (h, mut r) = texts(&query(store, q));
    assert_eq!(h, header, "columns of {q}");
    let mut expected: Vec<Vec<String>> = rows.iter().map(|row| row.iter().map(|s| s.to_string()).collect()).collect();
    r.sort();
    expected.sort();
    assert_eq!(r, expected, "rows of {q}");
}
