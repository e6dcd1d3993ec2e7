//! Scalar expressions over a frame, a column at a time. Common shapes run over typed
//! vectors without building a `Value` per row: integer and time arithmetic and comparisons,
//! `bin()` of times and numbers, string comparisons and string operators of a store column
//! against a constant (decided once per distinct symbol, not once per row), `in` over symbol
//! codes, and `and`/`or`/`not` over bool vectors. Everything else goes row by row through
//! [`Value`]s and the function library, with a per-symbol cache when its only varying input
//! is one store string column.

use super::ast::{BinaryOp, ListOp, StrOp, StrOpKind};
use super::error::QueryError;
use super::exec::Exec;
use super::frame::{Builder, Data, Frame, NULL_BOOL, NULL_INT, ValueReader};
use super::functions::{FnCtx, ScalarFn};
use super::plan::{SearchKind, TExpr, TKind};
use super::value::{Key, Type, Value, compare, equals};
use crate::store::Sym;
use rustc_hash::{FxHashMap, FxHashSet};
use serde_json::Value as Json;
use std::cmp::Ordering;
use std::sync::Arc;

type R<T> = Result<T, QueryError>;

fn bools(v: Vec<u8>) -> Data<'static> {
    Data::Bool(v.into())
}

fn bool_cell(b: Option<bool>) -> u8 {
    match b {
        Some(true) => 1,
        Some(false) => 0,
        None => NULL_BOOL,
    }
}

/// Lowercase for case-insensitive matching, without allocating for ASCII text already
/// lowercase.
fn lower(s: &str) -> std::borrow::Cow<'_, str> {
    if s.bytes().any(|b| b.is_ascii_uppercase()) || !s.is_ascii() {
        std::borrow::Cow::Owned(s.to_lowercase())
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

fn is_term_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// Kusto's string operators on two texts. `has` looks for the needle as whole terms (a
/// term is a run of letters and digits): the match must not continue a term on either side;
/// `hasprefix`/`hassuffix` check one side only.
pub fn text_match(kind: StrOpKind, hay: &str, needle: &str, case_sensitive: bool) -> bool {
    let (hay, needle) = if case_sensitive {
        (std::borrow::Cow::Borrowed(hay), std::borrow::Cow::Borrowed(needle))
    } else {
        (lower(hay), lower(needle))
    };
    let (hay, needle) = (hay.as_ref(), needle.as_ref());
    match kind {
        StrOpKind::Contains => hay.contains(needle),
        StrOpKind::StartsWith => hay.starts_with(needle),
        StrOpKind::EndsWith => hay.ends_with(needle),
        StrOpKind::Has | StrOpKind::HasPrefix | StrOpKind::HasSuffix => {
            if needle.is_empty() {
                return true;
            }
            let check_start = kind != StrOpKind::HasSuffix && needle.chars().next().is_some_and(is_term_char);
            let check_end = kind != StrOpKind::HasPrefix && needle.chars().last().is_some_and(is_term_char);
            let mut from = 0;
            while let Some(found) = hay.get(from..).and_then(|h| h.find(needle)) {
                let start = from + found;
                let end = start + needle.len();
                let before_ok = !check_start || hay[..start].chars().last().is_none_or(|c| !is_term_char(c));
                let after_ok = !check_end || hay[end..].chars().next().is_none_or(|c| !is_term_char(c));
                if before_ok && after_ok {
                    return true;
                }
                // Next candidate: one character further.
                from = start + hay[start..].chars().next().map_or(1, char::len_utf8);
            }
            false
        }
    }
}

/// The text of a value for string operators (`tostring()`).
fn text_of(v: &Value) -> std::borrow::Cow<'_, str> {
    match v {
        Value::String(s) => std::borrow::Cow::Borrowed(s.as_ref()),
        other => std::borrow::Cow::Owned(other.to_display()),
    }
}

/// Per-symbol results of a predicate on a store string column: decided once per distinct
/// symbol.
fn per_symbol(codes: &[u32], interner: &crate::store::Interner, f: impl Fn(&str) -> bool) -> Vec<u8> {
    let mut memo: Vec<u8> = vec![NULL_BOOL; interner.len()];
    codes
        .iter()
        .map(|&c| {
            let Some(slot) = memo.get_mut(c as usize) else {
                return u8::from(f(""));
            };
            if *slot == NULL_BOOL {
                *slot = u8::from(f(interner.resolve(Sym(c))));
            }
            *slot
        })
        .collect()
}

