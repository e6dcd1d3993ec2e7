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

pub use super::temporal::{
    DOTNET_EPOCH_TICKS, format_datetime, format_timespan, parse_datetime, parse_timespan, parse_timespan_literal,
};

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};

use serde_json::Value as Json;

impl Value {
    /// The type a value has on its own (`Int` reads as `long`, Kusto's integer literal type);
    /// `None` for a null.
    pub fn natural_type(&self) -> Option<Type> {
        Some(match self {
            Value::Null => return None,
            Value::Bool(_) => Type::Bool,
            Value::Int(_) => Type::Long,
            Value::Real(_) => Type::Real,
            Value::String(_) => Type::String,
            Value::DateTime(_) => Type::DateTime,
            Value::TimeSpan(_) => Type::TimeSpan,
            Value::Dynamic(_) => Type::Dynamic,
        })
    }

    /// A dynamic value holding `json`.
    pub fn dynamic(json: Json) -> Value {
        Value::Dynamic(Arc::new(json))
    }

    /// The text of a string value (`None` for anything else, null included).
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// A dynamic holding a JSON scalar reads as that scalar (`dynamic(5)` as the long 5);
    /// other values are returned as they are. Arrays and objects stay dynamic.
    pub fn unwrap_dynamic_scalar(&self) -> Value {
        match self {
            Value::Dynamic(json) => match json.as_ref() {
                Json::Array(_) | Json::Object(_) => self.clone(),
                scalar => Value::from_json(scalar),
            },
            other => other.clone(),
        }
    }

    /// A JSON value as a scalar: `null` -> null, booleans, integers (long), other numbers
    /// (real), strings; arrays and objects stay dynamic.
    pub fn from_json(json: &Json) -> Value {
        match json {
            Json::Null => Value::Null,
            Json::Bool(b) => Value::Bool(*b),
            Json::Number(n) => match n.as_i64() {
                Some(i) => Value::Int(i),
                None => n.as_f64().map_or(Value::Null, Value::Real),
            },
            Json::String(s) => Value::str(s),
            Json::Array(_) | Json::Object(_) => Value::Dynamic(Arc::new(json.clone())),
        }
    }

    /// The value as it is stored inside a dynamic value (`pack`, `make_list`, `make_bag`):
    /// datetimes as ISO text with 7 fractional digits and timespans in the `c` format, as Kusto
    /// writes them; reals that JSON cannot hold (NaN, infinities) as their names.
    pub fn to_json(&self) -> Json {
        match self {
            Value::Null => Json::Null,
            Value::Bool(b) => Json::Bool(*b),
            Value::Int(i) => Json::from(*i),
            Value::Real(r) => {
                serde_json::Number::from_f64(*r).map_or_else(|| Json::String(format_real(*r)), Json::Number)
            }
            Value::String(s) => Json::String(s.to_string()),
            Value::DateTime(t) => Json::String(super::temporal::format_datetime_full(*t)),
            Value::TimeSpan(t) => Json::String(format_timespan(*t)),
            Value::Dynamic(json) => json.as_ref().clone(),
        }
    }

    /// How Kusto prints the value in a result cell, and what `tostring()` returns: null as
    /// the empty string, datetimes in ISO 8601, timespans as `[-][d.]hh:mm:ss[.fffffff]`, reals
    /// in .NET's shortest round-trip form (`1.5`, `1E+20`), dynamic values as compact JSON
    /// (a dynamic string as its bare text).
    pub fn to_display(&self) -> String {
        self.to_string()
    }

