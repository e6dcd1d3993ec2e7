//! The KQL engine: ask the loaded records any question in Kusto Query Language, offline.
//!
//! text -> [`params`] (workbook parameters substituted) -> [`lexer`] (tokens with spans)
//! -> [`parser`] ([`ast`] with spans) -> plan (names and types checked before any row is
//! touched) -> exec (operators over columns) -> a result table (and a chart request for
//! `render`). Scalar functions and aggregations live in [`functions`] and [`aggregates`],
//! over the [`value`] types.

pub mod aggregates;
pub mod ast;
pub mod complete;
pub mod error;
pub mod frame;
pub mod functions;
pub mod lexer;
pub mod params;
pub mod parser;
pub mod regex_cache;
pub mod source;
pub mod temporal;
pub mod value;