/// A predicate on the text of each row of a column (any type; non-strings as text).
fn text_predicate(data: &Data<'_>, ty: Type, f: impl Fn(&str) -> bool) -> Vec<u8> {
    match data {
        Data::Sym(codes, interner) => per_symbol(codes, interner, f),
        // Repeated strings (a constant column, a union's `Type`) share one allocation: a row
        // holding the same string as the row before reuses its answer.
        Data::Str(v) => {
            let mut last: Option<(&Arc<str>, u8)> = None;
            v.iter()
                .map(|s| match last {
                    Some((prev, answer)) if Arc::ptr_eq(prev, s) => answer,
                    _ => {
                        let answer = u8::from(f(s));
                        last = Some((s, answer));
                        answer
                    }
                })
                .collect()
        }
        _ => (0..data.len()).map(|r| u8::from(f(&text_of(&data.value(r, ty))))).collect(),
    }
}

fn as_i64s<'x>(d: &'x Data<'_>) -> Option<&'x [i64]> {
    match d {
        Data::Int(v) => Some(v),
        _ => None,
    }
}

/// A numeric column as reals (null NaN).
fn as_f64s(d: &Data<'_>) -> Option<Vec<f64>> {
    match d {
        Data::Int(v) => Some(v.iter().map(|&x| if x == NULL_INT { f64::NAN } else { x as f64 }).collect()),
        Data::Real(v) => Some(v.to_vec()),
        _ => None,
    }
}

/// Arithmetic of two values (the row-by-row path).
pub fn arith(op: BinaryOp, a: &Value, b: &Value, ty: Type) -> Value {
    let (a, b) = (a.unwrap_dynamic_scalar(), b.unwrap_dynamic_scalar());
    let int_op = |x: i64, y: i64| -> Option<i64> {
        match op {
            BinaryOp::Add => Some(x.wrapping_add(y)),
            BinaryOp::Sub => Some(x.wrapping_sub(y)),
            BinaryOp::Mul => Some(x.wrapping_mul(y)),
            BinaryOp::Div => x.checked_div(y),
            BinaryOp::Mod => x.checked_rem(y),
            _ => None,
        }
    };
    let real_op = |x: f64, y: f64| -> f64 {
        match op {
            BinaryOp::Add => x + y,
            BinaryOp::Sub => x - y,
            BinaryOp::Mul => x * y,
            BinaryOp::Div => x / y,
            BinaryOp::Mod => x % y,
            _ => f64::NAN,
        }
    };
    match (&a, &b) {
        (Value::Null, _) | (_, Value::Null) => Value::Null,
        (Value::Int(x), Value::Int(y)) => int_op(*x, *y).map_or(Value::Null, Value::Int),
        (Value::DateTime(x), Value::DateTime(y)) if op == BinaryOp::Sub => Value::TimeSpan(x.wrapping_sub(*y)),
        (Value::DateTime(x), Value::TimeSpan(y)) | (Value::TimeSpan(y), Value::DateTime(x)) => {
            int_op(*x, *y).map_or(Value::Null, Value::DateTime)
        }
        (Value::TimeSpan(x), Value::TimeSpan(y)) => match op {
            BinaryOp::Div if *y != 0 => Value::Real(*x as f64 / *y as f64),
            BinaryOp::Div => Value::Null,
            _ => int_op(*x, *y).map_or(Value::Null, Value::TimeSpan),
        },
        (Value::TimeSpan(x), n) | (n, Value::TimeSpan(x)) if n.to_real().is_some() => {
            let n = n.to_real().unwrap_or(f64::NAN);
            let r = real_op(*x as f64, n);
            if r.is_finite() { Value::TimeSpan(r.round() as i64) } else { Value::Null }
        }
        _ => match (a.to_real(), b.to_real()) {
            (Some(x), Some(y))
                if a.natural_type().is_some_and(Type::is_numeric) && b.natural_type().is_some_and(Type::is_numeric) =>
            {
                let r = real_op(x, y);
                match ty {
                    Type::Int | Type::Long => Value::Int(r as i64),
                    _ => Value::Real(r),
                }
            }
            _ => Value::Null,
        },
    }
}

fn int_arith(op: BinaryOp, x: i64, y: i64) -> i64 {
    if x == NULL_INT || y == NULL_INT {
        return NULL_INT;
    }
    match op {
        BinaryOp::Add => x.wrapping_add(y),
        BinaryOp::Sub => x.wrapping_sub(y),
        BinaryOp::Mul => x.wrapping_mul(y),
        BinaryOp::Div => x.checked_div(y).unwrap_or(NULL_INT),
        BinaryOp::Mod => x.checked_rem(y).unwrap_or(NULL_INT),
        _ => NULL_INT,
    }
}