    /// `tobool()`: booleans; numbers (non-zero is true); the texts `true`/`false` (any case)
    /// and integer texts. `None` (null) when it does not convert.
    pub fn to_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            Value::Int(i) => Some(*i != 0),
            Value::Real(r) => (!r.is_nan()).then_some(*r != 0.0),
            Value::String(s) => {
                let text = s.trim();
                if text.eq_ignore_ascii_case("true") {
                    Some(true)
                } else if text.eq_ignore_ascii_case("false") {
                    Some(false)
                } else {
                    text.parse::<i64>().ok().map(|i| i != 0)
                }
            }
            Value::Dynamic(_) => match self.unwrap_dynamic_scalar() {
                Value::Dynamic(_) => None,
                scalar => scalar.to_bool(),
            },
            Value::Null | Value::DateTime(_) | Value::TimeSpan(_) => None,
        }
    }

    /// `tolong()`: integers; reals truncated toward zero (null past the range of long);
    /// booleans as 1/0; integer or decimal texts; datetimes as ticks since 0001-01-01 (.NET
    /// ticks, as Kusto counts them); timespans as ticks.
    pub fn to_long(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            Value::Real(r) => real_to_long(*r),
            Value::Bool(b) => Some(i64::from(*b)),
            Value::String(s) => {
                let text = s.trim();
                text.parse::<i64>().ok().or_else(|| parse_real_text(text).and_then(real_to_long))
            }
            Value::DateTime(t) => t.checked_add(DOTNET_EPOCH_TICKS),
            Value::TimeSpan(t) => Some(*t),
            Value::Dynamic(_) => match self.unwrap_dynamic_scalar() {
                Value::Dynamic(_) => None,
                scalar => scalar.to_long(),
            },
            Value::Null => None,
        }
    }

    /// `toint()`: [`Value::to_long`] limited to 32 bits (null outside them).
    pub fn to_int(&self) -> Option<i64> {
        self.to_long().filter(|i| i32::try_from(*i).is_ok())
    }

    /// `todouble()`/`toreal()`: numbers, booleans, number texts (`1e5`, `NaN`), datetimes
    /// and timespans as their ticks.
    pub fn to_real(&self) -> Option<f64> {
        match self {
            Value::Int(i) => Some(*i as f64),
            Value::Real(r) => Some(*r),
            Value::Bool(b) => Some(if *b { 1.0 } else { 0.0 }),
            Value::String(s) => parse_real_text(s.trim()),
            Value::DateTime(t) => Some(t.saturating_add(DOTNET_EPOCH_TICKS) as f64),
            Value::TimeSpan(t) => Some(*t as f64),
            Value::Dynamic(_) => match self.unwrap_dynamic_scalar() {
                Value::Dynamic(_) => None,
                scalar => scalar.to_real(),
            },
            Value::Null => None,
        }
    }

    /// `todatetime()`: datetimes and datetime texts (see [`parse_datetime`]).
    pub fn to_datetime(&self) -> Option<i64> {
        match self {
            Value::DateTime(t) => Some(*t),
            Value::String(s) => parse_datetime(s),
            Value::Dynamic(_) => match self.unwrap_dynamic_scalar() {
                Value::Dynamic(_) => None,
                scalar => scalar.to_datetime(),
            },
            _ => None,
        }
    }

    /// `totimespan()`: timespans, timespan texts (see [`parse_timespan`]) and integers as
    /// ticks.
    pub fn to_timespan(&self) -> Option<i64> {
        match self {
            Value::TimeSpan(t) => Some(*t),
            Value::Int(i) => Some(*i),
            Value::String(s) => parse_timespan(s),
            Value::Dynamic(_) => match self.unwrap_dynamic_scalar() {
                Value::Dynamic(_) => None,
                scalar => scalar.to_timespan(),
            },
            _ => None,
        }
    }

    /// The value converted to `ty` as `to<type>()` would (null when it does not convert).
    pub fn convert_to(&self, ty: Type) -> Value {
        match ty {
            Type::Bool => self.to_bool().map_or(Value::Null, Value::Bool),
            Type::Int => self.to_int().map_or(Value::Null, Value::Int),
            Type::Long => self.to_long().map_or(Value::Null, Value::Int),
            Type::Real => self.to_real().map_or(Value::Null, Value::Real),
            Type::String => match self {
                Value::Null => Value::str(""),
                Value::String(_) => self.clone(),
                other => Value::str(&other.to_string()),
            },
            Type::DateTime => self.to_datetime().map_or(Value::Null, Value::DateTime),
            Type::TimeSpan => self.to_timespan().map_or(Value::Null, Value::TimeSpan),
            Type::Dynamic => match self {
                Value::Null => Value::Null,
                Value::Dynamic(_) => self.clone(),
                other => Value::dynamic(other.to_json()),
            },
        }
    }
}

