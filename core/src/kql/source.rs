//! The store's four tables as frames: the schema's columns with Log Analytics' types (`int`
//! where the reference says int, `long` for the other integers, `string` for the two DNS
//! columns that hold JSON text), then `Type` (the table's name on every row), then the
//! columns a file brought beyond the schema (strings). Columns no file had read as typed
//! nulls. Nothing is converted until an operator reads the column.

use super::frame::{Column, Frame};
use super::value::{Type, Value};
use crate::model::{ColType, TableKind};
use crate::store::Store;

/// Integer columns that Log Analytics types `int` (all others are `long`).
const INT_COLUMNS: &[(TableKind, &str)] = &[
    (TableKind::VMComputer, "Cpus"),
    (TableKind::VMComputer, "CpuSpeed"),
    (TableKind::VMProcess, "FirstPid"),
    (TableKind::VMConnection, "DestinationPort"),
    (TableKind::VMConnection, "Severity"),
    (TableKind::VMBoundPort, "Port"),
];

/// Columns the store keeps as JSON text that Log Analytics types `string`.
const JSON_TEXT_COLUMNS: &[(TableKind, &str)] =
    &[(TableKind::VMConnection, "RemoteDnsCanonicalNames"), (TableKind::VMConnection, "RemoteDnsQuestions")];

/// The Kusto type of a schema column.
pub fn kusto_type(kind: TableKind, name: &str, ty: ColType) -> Type {
    match ty {
        ColType::Str => Type::String,
        ColType::Int if INT_COLUMNS.contains(&(kind, name)) => Type::Int,
        ColType::Int => Type::Long,
        ColType::Real => Type::Real,
        ColType::Bool => Type::Bool,
        ColType::Time => Type::DateTime,
        ColType::Dynamic if JSON_TEXT_COLUMNS.contains(&(kind, name)) => Type::String,
        ColType::Dynamic => Type::Dynamic,
    }
}

/// The table a name stands for (names are case-sensitive in Kusto).
pub fn table_kind(name: &str) -> Option<TableKind> {
    TableKind::ALL.into_iter().find(|kind| kind.name() == name)
}

/// The names of every table, for "did you mean" and wildcards.
pub fn table_names() -> Vec<String> {
    TableKind::ALL.iter().map(|k| k.name().to_string()).collect()
}

/// The columns (name, type) of a table as loaded, without reading any row.
pub fn schema(store: &Store, kind: TableKind) -> Vec<(String, Type)> {
    table(store, kind).columns.iter().map(|c| (c.name.clone(), c.ty)).collect()
}

/// A table of the store as a frame.
pub fn table(store: &Store, kind: TableKind) -> Frame<'_> {
    let table = store.table(kind);
    let rows = table.len();
    let mut columns: Vec<Column<'_>> = kind
        .columns()
        .iter()
        .zip(&table.columns)
        .map(|(def, column)| {
            Column::from_store(def.name, kusto_type(kind, def.name, def.ty), column, &store.interner, rows)
        })
        .collect();
    columns.push(Column::constant("Type", Type::String, Value::str(kind.name()), rows));
    for (name, column) in &table.extras {
        if columns.iter().any(|c| &c.name == name) {
            continue;
        }
        columns.push(Column::from_store(name.clone(), Type::String, column, &store.interner, rows));
    }
    Frame::new(columns, rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest;

    #[test]
    fn tables_read_with_kusto_types_nulls_type_and_extras() {
        let csv = "TimeGenerated [UTC],Computer,DestinationPort,BytesSent,Note\n\
                   \"10/5/2026, 8:03:00.000 AM\",web-1,443,100,hello\n\
                   \"10/5/2026, 8:04:00.000 AM\",web-2,80,,\n";
        let loaded = ingest::load_bytes("VMConnection.csv", csv.as_bytes()).unwrap();
        let mut store = Store::default();
        store.merge(loaded.batch);
        let frame = table(&store, TableKind::VMConnection);
        assert_eq!(frame.rows, 2);
        let col = |name: &str| &frame.columns[frame.index_of(name).unwrap()];
        assert_eq!(col("DestinationPort").ty, Type::Int);
        assert_eq!(col("BytesSent").ty, Type::Long);
        assert_eq!(col("RemoteDnsQuestions").ty, Type::String);
        assert_eq!(col("TimeGenerated").ty, Type::DateTime);
        assert_eq!(col("BytesSent").data().int_at(0), Some(100));
        assert!(col("BytesSent").data().is_null(1), "empty cell is null");
        assert!(col("LinksFailed").data().is_null(0), "a column no file had is null");
        assert_eq!(col("Type").data().str_at(1), "VMConnection");
        assert_eq!(col("Computer").data().str_at(1), "web-2");
        assert_eq!(col("Note").data().str_at(0), "hello");
        assert_eq!(col("Note").ty, Type::String);
    }
}