/// A comparison with a null side (Kusto's rule): `==` is false and `!=` true when only one
/// side is null; anything else with a null is null.
fn null_comparison(op: BinaryOp, left_null: bool, right_null: bool) -> u8 {
    match op {
        BinaryOp::Eq if left_null != right_null => 0,
        BinaryOp::Ne if left_null != right_null => 1,
        _ => NULL_BOOL,
    }
}

fn ordering_holds(op: BinaryOp, o: Ordering) -> bool {
    match op {
        BinaryOp::Lt => o == Ordering::Less,
        BinaryOp::Le => o != Ordering::Greater,
        BinaryOp::Gt => o == Ordering::Greater,
        BinaryOp::Ge => o != Ordering::Less,
        BinaryOp::Eq => o == Ordering::Equal,
        BinaryOp::Ne => o != Ordering::Equal,
        _ => false,
    }
}

/// Evaluates an expression over every row of a frame.
pub fn eval<'a>(x: &Exec<'a>, e: &TExpr, f: &Frame<'a>) -> R<Data<'a>> {
    let n = f.rows;
    Ok(match &e.kind {
        TKind::Const(v) => Data::constant(v, e.ty, n),
        TKind::Column(i) => match f.columns.get(*i) {
            Some(c) => c.data().clone(),
            None => return Err(QueryError::runtime(e.span, "internal: column out of range")),
        },
        TKind::Call(func, args) => call(x, e, func, args, f)?,
        TKind::Neg(a) => {
            let d = eval(x, a, f)?;
            match d {
                Data::Int(v) => {
                    Data::Int(v.iter().map(|&x| if x == NULL_INT { x } else { x.wrapping_neg() }).collect())
                }
                Data::Real(v) => Data::Real(v.iter().map(|x| -x).collect()),
                other => {
                    let mut b = Builder::new(e.ty, n);
                    for r in 0..n {
                        b.push(&arith(BinaryOp::Sub, &Value::Int(0), &other.value(r, a.ty), e.ty));
                    }
                    b.finish()
                }
            }
        }
        TKind::Not(a) => {
            let d = eval_bool(x, a, f)?;
            bools(d.iter().map(|&b| if b == NULL_BOOL { b } else { 1 - b }).collect())
        }
        TKind::And(a, b) | TKind::Or(a, b) => {
            let is_and = matches!(e.kind, TKind::And(..));
            let l = eval_bool(x, a, f)?;
            let r = eval_bool(x, b, f)?;
            bools(
                l.iter()
                    .zip(r.iter())
                    .map(|(&p, &q)| match (is_and, p, q) {
                        (true, 0, _) | (true, _, 0) => 0,
                        (true, 1, 1) => 1,
                        (false, 1, _) | (false, _, 1) => 1,
                        (false, 0, 0) => 0,
                        _ => NULL_BOOL,
                    })
                    .collect(),
            )
        }
        TKind::Binary(op, a, b) => binary(x, e, *op, a, b, f)?,
        TKind::Str(op, a, b) => str_op(x, *op, a, b, f)?,
        TKind::MatchesRegex(a, b) => {
            let l = eval(x, a, f)?;
            if let Some(Value::String(p)) = b.as_const() {
                let re =
                    regex::Regex::new(p).map_err(|err| QueryError::runtime(b.span, format!("bad regex: {err}")))?;
                bools(text_predicate(&l, a.ty, |s| re.is_match(s)))
            } else {
                let r = eval(x, b, f)?;
                let mut cache: FxHashMap<String, Option<regex::Regex>> = FxHashMap::default();
                bools(
                    (0..n)
                        .map(|row| {
                            let pattern = r.value(row, b.ty);
                            let p = text_of(&pattern).into_owned();
                            let re = cache.entry(p.clone()).or_insert_with(|| regex::Regex::new(&p).ok());
                            bool_cell(re.as_ref().map(|re| re.is_match(&text_of(&l.value(row, a.ty)))))
                        })
                        .collect(),
                )
            }
        }
        TKind::InList(op, a, list) => {
            if list.iter().all(TExpr::is_constant) {
                let mut values = Vec::new();
                for item in list {
                    let v = x.constant_value(item)?;
                    flatten_into(&v, &mut values);
                }
                in_set(x, *op, a, values, f)?
            } else {
                in_rows(x, *op, a, list, f)?
            }
        }
        TKind::InPlan(op, a, plan) => {
            let table = x.run(plan)?;
            let values = match table.columns.first() {
                Some(c) => (0..table.rows).map(|r| c.data().value(r, c.ty)).collect(),
                None => Vec::new(),
            };
            in_set(x, *op, a, values, f)?
        }
        TKind::Between { value, low, high, negated } => {
            let v = eval(x, value, f)?;
            let lo = eval(x, low, f)?;
            let hi = eval(x, high, f)?;
            let out: Vec<u8> = match (as_i64s(&v), as_i64s(&lo), as_i64s(&hi)) {
                (Some(v), Some(lo), Some(hi)) if value.ty != Type::Dynamic => v
                    .iter()
                    .zip(lo.iter().zip(hi.iter()))
                    .map(|(&v, (&lo, &hi))| {
                        if v == NULL_INT || lo == NULL_INT || hi == NULL_INT {
                            NULL_BOOL
                        } else {
                            u8::from((lo <= v && v <= hi) != *negated)
                        }
                    })
                    .collect(),
                _ => (0..n)
                    .map(|r| {
                        let val = v.value(r, value.ty);
                        let above = compare(&val, &lo.value(r, low.ty)).map(|o| o != Ordering::Less);
                        let below = compare(&val, &hi.value(r, high.ty)).map(|o| o != Ordering::Greater);
                        bool_cell(above.zip(below).map(|(a, b)| (a && b) != *negated))
                    })
                    .collect(),
            };
            bools(out)
        }
        TKind::Index(target, index) => {
            let t = eval(x, target, f)?;
            let i = eval(x, index, f)?;
            let mut b = Builder::new(Type::Dynamic, n);
            for r in 0..n {
                b.push(&index_value(&t.value(r, target.ty), &i.value(r, index.ty)));
            }
            b.finish()
        }
        TKind::ToScalar(plan) => {
            let v = x.scalar_of(plan)?;
            Data::constant(&v, e.ty, n)
        }
        TKind::Convert(a) => {
            let d = eval(x, a, f)?;
            convert_data(d, a.ty, e.ty)
        }
        TKind::RowNumber(start) => Data::Int((0..n as i64).map(|r| start.wrapping_add(r)).collect()),
        TKind::Shift { value, offset, default } => {
            let v = eval(x, value, f)?;
            let d = eval(x, default, f)?;
            let mut b = Builder::new(e.ty, n);
            for r in 0..n {
                let from = (r as i64).checked_sub(*offset);
                match from.and_then(|i| usize::try_from(i).ok()).filter(|&i| i < n) {
                    Some(i) => b.push(&v.value(i, value.ty)),
                    None => b.push(&d.value(r, default.ty)),
                }
            }
            b.finish()
        }
        TKind::SearchAny { kind, term, case_sensitive } => {
            let mut out = vec![0u8; n];
            if *kind == SearchKind::Everything {
                return Ok(bools(vec![1; n]));
            }
            let str_kind = match kind {
                SearchKind::Has | SearchKind::Everything => StrOpKind::Has,
                SearchKind::Contains => StrOpKind::Contains,
                SearchKind::HasPrefix => StrOpKind::HasPrefix,
                SearchKind::HasSuffix => StrOpKind::HasSuffix,
            };
            // Text and dynamic columns: what a search term can be found in.
            for c in f.columns.iter().filter(|c| matches!(c.ty, Type::String | Type::Dynamic)) {
                x.check()?;
                let hits = text_predicate(c.data(), c.ty, |s| text_match(str_kind, s, term, *case_sensitive));
                for (o, h) in out.iter_mut().zip(hits) {
                    *o |= h;
                }
            }
            bools(out)
        }
    })
}