fn real_to_long(r: f64) -> Option<i64> {
    /// 2^63: the first real past the range of long.
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    let t = r.trunc();
    (-LIMIT..LIMIT).contains(&t).then_some(t as i64)
}

/// A real in text, with .NET's names for the special values accepted as well.
fn parse_real_text(text: &str) -> Option<f64> {
    match text {
        "NaN" => Some(f64::NAN),
        "Infinity" | "+Infinity" => Some(f64::INFINITY),
        "-Infinity" => Some(f64::NEG_INFINITY),
        _ if text.bytes().any(|b| b.is_ascii_alphabetic() && b != b'e' && b != b'E') => None,
        _ => text.parse().ok(),
    }
}

/// A real as .NET's shortest round-trip text (what Kusto prints): positional from 0.0001
/// and 1E+15, scientific (`1E+20`, `1.5E-07`) outside; `NaN`, `Infinity`, `-Infinity`.
pub fn format_real(r: f64) -> String {
    if r.is_nan() {
        return "NaN".to_string();
    }
    if r.is_infinite() {
        return if r > 0.0 { "Infinity" } else { "-Infinity" }.to_string();
    }
    if r == 0.0 {
        return "0".to_string();
    }
    // `{:e}` gives the shortest round-trip digits: "-1.2345e-7".
    let scientific = format!("{r:e}");
    let Some((mantissa, exponent)) = scientific.split_once('e') else {
        return scientific;
    };
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => ("-", m),
        None => ("", mantissa),
    };
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    if !(-4..15).contains(&exponent) {
        let rest = &digits[1..];
        let point = if rest.is_empty() { String::new() } else { format!(".{rest}") };
        let exp_sign = if exponent < 0 { '-' } else { '+' };
        return format!("{sign}{}{point}E{exp_sign}{:02}", &digits[..1], exponent.unsigned_abs());
    }
    if exponent < 0 {
        let zeros = "0".repeat(exponent.unsigned_abs() as usize - 1);
        return format!("{sign}0.{zeros}{digits}");
    }
    let int_len = exponent as usize + 1;
    if digits.len() <= int_len {
        format!("{sign}{digits}{}", "0".repeat(int_len - digits.len()))
    } else {
        format!("{sign}{}.{}", &digits[..int_len], &digits[int_len..])
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => Ok(()),
            Value::Bool(b) => f.write_str(if *b { "true" } else { "false" }),
            Value::Int(i) => write!(f, "{i}"),
            Value::Real(r) => f.write_str(&format_real(*r)),
            Value::String(s) => f.write_str(s),
            Value::DateTime(t) => f.write_str(&format_datetime(*t)),
            Value::TimeSpan(t) => f.write_str(&format_timespan(*t)),
            Value::Dynamic(json) => match json.as_ref() {
                Json::String(s) => f.write_str(s),
                Json::Null => Ok(()),
                // A number on its own prints as the scalar it is (`118`, not `118.0`).
                Json::Number(_) => write!(f, "{}", Value::from_json(json)),
                other => write!(f, "{other}"),
            },
        }
    }
}

/// Kusto's comparison of two scalars for `<`, `>`, `==`...: numbers compare across int,
/// long and real; datetimes with datetimes; timespans with timespans; strings by ordinal
/// (case-sensitive) order; a dynamic scalar as the scalar it holds. `None` when either side is
/// null, a real is NaN, or the types do not compare.
pub fn compare(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => Some(x.cmp(y)),
        (Value::Int(x), Value::Real(y)) => (*x as f64).partial_cmp(y),
        (Value::Real(x), Value::Int(y)) => x.partial_cmp(&(*y as f64)),
        (Value::Real(x), Value::Real(y)) => x.partial_cmp(y),
        (Value::String(x), Value::String(y)) => Some(x.as_ref().cmp(y.as_ref())),
        (Value::Bool(x), Value::Bool(y)) => Some(x.cmp(y)),
        (Value::DateTime(x), Value::DateTime(y)) | (Value::TimeSpan(x), Value::TimeSpan(y)) => Some(x.cmp(y)),
        (Value::Dynamic(_), _) | (_, Value::Dynamic(_)) => {
            let (x, y) = (a.unwrap_dynamic_scalar(), b.unwrap_dynamic_scalar());
            match (&x, &y) {
                (Value::Dynamic(p), Value::Dynamic(q)) => (p == q).then_some(Ordering::Equal),
                (Value::Dynamic(_), _) | (_, Value::Dynamic(_)) => None,
                _ => compare(&x, &y),
            }
        }
        _ => None,
    }
}

