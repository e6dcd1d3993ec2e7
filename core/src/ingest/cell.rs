//! Turning one exported value into a typed cell of its column. Every shape ends up here:
//! CSV text, `az` CLI strings, typed JSON values and nested dynamic JSON.

use crate::model::{ColType, Timestamp};
use crate::store::{Cell, Interner};
use std::borrow::Cow;

/// A value as an export shape delivers it, before it is typed by its column.
#[derive(Clone, Debug, PartialEq)]
pub enum Raw<'a> {
    Null,
    Bool(bool),
    Int(i64),
    Real(f64),
    Text(Cow<'a, str>),
    /// A nested JSON array or object (a `dynamic` value not encoded as a string), as JSON text.
    Json(String),
}

/// How a shape writes null inside text: the `az` CLI writes Python's `None`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NullText {
    EmptyOnly,
    EmptyOrNone,
}

/// Converts a value to its column's type. `Err` holds the reason, for the row warning.
pub fn to_cell(
    raw: &Raw<'_>,
    ty: ColType,
    null_text: NullText,
    offset_ticks: i64,
    interner: &mut Interner,
) -> Result<Cell, String> {
    if let Raw::Text(text) = raw {
        let trimmed = text.trim();
        let none = null_text == NullText::EmptyOrNone && trimmed == "None";
        if text.is_empty() || none || (ty != ColType::Str && trimmed.is_empty()) {
            return Ok(Cell::Null);
        }
    }
    match ty {
        ColType::Str | ColType::Dynamic => Ok(match raw {
            Raw::Null => Cell::Null,
            Raw::Text(text) => Cell::Str(interner.intern(text)),
            Raw::Json(json) => Cell::Str(interner.intern(json)),
            Raw::Bool(b) => Cell::Str(interner.intern(if *b { "true" } else { "false" })),
            Raw::Int(v) => Cell::Str(interner.intern(&v.to_string())),
            Raw::Real(v) => Cell::Str(interner.intern(&v.to_string())),
        }),
        ColType::Int => match raw {
            Raw::Null => Ok(Cell::Null),
            Raw::Int(v) => Ok(Cell::Int(*v)),
            Raw::Real(v) if v.fract() == 0.0 && v.abs() < 9.2e18 => Ok(Cell::Int(*v as i64)),
            Raw::Text(text) => parse_int(text.trim()).map(Cell::Int).ok_or_else(|| "not an integer".to_string()),
            _ => Err("not an integer".to_string()),
        },
        ColType::Real => match raw {
            Raw::Null => Ok(Cell::Null),
            Raw::Int(v) => Ok(Cell::Real(*v as f64)),
            Raw::Real(v) => Ok(Cell::Real(*v)),
            Raw::Text(text) => text
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .map(Cell::Real)
                .ok_or_else(|| "not a number".to_string()),
            _ => Err("not a number".to_string()),
        },
        ColType::Bool => match raw {
            Raw::Null => Ok(Cell::Null),
            Raw::Bool(b) => Ok(Cell::Bool(*b)),
            Raw::Int(0) => Ok(Cell::Bool(false)),
            Raw::Int(1) => Ok(Cell::Bool(true)),
            Raw::Text(text) => parse_bool(text.trim()).map(Cell::Bool).ok_or_else(|| "not a bool".to_string()),
            _ => Err("not a bool".to_string()),
        },
        ColType::Time => match raw {
            Raw::Null => Ok(Cell::Null),
            Raw::Text(text) => Timestamp::parse(text)
                .map(|t| Cell::Time(Timestamp(t.0 - offset_ticks)))
                .ok_or_else(|| "not a date".to_string()),
            _ => Err("not a date".to_string()),
        },
    }
}

/// Integers as text: `123`, `-4`, and `123.0` (some tools print longs as floats).
fn parse_int(text: &str) -> Option<i64> {
    if let Ok(v) = text.parse::<i64>() {
        return Some(v);
    }
    let v = text.parse::<f64>().ok()?;
    (v.fract() == 0.0 && v.abs() < 9.2e18).then_some(v as i64)
}

/// Bools as the exports write them: `true`/`True`/`TRUE`/`1`, and the same for false.
fn parse_bool(text: &str) -> Option<bool> {
    if text == "1" || text.eq_ignore_ascii_case("true") {
        Some(true)
    } else if text == "0" || text.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(raw: Raw<'_>, ty: ColType) -> Result<Cell, String> {
        to_cell(&raw, ty, NullText::EmptyOrNone, 0, &mut Interner::default())
    }

    #[test]
    fn typed_values_from_text() {
        assert_eq!(cell(Raw::Text("123".into()), ColType::Int), Ok(Cell::Int(123)));
        assert_eq!(cell(Raw::Text("123.0".into()), ColType::Int), Ok(Cell::Int(123)));
        assert_eq!(cell(Raw::Text("None".into()), ColType::Int), Ok(Cell::Null));
        assert_eq!(cell(Raw::Text("True".into()), ColType::Bool), Ok(Cell::Bool(true)));
        assert_eq!(cell(Raw::Text("1".into()), ColType::Bool), Ok(Cell::Bool(true)));
        assert_eq!(cell(Raw::Text("false".into()), ColType::Bool), Ok(Cell::Bool(false)));
        assert!(cell(Raw::Text("abc".into()), ColType::Int).is_err());
        assert!(cell(Raw::Bool(true), ColType::Int).is_err());
        assert_eq!(cell(Raw::Text("None".into()), ColType::Str), Ok(Cell::Null));
    }
}