/// A bool expression as 0/1/null cells.
pub fn eval_bool<'a>(x: &Exec<'a>, e: &TExpr, f: &Frame<'a>) -> R<Arc<[u8]>> {
    match eval(x, e, f)? {
        Data::Bool(v) => Ok(v),
        other => Ok((0..other.len()).map(|r| bool_cell(other.value(r, e.ty).to_bool())).collect()),
    }
}

/// A column converted from one type to another.
pub fn convert_data<'a>(d: Data<'a>, from: Type, to: Type) -> Data<'a> {
    if from == to {
        return d;
    }
    match (&d, to) {
        (Data::Int(_), Type::Int | Type::Long) if matches!(from, Type::Int | Type::Long) => return d,
        (Data::Int(v), Type::Real) if matches!(from, Type::Int | Type::Long) => {
            return Data::Real(v.iter().map(|&x| if x == NULL_INT { f64::NAN } else { x as f64 }).collect());
        }
        (Data::Sym(..), Type::String) => return d,
        _ => {}
    }
    let n = d.len();
    let mut b = Builder::new(to, n);
    for r in 0..n {
        b.push(&d.value(r, from).convert_to(to));
    }
    b.finish()
}

/// `d[i]` / `d["key"]` on a dynamic value (negative indexes count from the end).
pub fn index_value(target: &Value, index: &Value) -> Value {
    let Value::Dynamic(json) = target else {
        return Value::Null;
    };
    let found = match (json.as_ref(), index) {
        (Json::Array(items), Value::Int(i)) => {
            let i = if *i < 0 { i64::try_from(items.len()).unwrap_or(0).saturating_add(*i) } else { *i };
            usize::try_from(i).ok().and_then(|i| items.get(i))
        }
        (Json::Object(map), Value::String(k)) => map.get(k.as_ref()),
        (Json::Object(map), other) => map.get(&other.to_display()),
        _ => None,
    };
    match found {
        None | Some(Json::Null) => Value::Null,
        Some(j) => Value::dynamic(j.clone()),
    }
}