/// Kusto's `==` on two scalars: null when both are null; false when only one is null (as
/// the documentation's null rules say); otherwise by [`compare`] (null when the types do not
/// compare).
pub fn equals(a: &Value, b: &Value) -> Option<bool> {
    let null = |v: &Value| v.is_null() || matches!(v, Value::Dynamic(j) if j.is_null());
    match (null(a), null(b)) {
        (true, true) => None,
        (true, false) | (false, true) => Some(false),
        (false, false) => compare(a, b).map(|o| o == Ordering::Equal),
    }
}

/// The rank of a value's kind in a mixed (dynamic) column's sort.
fn kind_rank(v: &Value) -> u8 {
    match v {
        Value::Null => 0,
        Value::Bool(_) => 1,
        Value::Int(_) | Value::Real(_) => 2,
        Value::DateTime(_) => 3,
        Value::TimeSpan(_) => 4,
        Value::String(_) => 5,
        Value::Dynamic(_) => 6,
    }
}

/// A total order for `sort`/`order by`/`top`: nulls first (the caller reverses or moves them
/// for `nulls last`), NaN below every other real, values of different kinds by kind, dynamic
/// arrays and objects by their JSON text.
pub fn sort_cmp(a: &Value, b: &Value) -> Ordering {
    let (a, b) = (a.unwrap_dynamic_scalar(), b.unwrap_dynamic_scalar());
    match (&a, &b) {
        (Value::Real(x), Value::Real(y)) => total_real_cmp(*x, *y),
        (Value::Int(x), Value::Real(y)) => total_real_cmp(*x as f64, *y).then(Ordering::Less),
        (Value::Real(x), Value::Int(y)) => total_real_cmp(*x, *y as f64).then(Ordering::Greater),
        (Value::Dynamic(x), Value::Dynamic(y)) => x.to_string().cmp(&y.to_string()),
        _ => compare(&a, &b).unwrap_or_else(|| kind_rank(&a).cmp(&kind_rank(&b))),
    }
}

/// Reals in numeric order with NaN first and -0 equal to 0.
fn total_real_cmp(x: f64, y: f64) -> Ordering {
    match (x.is_nan(), y.is_nan()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Less,
        (false, true) => Ordering::Greater,
        (false, false) => x.partial_cmp(&y).unwrap_or(Ordering::Equal),
    }
}

/// A value as a grouping key (`summarize by`, `distinct`, `dcount`, `make_set`, join keys):
/// `Eq + Hash + Ord`, reals by their bits (with -0 as 0 and one NaN), strings
/// case-sensitive, dynamic values by their compact JSON text.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Key {
    Null,
    Bool(bool),
    Int(i64),
    Real(RealKey),
    String(Arc<str>),
    DateTime(i64),
    TimeSpan(i64),
    Dynamic(DynamicKey),
}

/// A real as a key: equal when the bits are equal after folding -0 into 0 and every NaN into
/// one; ordered numerically (NaN first).
#[derive(Clone, Copy, Debug)]
pub struct RealKey(f64);

impl RealKey {
    fn new(r: f64) -> RealKey {
        RealKey(if r.is_nan() {
            f64::NAN
        } else if r == 0.0 {
            0.0
        } else {
            r
        })
    }
    pub fn get(self) -> f64 {
        self.0
    }
}

impl PartialEq for RealKey {
    fn eq(&self, other: &Self) -> bool {
        self.0.to_bits() == other.0.to_bits()
    }
}
impl Eq for RealKey {}
impl Hash for RealKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.to_bits().hash(state);
    }
}
impl PartialOrd for RealKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for RealKey {
    fn cmp(&self, other: &Self) -> Ordering {
        total_real_cmp(self.0, other.0)
    }
}

