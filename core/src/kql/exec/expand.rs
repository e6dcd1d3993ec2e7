//! Operators that turn one row into others: `mv-expand` (one row per array element or
//! bag entry) and `parse` (text cut into typed columns).
//!
//! mv-expand follows Kusto: a null value gives one row (null), an empty array or bag gives
//! none, several expanded columns are expanded side by side (the shorter padded with
//! nulls); `to typeof(T)` casts without parsing (an element of another type is null).

use super::super::ast::Span;
use super::super::error::QueryError;
use super::super::eval::eval;
use super::super::frame::{Builder, Column, Frame};
use super::super::plan::{MvExpandPlan, ParsePlan, Schema};
use super::super::value::{Type, Value};
use super::Exec;
use serde_json::Value as Json;
use std::sync::Arc;

type R<T> = Result<T, QueryError>;

/// The elements one value expands to.
fn elements(v: &Value, array_bags: bool) -> Vec<Value> {
    match v {
        Value::Null => vec![Value::Null],
        Value::Dynamic(json) => match json.as_ref() {
            Json::Null => vec![Value::Null],
            Json::Array(items) => items.iter().map(|j| Value::dynamic(j.clone())).collect(),
            Json::Object(map) => map
                .iter()
                .map(|(k, v)| {
                    if array_bags {
                        Value::dynamic(Json::Array(vec![Json::String(k.clone()), v.clone()]))
                    } else {
                        let mut one = serde_json::Map::new();
                        one.insert(k.clone(), v.clone());
                        Value::dynamic(Json::Object(one))
                    }
                })
                .collect(),
            scalar => vec![Value::dynamic(scalar.clone())],
        },
        other => vec![other.clone()],
    }
}

/// An element cast to `to typeof(ty)`: kept when its JSON kind fits, else null.
fn cast(v: Value, ty: Type) -> Value {
    if ty == Type::Dynamic || v.is_null() {
        return v;
    }
    let scalar = v.unwrap_dynamic_scalar();
    match (ty, &scalar) {
        (Type::String, Value::String(_)) | (Type::Bool, Value::Bool(_)) => scalar,
        (Type::Long, Value::Int(_)) => scalar,
        (Type::Int, Value::Int(i)) if i32::try_from(*i).is_ok() => scalar,
        (Type::Real, Value::Real(_) | Value::Int(_)) => scalar.convert_to(Type::Real),
        (Type::DateTime | Type::TimeSpan, Value::String(_)) => scalar.convert_to(ty),
        _ => Value::Null,
    }
}

pub fn mv_expand<'a>(x: &Exec<'a>, f: &Frame<'a>, m: &MvExpandPlan, schema: &Schema, span: Span) -> R<Frame<'a>> {
    let datas = m.items.iter().map(|(e, _, _)| eval(x, e, f)).collect::<R<Vec<_>>>()?;
    let limit = m.limit.unwrap_or(usize::MAX);
    let mut source_rows: Vec<u32> = Vec::new();
    let mut index: Vec<i64> = Vec::new();
    let mut builders: Vec<Builder> = m.items.iter().map(|(_, _, ty)| Builder::new(*ty, f.rows)).collect();
    for row in 0..f.rows {
        if row % 4096 == 0 {
            x.check()?;
            x.limit(source_rows.len() as u64, schema.len(), span, "mv-expand")?;
        }
        let expanded: Vec<Vec<Value>> =
            datas.iter().zip(&m.items).map(|(d, (e, _, _))| elements(&d.value(row, e.ty), m.bag)).collect();
        let count = expanded.iter().map(Vec::len).max().unwrap_or(0).min(limit);
        for i in 0..count {
            source_rows.push(row as u32);
            index.push(i as i64);
            for ((values, b), (_, _, ty)) in expanded.iter().zip(&mut builders).zip(&m.items) {
                b.push(&cast(values.get(i).cloned().unwrap_or(Value::Null), *ty));
            }
        }
    }
    x.limit(source_rows.len() as u64, schema.len(), span, "mv-expand")?;
    let rows = source_rows.len();
    let source_rows: Arc<[u32]> = source_rows.into();
    let mut built: Vec<Option<Column<'a>>> = vec![None; schema.len()];
    for (b, (_, position, ty)) in builders.into_iter().zip(&m.items) {
        if let Some(slot) = built.get_mut(*position) {
            *slot = Some(Column::new(schema[*position].0.clone(), *ty, b.finish()));
        }
    }
    let mut columns = Vec::with_capacity(schema.len());
    for (i, (name, ty)) in schema.iter().enumerate() {
        let column = match (m.carried.get(i).copied().flatten(), built[i].take()) {
            (_, Some(c)) => c,
            (Some(c), None) => f.columns[c].take(&source_rows).renamed(name.clone()),
            (None, None) => Column::new(name.clone(), *ty, super::super::frame::Data::Int(index.clone().into())),
        };
        columns.push(column);
    }
    Ok(Frame::new(columns, rows))
}

/// `parse`: each capture of the pattern into its column (null when the row does not
/// match; `parse-where` drops such rows).
pub fn parse<'a>(x: &Exec<'a>, f: &Frame<'a>, p: &ParsePlan, schema: &Schema) -> R<Frame<'a>> {
    let text = eval(x, &p.source, f)?;
    let mut builders: Vec<Builder> = p.targets.iter().map(|(_, ty)| Builder::new(*ty, f.rows)).collect();
    let mut kept: Vec<u32> = Vec::with_capacity(f.rows);
    for row in 0..f.rows {
        if row % 65536 == 0 {
            x.check()?;
        }
        match p.regex.captures(text.str_at(row)) {
            Some(caps) => {
                kept.push(row as u32);
                for (i, (b, (_, ty))) in builders.iter_mut().zip(&p.targets).enumerate() {
                    let cap = caps.get(i + 1).map_or("", |c| c.as_str());
                    b.push(&Value::str(cap).convert_to(*ty));
                }
            }
            None if p.keep_matching_only => {}
            None => {
                kept.push(row as u32);
                for b in &mut builders {
                    b.push_null();
                }
            }
        }
    }
    let rows = kept.len();
    let base = if rows == f.rows { f.clone() } else { f.take(kept) };
    let mut columns: Vec<Column<'a>> = schema
        .iter()
        .enumerate()
        .map(|(i, (name, ty))| match base.columns.get(i) {
            Some(c) if i < p.input_columns => c.clone(),
            _ => Column::new(name.clone(), *ty, super::super::frame::Data::nulls(*ty, rows)),
        })
        .collect();
    for (b, (position, ty)) in builders.into_iter().zip(&p.targets) {
        if let Some(slot) = columns.get_mut(*position) {
            *slot = Column::new(schema[*position].0.clone(), *ty, b.finish());
        }
    }
    Ok(Frame::new(columns, rows))
}
