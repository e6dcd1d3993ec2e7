//! The four VM Insights map tables: their names, columns and time type.

pub mod schema;
pub mod time;

pub use schema::{ColType, ColumnDef};
pub use time::Timestamp;

/// One of the four Log Analytics tables written by the Dependency Agent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TableKind {
    VMComputer,
    VMProcess,
    VMConnection,
    VMBoundPort,
}

impl TableKind {
    pub const ALL: [TableKind; 4] =
        [TableKind::VMComputer, TableKind::VMProcess, TableKind::VMConnection, TableKind::VMBoundPort];

    pub fn name(self) -> &'static str {
        match self {
            TableKind::VMComputer => "VMComputer",
            TableKind::VMProcess => "VMProcess",
            TableKind::VMConnection => "VMConnection",
            TableKind::VMBoundPort => "VMBoundPort",
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }

    pub fn columns(self) -> &'static [ColumnDef] {
        match self {
            TableKind::VMComputer => schema::computer::COLUMNS,
            TableKind::VMProcess => schema::process::COLUMNS,
            TableKind::VMConnection => schema::connection::COLUMNS,
            TableKind::VMBoundPort => schema::bound_port::COLUMNS,
        }
    }

    /// The table a `Type` value or a name inside a file path stands for. Accepts the legacy
    /// Service Map custom-log names (`ServiceMapComputer_CL`, `ServiceMapProcess_CL`) too.
    pub fn from_name(name: &str) -> Option<TableKind> {
        let lower = name.trim().to_ascii_lowercase();
        match lower.as_str() {
            "vmcomputer" | "servicemapcomputer_cl" => Some(TableKind::VMComputer),
            "vmprocess" | "servicemapprocess_cl" => Some(TableKind::VMProcess),
            "vmconnection" => Some(TableKind::VMConnection),
            "vmboundport" => Some(TableKind::VMBoundPort),
            _ => None,
        }
    }

    /// The table named anywhere in a file path (`VMConnection.csv`, `am-vmconnection/.../PT05M.json`).
    pub fn from_path(path: &str) -> Option<TableKind> {
        let lower = path.to_ascii_lowercase();
        let mut found = TableKind::ALL.into_iter().filter(|kind| lower.contains(&kind.name().to_ascii_lowercase()));
        let first = found.next()?;
        // A path naming two tables says nothing reliable.
        found.next().is_none().then_some(first)
    }

    /// Index of a column by its exact schema name.
    pub fn column_index(self, name: &str) -> Option<usize> {
        self.columns().iter().position(|c| c.name == name)
    }
}

impl std::fmt::Display for TableKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