/// A dynamic value as a key: compared and hashed by its compact JSON text.
#[derive(Clone, Debug)]
pub struct DynamicKey {
    text: Arc<str>,
    value: Arc<Json>,
}

impl PartialEq for DynamicKey {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}
impl Eq for DynamicKey {}
impl Hash for DynamicKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.text.hash(state);
    }
}
impl PartialOrd for DynamicKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for DynamicKey {
    fn cmp(&self, other: &Self) -> Ordering {
        self.text.cmp(&other.text)
    }
}

impl Key {
    /// The value back from its key.
    pub fn to_value(&self) -> Value {
        match self {
            Key::Null => Value::Null,
            Key::Bool(b) => Value::Bool(*b),
            Key::Int(i) => Value::Int(*i),
            Key::Real(r) => Value::Real(r.0),
            Key::String(s) => Value::String(Arc::clone(s)),
            Key::DateTime(t) => Value::DateTime(*t),
            Key::TimeSpan(t) => Value::TimeSpan(*t),
            Key::Dynamic(d) => Value::Dynamic(Arc::clone(&d.value)),
        }
    }
}

impl From<&Value> for Key {
    fn from(value: &Value) -> Key {
        match value {
            Value::Null => Key::Null,
            Value::Bool(b) => Key::Bool(*b),
            Value::Int(i) => Key::Int(*i),
            Value::Real(r) => Key::Real(RealKey::new(*r)),
            Value::String(s) => Key::String(Arc::clone(s)),
            Value::DateTime(t) => Key::DateTime(*t),
            Value::TimeSpan(t) => Key::TimeSpan(*t),
            Value::Dynamic(json) => {
                Key::Dynamic(DynamicKey { text: Arc::from(json.to_string()), value: Arc::clone(json) })
            }
        }
    }
}