/// A dynamic array's elements (each one a value), or the value itself.
fn flatten_into(v: &Value, out: &mut Vec<Value>) {
    match v {
        Value::Dynamic(json) => match json.as_ref() {
            Json::Array(items) => out.extend(items.iter().map(Value::from_json)),
            other => out.push(Value::from_json(other)),
        },
        other => out.push(other.clone()),
    }
}

fn in_set<'a>(x: &Exec<'a>, op: ListOp, a: &TExpr, values: Vec<Value>, f: &Frame<'a>) -> R<Data<'a>> {
    let l = eval(x, a, f)?;
    let negate = matches!(op, ListOp::NotIn | ListOp::NotInCi);
    Ok(bools(match op {
        ListOp::In | ListOp::NotIn => match &l {
            Data::Sym(codes, interner) if a.ty == Type::String => {
                let wanted: FxHashSet<u32> = values
                    .iter()
                    .filter_map(|v| match v {
                        Value::String(s) => interner.lookup(s).map(|s| s.0),
                        Value::Null => Some(0),
                        _ => None,
                    })
                    .collect();
                codes.iter().map(|c| u8::from(wanted.contains(c) != negate)).collect()
            }
            Data::Int(v)
                if values
                    .iter()
                    .all(|v| matches!(v, Value::Int(_) | Value::DateTime(_) | Value::TimeSpan(_) | Value::Null)) =>
            {
                let wanted: FxHashSet<i64> = values
                    .iter()
                    .filter_map(|v| match v {
                        Value::Int(i) | Value::DateTime(i) | Value::TimeSpan(i) => Some(*i),
                        _ => None,
                    })
                    .collect();
                v.iter()
                    .map(|i| if *i == NULL_INT { u8::from(negate) } else { u8::from(wanted.contains(i) != negate) })
                    .collect()
            }
            _ => {
                let wanted: FxHashSet<Key> = values.iter().map(|v| Key::from(&numeric_key(v))).collect();
                (0..l.len())
                    .map(|r| {
                        let v = l.value(r, a.ty).unwrap_dynamic_scalar();
                        if v.is_null() && a.ty != Type::String {
                            return u8::from(negate);
                        }
                        u8::from(wanted.contains(&Key::from(&numeric_key(&v))) != negate)
                    })
                    .collect()
            }
        },
        ListOp::InCi | ListOp::NotInCi => {
            let wanted: FxHashSet<String> = values.iter().map(|v| text_of(v).to_lowercase()).collect();
            text_predicate(&l, a.ty, |s| wanted.contains(lower(s).as_ref()) != negate)
        }
        ListOp::HasAny | ListOp::HasAll => {
            let needles: Vec<String> = values.iter().map(|v| text_of(v).into_owned()).collect();
            let all = op == ListOp::HasAll;
            text_predicate(&l, a.ty, |s| {
                if all {
                    needles.iter().all(|n| text_match(StrOpKind::Has, s, n, false))
                } else {
                    needles.iter().any(|n| text_match(StrOpKind::Has, s, n, false))
                }
            })
        }
    }))
}

/// Integers as reals when they are whole, so `in` matches 1 with 1.0.
fn numeric_key(v: &Value) -> Value {
    match v {
        Value::Real(r) if r.fract() == 0.0 && r.abs() < 9.0e15 => Value::Int(*r as i64),
        other => other.unwrap_dynamic_scalar(),
    }
}

fn in_rows<'a>(x: &Exec<'a>, op: ListOp, a: &TExpr, list: &[TExpr], f: &Frame<'a>) -> R<Data<'a>> {
    let l = eval(x, a, f)?;
    let items: Vec<Data<'a>> = list.iter().map(|i| eval(x, i, f)).collect::<R<_>>()?;
    let n = f.rows;
    let mut out = Vec::with_capacity(n);
    for r in 0..n {
        let v = l.value(r, a.ty);
        let mut values = Vec::new();
        for (d, t) in items.iter().zip(list) {
            flatten_into(&d.value(r, t.ty), &mut values);
        }
        let hit = match op {
            ListOp::In | ListOp::NotIn => values.iter().any(|w| equals(&v, w) == Some(true)),
            ListOp::InCi | ListOp::NotInCi => values.iter().any(|w| lower(&text_of(&v)) == lower(&text_of(w))),
            ListOp::HasAny => values.iter().any(|w| text_match(StrOpKind::Has, &text_of(&v), &text_of(w), false)),
            ListOp::HasAll => values.iter().all(|w| text_match(StrOpKind::Has, &text_of(&v), &text_of(w), false)),
        };
        out.push(u8::from(hit != matches!(op, ListOp::NotIn | ListOp::NotInCi)));
    }
    Ok(bools(out))
}

