//! Turning one exported value into a typed cell of its column. Every shape ends up here:
//! CSV text, `az` CLI strings, typed JSON values and nested dynamic JSON.

use crate::model::{ColType, Timestamp};
use crate::store::{Cell, Interner};

/// A value as an export shape delivers it, borrowed from the read window, before it is
/// typed by its column.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value<'a> {
    /// A CSV field or a JSON string, unescaped; not yet checked to be UTF-8.
    Text(&'a [u8]),
    /// A JSON number as written.
    Number(&'a [u8]),
    /// A JSON integer written as plain digits, with no leading zero, sign `-` at most, so its
    /// text is its value's: JSON rows carry their metrics this way, parsed as they are scanned.
    Int(i64),
    Bool(bool),
    Null,
    /// A nested JSON array or object (a `dynamic` value not encoded as a string), as compact
    /// JSON text.
    Json(&'a [u8]),
}

impl Value<'_> {
    /// The value as the user would read it, for warnings.
    pub fn text(self) -> String {
        match self {
            Value::Text(b) | Value::Number(b) | Value::Json(b) => String::from_utf8_lossy(b).into_owned(),
            Value::Int(v) => v.to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Null => "null".to_string(),
        }
    }
}

/// A leading `-`, and the bytes after it.
pub fn split_sign(bytes: &[u8]) -> (bool, &[u8]) {
    match bytes.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, bytes),
    }
}

/// The value of the digits at the start of `bytes`, and how many there are. The value wraps
/// past 19 digits: callers bound the count.
#[inline]
pub fn leading_digits(bytes: &[u8]) -> (u64, usize) {
    let (mut value, mut count) = (0u64, 0);
    while let Some(&b) = bytes.get(count)
        && b.is_ascii_digit()
    {
        value = value.wrapping_mul(10).wrapping_add(u64::from(b - b'0'));
        count += 1;
    }
    (value, count)
}

/// How a shape writes null inside text: the `az` CLI writes Python's `None`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NullText {
    EmptyOnly,
    EmptyOrNone,
}

impl NullText {
    /// Whether a text value stands for null in a column of type `ty`.
    pub fn is_null(self, bytes: &[u8], ty: ColType) -> bool {
        if bytes.is_empty() {
            return true;
        }
        let trimmed = bytes.trim_ascii();
        (self == NullText::EmptyOrNone && trimmed == b"None") || (ty != ColType::Str && trimmed.is_empty())
    }
}

/// Converts a value to its column's type. `Err` holds the reason, for the row warning.
pub fn to_cell(
    value: Value<'_>,
    ty: ColType,
    null_text: NullText,
    offset_ticks: i64,
    interner: &mut Interner,
) -> Result<Cell, String> {
    let text = match value {
        Value::Int(v) if ty == ColType::Int => return Ok(Cell::Int(v)),
        // Any other column reads it as the number it was written as.
        Value::Int(v) => {
            return to_cell(Value::Number(v.to_string().as_bytes()), ty, null_text, offset_ticks, interner);
        }
        Value::Text(bytes) if null_text.is_null(bytes, ty) => return Ok(Cell::Null),
        Value::Null => return Ok(Cell::Null),
        Value::Text(bytes) | Value::Number(bytes) | Value::Json(bytes) => {
            std::str::from_utf8(bytes).map_err(|_| "not UTF-8 text".to_string())?
        }
        Value::Bool(b) => {
            return match ty {
                ColType::Str | ColType::Dynamic => Ok(Cell::Str(interner.intern(if b { "true" } else { "false" }))),
                ColType::Bool => Ok(Cell::Bool(b)),
                _ => Err(format!("not {}", ty_name(ty))),
            };
        }
    };
    let is_text = matches!(value, Value::Text(_));
    let number = matches!(value, Value::Number(_));
    match ty {
        ColType::Str | ColType::Dynamic => Ok(Cell::Str(interner.intern(text))),
        ColType::Int if !matches!(value, Value::Json(_)) => {
            parse_int(text.trim()).map(Cell::Int).ok_or_else(|| "not an integer".to_string())
        }
        ColType::Real if !matches!(value, Value::Json(_)) => text
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .map(Cell::Real)
            .ok_or_else(|| "not a number".to_string()),
        // JSON numbers 0 and 1 are bools too.
        ColType::Bool if is_text || number => {
            parse_bool(text.trim()).map(Cell::Bool).ok_or_else(|| "not a bool".to_string())
        }
        ColType::Time if is_text => Timestamp::parse(text)
            .map(|t| Cell::Time(Timestamp(t.0 - offset_ticks)))
            .ok_or_else(|| "not a date".to_string()),
        _ => Err(format!("not {}", ty_name(ty))),
    }
}

fn ty_name(ty: ColType) -> &'static str {
    match ty {
        ColType::Str | ColType::Dynamic => "text",
        ColType::Int => "an integer",
        ColType::Real => "a number",
        ColType::Bool => "a bool",
        ColType::Time => "a date",
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

    fn cell(value: Value<'_>, ty: ColType) -> Result<Cell, String> {
        to_cell(value, ty, NullText::EmptyOrNone, 0, &mut Interner::default())
    }

    #[test]
    fn typed_values_from_text() {
        assert_eq!(cell(Value::Text(b"123"), ColType::Int), Ok(Cell::Int(123)));
        assert_eq!(cell(Value::Text(b"123.0"), ColType::Int), Ok(Cell::Int(123)));
        assert_eq!(cell(Value::Number(b"1.5e3"), ColType::Int), Ok(Cell::Int(1500)));
        assert_eq!(cell(Value::Number(b"2.5"), ColType::Real), Ok(Cell::Real(2.5)));
        assert_eq!(cell(Value::Text(b"None"), ColType::Int), Ok(Cell::Null));
        assert_eq!(cell(Value::Text(b"True"), ColType::Bool), Ok(Cell::Bool(true)));
        assert_eq!(cell(Value::Text(b"1"), ColType::Bool), Ok(Cell::Bool(true)));
        assert_eq!(cell(Value::Number(b"0"), ColType::Bool), Ok(Cell::Bool(false)));
        assert_eq!(cell(Value::Text(b"false"), ColType::Bool), Ok(Cell::Bool(false)));
        assert!(cell(Value::Text(b"abc"), ColType::Int).is_err());
        assert!(cell(Value::Bool(true), ColType::Int).is_err());
        assert!(cell(Value::Number(b"5"), ColType::Time).is_err());
        assert_eq!(cell(Value::Int(-42), ColType::Int), Ok(Cell::Int(-42)));
        assert_eq!(cell(Value::Int(47), ColType::Real), Ok(Cell::Real(47.0)));
        assert_eq!(cell(Value::Int(1), ColType::Bool), Ok(Cell::Bool(true)));
        assert!(cell(Value::Int(5), ColType::Time).is_err());
        let mut interner = Interner::default();
        let port = to_cell(Value::Int(5000), ColType::Str, NullText::EmptyOnly, 0, &mut interner);
        assert_eq!(port, Ok(Cell::Str(interner.intern("5000"))));
        assert!(cell(Value::Text(&[0xff, 0xfe]), ColType::Str).is_err());
        assert_eq!(cell(Value::Text(b"None"), ColType::Str), Ok(Cell::Null));
        assert_eq!(cell(Value::Text(b" "), ColType::Int), Ok(Cell::Null));
    }
}