impl From<Value> for Key {
    fn from(value: Value) -> Key {
        Key::from(&value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn reals_print_like_kusto() {
        assert_eq!(format_real(1.0), "1");
        assert_eq!(format_real(1.5), "1.5");
        assert_eq!(format_real(-0.25), "-0.25");
        assert_eq!(format_real(100.0), "100");
        assert_eq!(format_real(123456789012345.0), "123456789012345");
        assert_eq!(format_real(1e15), "1E+15");
        assert_eq!(format_real(1.5e20), "1.5E+20");
        assert_eq!(format_real(0.0001), "0.0001");
        assert_eq!(format_real(0.00001), "1E-05");
        assert_eq!(format_real(1.25e-7), "1.25E-07");
        assert_eq!(format_real(f64::NAN), "NaN");
        assert_eq!(format_real(f64::NEG_INFINITY), "-Infinity");
        assert_eq!(format_real(0.1 + 0.2), "0.30000000000000004");
    }

    #[test]
    fn values_display_as_kusto_prints_them() {
        assert_eq!(Value::Null.to_display(), "");
        assert_eq!(Value::Bool(true).to_display(), "true");
        assert_eq!(Value::Int(-42).to_display(), "-42");
        assert_eq!(
            Value::DateTime(parse_datetime("2020-10-05 08:03").unwrap_or(0)).to_display(),
            "2020-10-05T08:03:00Z"
        );
        assert_eq!(Value::TimeSpan(parse_timespan_literal("5m").unwrap_or(0)).to_display(), "00:05:00");
        let dynamic = Value::dynamic(serde_json::json!({"a": [1, "x"], "b": null}));
        assert_eq!(dynamic.to_display(), r#"{"a":[1,"x"],"b":null}"#);
        assert_eq!(Value::dynamic(serde_json::json!("text")).to_display(), "text");
        assert_eq!(Value::dynamic(serde_json::json!(118.0)).to_display(), "118");
    }

    #[test]
    fn conversions_follow_the_documented_examples() {
        // tobool: "true" == true, "false" == false, 1 == true, 123 == true.
        assert_eq!(Value::str("true").to_bool(), Some(true));
        assert_eq!(Value::str("false").to_bool(), Some(false));
        assert_eq!(Value::Int(1).to_bool(), Some(true));
        assert_eq!(Value::Int(123).to_bool(), Some(true));
        assert_eq!(Value::str("maybe").to_bool(), None);
        // tolong("123") == 123; failures are null.
        assert_eq!(Value::str("123").to_long(), Some(123));
        assert_eq!(Value::str("abc").to_long(), None);
        assert_eq!(Value::Real(2.9).to_long(), Some(2));
        assert_eq!(Value::Real(-2.9).to_long(), Some(-2));
        assert_eq!(Value::Real(1e30).to_long(), None);
        assert_eq!(Value::DateTime(0).to_long(), Some(621_355_968_000_000_000));
        assert_eq!(Value::Int(1 << 40).to_int(), None);
        assert_eq!(Value::str("1.5").to_real(), Some(1.5));
        assert_eq!(Value::str("0x10").to_real(), None);
        assert_eq!(Value::dynamic(serde_json::json!(7)).to_long(), Some(7));
        assert_eq!(Value::str("00:05:00").to_timespan(), Some(5 * 60 * 10_000_000));
        assert_eq!(Value::str("2014-11-08").to_datetime(), parse_datetime("2014-11-08T00:00:00Z"));
        assert_eq!(Value::Int(5).convert_to(Type::String).to_display(), "5");
        assert_eq!(Value::Null.convert_to(Type::String).as_str(), Some(""));
    }

    #[test]
    fn json_round_trip_keeps_kusto_shapes() {
        assert_eq!(Value::DateTime(0).to_json(), Json::String("1970-01-01T00:00:00.0000000Z".into()));
        assert_eq!(Value::TimeSpan(36_000_000_000).to_json(), Json::String("01:00:00".into()));
        assert_eq!(Value::Real(f64::NAN).to_json(), Json::String("NaN".into()));
        assert!(matches!(Value::from_json(&serde_json::json!(3)), Value::Int(3)));
        assert!(matches!(Value::from_json(&serde_json::json!(3.5)), Value::Real(r) if r == 3.5));
        assert!(matches!(Value::from_json(&serde_json::json!([1])), Value::Dynamic(_)));
    }

    #[test]
    fn comparison_crosses_numeric_types_and_rejects_nulls() {
        assert_eq!(compare(&Value::Int(2), &Value::Real(2.5)), Some(Ordering::Less));
        assert_eq!(compare(&Value::str("B"), &Value::str("a")), Some(Ordering::Less));
        assert_eq!(compare(&Value::Null, &Value::Int(1)), None);
        assert_eq!(compare(&Value::Real(f64::NAN), &Value::Real(1.0)), None);
        assert_eq!(compare(&Value::Int(1), &Value::str("1")), None);
        assert_eq!(equals(&Value::dynamic(serde_json::json!("x")), &Value::str("x")), Some(true));
        // Null rules: null == null is null, null == 5 is false.
        assert_eq!(equals(&Value::Null, &Value::Null), None);
        assert_eq!(equals(&Value::Null, &Value::Int(5)), Some(false));
        assert_eq!(sort_cmp(&Value::Null, &Value::Int(i64::MIN)), Ordering::Less);
        assert_eq!(sort_cmp(&Value::Real(f64::NAN), &Value::Real(-1e300)), Ordering::Less);
        assert_eq!(sort_cmp(&Value::Real(3.0), &Value::Real(-1.0)), Ordering::Greater);
    }

    #[test]
    fn keys_group_equal_values_together() {
        let mut groups: HashMap<Key, usize> = HashMap::new();
        for v in [
            Value::Real(0.0),
            Value::Real(-0.0),
            Value::Real(f64::NAN),
            Value::Real(f64::NAN),
            Value::str("a"),
            Value::str("A"),
        ] {
            *groups.entry(Key::from(&v)).or_default() += 1;
        }
        assert_eq!(groups.len(), 4);
        assert_eq!(groups[&Key::from(Value::Real(0.0))], 2);
        assert_eq!(groups[&Key::from(Value::str("a"))], 1);
        let dynamic = Value::dynamic(serde_json::json!({"k": [1, 2]}));
        assert_eq!(Key::from(&dynamic), Key::from(dynamic.clone()));
        assert_eq!(Key::from(&dynamic).to_value().to_display(), r#"{"k":[1,2]}"#);
        assert!(Key::from(Value::Real(-1.0)) < Key::from(Value::Real(0.5)));
    }
}