fn str_op<'a>(x: &Exec<'a>, op: StrOp, a: &TExpr, b: &TExpr, f: &Frame<'a>) -> R<Data<'a>> {
    let l = eval(x, a, f)?;
    if let Some(needle) = b.as_const() {
        let needle = text_of(needle).into_owned();
        return Ok(bools(text_predicate(&l, a.ty, |s| {
            text_match(op.kind, s, &needle, op.case_sensitive) != op.negated
        })));
    }
    let r = eval(x, b, f)?;
    Ok(bools(
        (0..f.rows)
            .map(|row| {
                let (p, q) = (l.value(row, a.ty), r.value(row, b.ty));
                u8::from(text_match(op.kind, &text_of(&p), &text_of(&q), op.case_sensitive) != op.negated)
            })
            .collect(),
    ))
}

fn binary<'a>(x: &Exec<'a>, e: &TExpr, op: BinaryOp, a: &TExpr, b: &TExpr, f: &Frame<'a>) -> R<Data<'a>> {
    let n = f.rows;
    let is_cmp = matches!(op, BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge | BinaryOp::Eq | BinaryOp::Ne);
    // A store string column against a constant string: decide once per symbol.
    if matches!(op, BinaryOp::Eq | BinaryOp::Ne | BinaryOp::EqCi | BinaryOp::NeCi)
        && a.ty == Type::String
        && b.ty == Type::String
    {
        let (col, constant) = match (a.as_const(), b.as_const()) {
            (None, Some(c)) => (a, Some(c)),
            (Some(c), None) => (b, Some(c)),
            _ => (a, None),
        };
        if let Some(c) = constant {
            let c = text_of(c).into_owned();
            let d = eval(x, col, f)?;
            let negate = matches!(op, BinaryOp::Ne | BinaryOp::NeCi);
            let out = match (op, &d) {
                (BinaryOp::Eq | BinaryOp::Ne, Data::Sym(codes, interner)) => {
                    let code = interner.lookup(&c).map(|s| s.0);
                    codes.iter().map(|&k| u8::from((Some(k) == code) != negate)).collect()
                }
                (BinaryOp::Eq | BinaryOp::Ne, _) => text_predicate(&d, col.ty, |s| (s == c) != negate),
                _ => {
                    let lc = c.to_lowercase();
                    text_predicate(&d, col.ty, |s| (lower(s) == lc.as_str()) != negate)
                }
            };
            return Ok(bools(out));
        }
    }
    // An integer or time column against a constant: compare without a constant vector.
    if is_cmp
        && a.ty != Type::Dynamic
        && let Some(c) = b.as_const()
        && let Some(q) = match c {
            Value::Int(i) | Value::DateTime(i) | Value::TimeSpan(i) => Some(*i),
            _ => None,
        }
        && matches!(a.ty, Type::Int | Type::Long | Type::DateTime | Type::TimeSpan)
    {
        let l = eval(x, a, f)?;
        if let Some(p) = as_i64s(&l) {
            return Ok(bools(
                p.iter()
                    .map(|&p| {
                        if p == NULL_INT {
                            null_comparison(op, true, false)
                        } else {
                            u8::from(ordering_holds(op, p.cmp(&q)))
                        }
                    })
                    .collect(),
            ));
        }
    }
    let l = eval(x, a, f)?;
    let r = eval(x, b, f)?;
    if is_cmp {
        // Typed vectors: integers and times, reals, bools.
        if let (Some(p), Some(q)) = (as_i64s(&l), as_i64s(&r))
            && a.ty != Type::Dynamic
            && b.ty != Type::Dynamic
        {
            return Ok(bools(
                p.iter()
                    .zip(q.iter())
                    .map(|(&p, &q)| {
                        if p == NULL_INT || q == NULL_INT {
                            null_comparison(op, p == NULL_INT, q == NULL_INT)
                        } else {
                            u8::from(ordering_holds(op, p.cmp(&q)))
                        }
                    })
                    .collect(),
            ));
        }
        if a.ty.is_numeric()
            && b.ty.is_numeric()
            && let (Some(p), Some(q)) = (as_f64s(&l), as_f64s(&r))
        {
            return Ok(bools(
                p.iter()
                    .zip(q.iter())
                    .map(|(p, q)| match p.partial_cmp(q) {
                        Some(o) => u8::from(ordering_holds(op, o)),
                        None => null_comparison(op, p.is_nan(), q.is_nan()),
                    })
                    .collect(),
            ));
        }
        if a.ty == Type::String && b.ty == Type::String {
            return Ok(bools(
                (0..n).map(|row| u8::from(ordering_holds(op, l.str_at(row).cmp(r.str_at(row))))).collect(),
            ));
        }
        return Ok(bools(
            (0..n)
                .map(|row| {
                    let (p, q) = (l.value(row, a.ty), r.value(row, b.ty));
                    match compare(&p, &q) {
                        Some(o) => u8::from(ordering_holds(op, o)),
                        None if p.is_null() || q.is_null() => null_comparison(op, p.is_null(), q.is_null()),
                        None => NULL_BOOL,
                    }
                })
                .collect(),
        ));
    }
    if matches!(op, BinaryOp::EqCi | BinaryOp::NeCi) {
        let negate = op == BinaryOp::NeCi;
        return Ok(bools(
            (0..n)
                .map(|row| {
                    let (p, q) = (l.value(row, a.ty), r.value(row, b.ty));
                    u8::from((lower(&text_of(&p)) == lower(&text_of(&q))) != negate)
                })
                .collect(),
        ));
    }
    // Arithmetic.
    if let (Some(p), Some(q)) = (as_i64s(&l), as_i64s(&r))
        && matches!(e.ty, Type::Int | Type::Long | Type::DateTime | Type::TimeSpan)
    {
        return Ok(Data::Int(p.iter().zip(q.iter()).map(|(&p, &q)| int_arith(op, p, q)).collect()));
    }
    if e.ty == Type::Real
        && let (Some(p), Some(q)) = (as_f64s(&l), as_f64s(&r))
        && a.ty != Type::TimeSpan
    {
        return Ok(Data::Real(
            p.iter()
                .zip(q.iter())
                .map(|(&p, &q)| match op {
                    BinaryOp::Add => p + q,
                    BinaryOp::Sub => p - q,
                    BinaryOp::Mul => p * q,
                    BinaryOp::Div => p / q,
                    BinaryOp::Mod => p % q,
                    _ => f64::NAN,
                })
                .collect(),
        ));
    }
    let mut out = Builder::new(e.ty, n);
    for row in 0..n {
        out.push(&arith(op, &l.value(row, a.ty), &r.value(row, b.ty), e.ty));
    }
    Ok(out.finish())
}

