//! Scalar values and scalar types of the KQL engine: the contract shared by the lexer (literals),
//! the functions and aggregations library, and the executor.
//!
//! Kusto's scalar types map one to one, except `decimal` (kept as `Real`) and `guid` (kept as
//! `String`). Nulls are typed by their column or expression: a `Value::Null` carries no type.

use std::sync::Arc;

/// A Kusto scalar type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Type {
    Bool,
    /// 32-bit `int` (values still held as `i64`, wrapped to 32 bits where Kusto wraps).
    Int,
    /// 64-bit `long`.
    Long,
    Real,
    String,
    /// 100 ns ticks since the Unix epoch, UTC (the store's `Timestamp`).
    DateTime,
    /// 100 ns ticks.
    TimeSpan,
    Dynamic,
}

/// One scalar value.
#[derive(Clone, Debug)]
pub enum Value {
    Null,
    Bool(bool),
    /// `int` and `long` alike: the expression's [`Type`] says which.
    Int(i64),
    Real(f64),
    String(Arc<str>),
    /// 100 ns ticks since the Unix epoch.
    DateTime(i64),
    /// 100 ns ticks.
    TimeSpan(i64),
    Dynamic(Arc<serde_json::Value>),
}

impl Type {
    /// The name Kusto prints (`getschema`'s `ColumnType`, `typeof()` targets).
    pub fn name(self) -> &'static str {
        match self {
            Type::Bool => "bool",
            Type::Int => "int",
            Type::Long => "long",
            Type::Real => "real",
            Type::String => "string",
            Type::DateTime => "datetime",
            Type::TimeSpan => "timespan",
            Type::Dynamic => "dynamic",
        }
    }

    /// The .NET type name `getschema` prints as `DataType`.
    pub fn dotnet_name(self) -> &'static str {
        match self {
            Type::Bool => "System.SByte",
            Type::Int => "System.Int32",
            Type::Long => "System.Int64",
            Type::Real => "System.Double",
            Type::String => "System.String",
            Type::DateTime => "System.DateTime",
            Type::TimeSpan => "System.TimeSpan",
            Type::Dynamic => "System.Object",
        }
    }

    /// A type by any of its Kusto names and aliases (`typeof(long)`, `datatable(a: string)`).
    pub fn from_name(name: &str) -> Option<Type> {
        Some(match name.to_ascii_lowercase().as_str() {
            "bool" | "boolean" => Type::Bool,
            "int" | "int32" => Type::Int,
            "long" | "int64" => Type::Long,
            "real" | "double" | "decimal" | "float" => Type::Real,
            "string" | "guid" | "uniqueid" => Type::String,
            "datetime" | "date" => Type::DateTime,
            "timespan" | "time" => Type::TimeSpan,
            "dynamic" => Type::Dynamic,
            _ => return None,
        })
    }

    pub fn is_numeric(self) -> bool {
        matches!(self, Type::Int | Type::Long | Type::Real)
    }
}

impl Value {
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    pub fn str(s: &str) -> Value {
        Value::String(Arc::from(s))
    }
}