/// `bin(x, size)` over a column of integers or ticks, when `size` is a constant.
fn bin_vector<'a>(d: &Data<'a>, size: &Value, ty: Type) -> Option<Data<'a>> {
    match (d, size) {
        (Data::Int(v), Value::TimeSpan(s) | Value::Int(s))
            if *s > 0 && matches!(ty, Type::DateTime | Type::TimeSpan | Type::Int | Type::Long) =>
        {
            let s = *s;
            Some(Data::Int(
                v.iter()
                    .map(|&x| if x == NULL_INT { x } else { x.checked_sub(x.rem_euclid(s)).unwrap_or(NULL_INT) })
                    .collect(),
            ))
        }
        (Data::Real(v), Value::Real(s)) if *s > 0.0 => {
            Some(Data::Real(v.iter().map(|x| (x / s).floor() * s).collect()))
        }
        _ => None,
    }
}

fn call<'a>(x: &Exec<'a>, e: &TExpr, func: &'static ScalarFn, args: &[TExpr], f: &Frame<'a>) -> R<Data<'a>> {
    let n = f.rows;
    // bin()/floor() of a column by a constant: a vector floor (the same rule as the
    // library's bin: the largest multiple of the size not above the value).
    if matches!(func.name, "bin" | "floor")
        && let [value, size] = args
        && let Some(s) = size.as_const()
        && e.ty == value.ty
    {
        let d = eval(x, value, f)?;
        if let Some(out) = bin_vector(&d, s, value.ty) {
            return Ok(out);
        }
    }
    let ctx = FnCtx { now: x.now };
    let datas: Vec<Data<'a>> = args.iter().map(|a| eval_arg(x, a, f)).collect::<R<_>>()?;
    let varying: Vec<usize> = args.iter().enumerate().filter(|(_, a)| !a.is_constant()).map(|(i, _)| i).collect();
    let fail = |m: String| QueryError::runtime(e.span, format!("{}(): {m}", func.name));
    let mut values: Vec<Value> =
        args.iter().zip(&datas).map(|(a, d)| if d.is_empty() { Value::Null } else { d.value(0, a.ty) }).collect();
    // Constant arguments only: once.
    if varying.is_empty() || n == 0 {
        let v = if n == 0 { Value::Null } else { (func.eval)(&values, &ctx).map_err(fail)? };
        return Ok(Data::constant(&v, e.ty, n));
    }
    let mut out = Builder::new(e.ty, n);
    // One store string column varies: once per distinct symbol.
    if let [only] = varying.as_slice()
        && let Data::Sym(codes, _) = &datas[*only]
    {
        let mut memo: FxHashMap<u32, Value> = FxHashMap::default();
        for (row, code) in codes.iter().enumerate() {
            if row % 65536 == 0 {
                x.check()?;
            }
            let v = match memo.get(code) {
                Some(v) => v.clone(),
                None => {
                    values[*only] = datas[*only].value(row, args[*only].ty);
                    let v = (func.eval)(&values, &ctx).map_err(fail)?;
                    memo.insert(*code, v.clone());
                    v
                }
            };
            out.push(&v);
        }
        return Ok(out.finish());
    }
    let mut readers: Vec<(usize, ValueReader<'_, 'a>)> =
        varying.iter().map(|&i| (i, ValueReader::new(&datas[i], args[i].ty))).collect();
    for row in 0..n {
        if row % 65536 == 0 {
            x.check()?;
        }
        for (i, reader) in &mut readers {
            values[*i] = reader.get(row);
        }
        out.push(&(func.eval)(&values, &ctx).map_err(fail)?);
    }
    Ok(out.finish())
}

/// A function argument: constants once (one row), columns whole.
fn eval_arg<'a>(x: &Exec<'a>, a: &TExpr, f: &Frame<'a>) -> R<Data<'a>> {
    if a.is_constant() {
        let v = x.constant_value(a)?;
        return Ok(Data::constant(&v, a.ty, 1));
    }
    eval(x, a, f)
}

/// One value of an expression with no column (a constant).
pub fn eval_constant<'a>(x: &Exec<'a>, e: &TExpr) -> R<Value> {
    let one = Frame::new(Vec::new(), 1);
    let d = eval(x, e, &one)?;
    Ok(d.value(0, e.ty))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn has_matches_whole_terms_and_contains_any_substring() {
        let has = |h: &str, n: &str| text_match(StrOpKind::Has, h, n, false);
        assert!(has("North America", "america"));
        assert!(!has("North America", "amer"));
        assert!(has("10.229.243.232", "10.229.243.232"));
        assert!(has("[\"10.229.243.232\",\"10.0.0.1\"]", "10.0.0.1"));
        assert!(!has("110.0.0.1", "10.0.0.1"));
        assert!(has("sqlservr.exe", "sqlservr"));
        assert!(!has("mssqlservr", "sql"));
        assert!(text_match(StrOpKind::Contains, "mssqlservr", "SQL", false));
        assert!(!text_match(StrOpKind::Contains, "mssqlservr", "SQL", true));
        assert!(text_match(StrOpKind::HasPrefix, "North America", "amer", false));
        assert!(!text_match(StrOpKind::HasPrefix, "North America", "merica", false));
        assert!(text_match(StrOpKind::HasSuffix, "North America", "rica", false));
        assert!(text_match(StrOpKind::StartsWith, "127.0.0.1", "127.", true));
        assert!(text_match(StrOpKind::EndsWith, "web.contoso.com", ".COM", false));
    }

    #[test]
    fn datetime_arithmetic_follows_kusto_types() {
        let d = Value::DateTime(100);
        assert!(matches!(arith(BinaryOp::Sub, &d, &Value::DateTime(40), Type::TimeSpan), Value::TimeSpan(60)));
        assert!(matches!(arith(BinaryOp::Add, &d, &Value::TimeSpan(5), Type::DateTime), Value::DateTime(105)));
        assert!(
            matches!(arith(BinaryOp::Div, &Value::TimeSpan(10), &Value::TimeSpan(4), Type::Real), Value::Real(r) if r == 2.5)
        );
        assert!(matches!(
            arith(BinaryOp::Mul, &Value::TimeSpan(10), &Value::Int(3), Type::TimeSpan),
            Value::TimeSpan(30)
        ));
        assert!(matches!(arith(BinaryOp::Div, &Value::Int(7), &Value::Int(2), Type::Long), Value::Int(3)));
        assert!(arith(BinaryOp::Div, &Value::Int(7), &Value::Int(0), Type::Long).is_null());
        assert!(
            matches!(arith(BinaryOp::Div, &Value::Int(7), &Value::Real(2.0), Type::Real), Value::Real(r) if r == 3.5)
        );
    }
}
