//! Conversions (`tostring`, `tolong`, `todynamic`...), conditionals (`iff`, `case`,
//! `coalesce`) and the emptiness tests (`isempty`, `isnull`...).

use super::{FnCtx, ScalarFn, bool_value, coerce, common_type, expect, ret_bool, ret_datetime, ret_dynamic, ret_int};
use super::{ret_long, ret_real, ret_string, ret_timespan, text};
use crate::kql::value::{Type, Value};
use serde_json::Value as Json;

pub(super) const FUNCTIONS: &[ScalarFn] = &[
    ScalarFn::new("tostring", 1, 1, ret_string, to_string),
    ScalarFn::new("toint", 1, 1, ret_int, |a, _| Ok(a[0].convert_to(Type::Int))),
    ScalarFn::new("tolong", 1, 1, ret_long, |a, _| Ok(a[0].convert_to(Type::Long))),
    ScalarFn::new("todouble", 1, 1, ret_real, |a, _| Ok(a[0].convert_to(Type::Real))),
    ScalarFn::new("toreal", 1, 1, ret_real, |a, _| Ok(a[0].convert_to(Type::Real))),
    ScalarFn::new("todecimal", 1, 1, ret_real, |a, _| Ok(a[0].convert_to(Type::Real))),
    ScalarFn::new("tobool", 1, 1, ret_bool, |a, _| Ok(a[0].convert_to(Type::Bool))),
    ScalarFn::new("toboolean", 1, 1, ret_bool, |a, _| Ok(a[0].convert_to(Type::Bool))),
    ScalarFn::new("todatetime", 1, 1, ret_datetime, |a, _| Ok(a[0].convert_to(Type::DateTime))),
    ScalarFn::new("totimespan", 1, 1, ret_timespan, |a, _| Ok(a[0].convert_to(Type::TimeSpan))),
    ScalarFn::new("toguid", 1, 1, ret_string, to_guid),
    ScalarFn::new("todynamic", 1, 1, ret_dynamic, parse_json),
    ScalarFn::new("parse_json", 1, 1, ret_dynamic, parse_json),
    ScalarFn::new("toobject", 1, 1, ret_dynamic, parse_json),
    ScalarFn::new("gettype", 1, 1, ret_string, get_type),
    ScalarFn::new("iff", 3, 3, iff_type, iff),
    ScalarFn::new("iif", 3, 3, iff_type, iff),
    ScalarFn::new("case", 3, usize::MAX, case_type, case),
    ScalarFn::new("coalesce", 1, 64, coalesce_type, coalesce),
    ScalarFn::new("isempty", 1, 1, ret_bool, |a, _| Ok(Value::Bool(is_empty(&a[0])))),
    ScalarFn::new("isnotempty", 1, 1, ret_bool, |a, _| Ok(Value::Bool(!is_empty(&a[0])))),
    ScalarFn::new("notempty", 1, 1, ret_bool, |a, _| Ok(Value::Bool(!is_empty(&a[0])))),
    ScalarFn::new("isnull", 1, 1, ret_bool, |a, _| Ok(Value::Bool(is_null(&a[0])))),
    ScalarFn::new("isnotnull", 1, 1, ret_bool, |a, _| Ok(Value::Bool(!is_null(&a[0])))),
    ScalarFn::new("notnull", 1, 1, ret_bool, |a, _| Ok(Value::Bool(!is_null(&a[0])))),
    ScalarFn::new("not", 1, 1, bool_arg, |a, _| Ok(bool_value(a[0].to_bool().map(|b| !b)))),
];

/// `tostring()`: null as `""`, everything else as Kusto prints it.
fn to_string(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    Ok(match &args[0] {
        Value::String(_) => args[0].clone(),
        other => Value::str(&text(other)),
    })
}

/// `toguid()`: a GUID text in its canonical lowercase form; null when it is not one.
fn to_guid(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    let raw = text(&args[0]);
    let hex: String = raw.trim().trim_matches(|c| c == '{' || c == '}').chars().filter(|c| *c != '-').collect();
    if hex.len() != 32 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(Value::str(""));
    }
    let h = hex.to_ascii_lowercase();
    Ok(Value::str(&format!("{}-{}-{}-{}-{}", &h[..8], &h[8..12], &h[12..16], &h[16..20], &h[20..])))
}

/// `parse_json()`/`todynamic()`: a JSON text as the dynamic value it denotes; a text that is
/// not JSON as a dynamic string holding it (as Kusto does); a dynamic value as it is.
fn parse_json(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    Ok(match &args[0] {
        Value::Null => Value::Null,
        Value::Dynamic(_) => args[0].clone(),
        Value::String(s) => match serde_json::from_str::<Json>(s) {
            Ok(json) => Value::dynamic(json),
            Err(_) => Value::dynamic(Json::String(s.to_string())),
        },
        other => Value::dynamic(other.to_json()),
    })
}

/// `gettype()`: the type name of the value; dynamic values by their content (`array`,
/// `dictionary`, `long`, `real`, `string`, `bool`, `null`).
fn get_type(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    let name = match &args[0] {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Int(_) => "long",
        Value::Real(_) => "real",
        Value::String(_) => "string",
        Value::DateTime(_) => "datetime",
        Value::TimeSpan(_) => "timespan",
        Value::Dynamic(json) => match json.as_ref() {
            Json::Null => "null",
            Json::Bool(_) => "bool",
            Json::Number(n) if n.is_i64() => "long",
            Json::Number(_) => "real",
            Json::String(_) => "string",
            Json::Array(_) => "array",
            Json::Object(_) => "dictionary",
        },
    };
    Ok(Value::str(name))
}

fn bool_arg(types: &[Type]) -> Result<Type, String> {
    expect(types, 0, &[Type::Bool])?;
    Ok(Type::Bool)
}

fn iff_type(types: &[Type]) -> Result<Type, String> {
    expect(types, 0, &[Type::Bool])?;
    common_type(&types[1..3])
}

/// `iff(condition, then, else)`: a null condition takes the else branch.
fn iff(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    let ty = common_value_type(&args[1..3]);
    Ok(if args[0].to_bool() == Some(true) { coerce(&args[1], ty) } else { coerce(&args[2], ty) })
}

/// The type values of different numeric kinds are brought to (reals win).
fn common_value_type(values: &[Value]) -> Type {
    if values.iter().any(|v| matches!(v, Value::Real(_))) { Type::Real } else { Type::Long }
}

fn case_type(types: &[Type]) -> Result<Type, String> {
    if types.len().is_multiple_of(2) {
        return Err("takes pairs of condition and value, then the value for no match".to_string());
    }
    let mut values = Vec::new();
    for pair in types[..types.len() - 1].chunks(2) {
        if pair[0] != Type::Bool && pair[0] != Type::Dynamic {
            return Err(format!("a condition must be bool, not {}", pair[0].name()));
        }
        values.push(pair[1]);
    }
    values.extend(types.last());
    common_type(&values)
}

/// `case(p1, v1, p2, v2, ..., else)`: the value of the first true condition.
fn case(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    let values: Vec<Value> =
        args.iter().enumerate().filter(|(i, _)| i % 2 == 1 || *i == args.len() - 1).map(|(_, v)| v.clone()).collect();
    let ty = common_value_type(&values);
    for pair in args[..args.len() - 1].chunks(2) {
        if let [condition, value] = pair
            && condition.to_bool() == Some(true)
        {
            return Ok(coerce(value, ty));
        }
    }
    Ok(args.last().map_or(Value::Null, |v| coerce(v, ty)))
}

fn coalesce_type(types: &[Type]) -> Result<Type, String> {
    common_type(types)
}

/// `coalesce(a, b, ...)`: the first value that is not null (for strings: not empty).
fn coalesce(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    let ty = common_value_type(args);
    Ok(args.iter().find(|v| !is_empty(v)).map_or(Value::Null, |v| coerce(v, ty)))
}

/// Kusto's `isempty`: null, or an empty string.
pub(crate) fn is_empty(v: &Value) -> bool {
    match v {
        Value::String(s) => s.is_empty(),
        Value::Dynamic(json) => json.is_null() || json.as_str() == Some(""),
        Value::Real(r) => r.is_nan(),
        other => other.is_null(),
    }
}

/// Kusto's `isnull`: null (strings are never null; a real null is NaN in a column).
fn is_null(v: &Value) -> bool {
    match v {
        Value::String(_) => false,
        Value::Dynamic(json) => json.is_null(),
        Value::Real(r) => r.is_nan(),
        other => other.is_null(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{call, dynamic, s, show, ty};
    use super::*;

    #[test]
    fn conversions_match_the_documentation() {
        assert_eq!(show("tostring", &[Value::Int(123)]), "123");
        assert_eq!(show("tostring", &[Value::Null]), "");
        assert!(matches!(call("tolong", &[s("123")]), Value::Int(123)));
        assert!(call("toint", &[s("abc")]).is_null());
        assert!(matches!(call("todouble", &[s("1.5")]), Value::Real(r) if r == 1.5));
        assert!(matches!(call("tobool", &[s("true")]), Value::Bool(true)));
        assert!(matches!(call("tobool", &[Value::Int(123)]), Value::Bool(true)));
        assert_eq!(show("todatetime", &[s("2015-12-24")]), "2015-12-24T00:00:00Z");
        assert_eq!(show("totimespan", &[s("0.00:01:00")]), "00:01:00");
        assert_eq!(
            show("toguid", &[s("74be27de-1e4e-49d9-b579-fe0b331d3642")]),
            "74be27de-1e4e-49d9-b579-fe0b331d3642"
        );
        assert_eq!(ty("tostring", &[Type::Long]), Ok(Type::String));
        assert_eq!(ty("toint", &[Type::String]), Ok(Type::Int));
    }

    #[test]
    fn parse_json_reads_json_and_keeps_other_text_as_a_string() {
        assert_eq!(
            show("parse_json", &[s(r#"{"a":123, "b":"hello", "c":[1,2,3]}"#)]),
            r#"{"a":123,"b":"hello","c":[1,2,3]}"#
        );
        assert!(matches!(call("parse_json", &[s("not json")]), Value::Dynamic(j) if j.as_str() == Some("not json")));
        assert_eq!(show("gettype", &[dynamic("[1]")]), "array");
        assert_eq!(show("gettype", &[dynamic(r#"{"a":1}"#)]), "dictionary");
        assert_eq!(show("gettype", &[s("x")]), "string");
    }

    #[test]
    fn conditionals_pick_the_documented_branch() {
        assert_eq!(show("iff", &[Value::Bool(true), s("yes"), s("no")]), "yes");
        assert_eq!(show("iff", &[Value::Null, s("yes"), s("no")]), "no");
        assert!(
            matches!(call("iff", &[Value::Bool(true), Value::Int(1), Value::Real(2.5)]), Value::Real(r) if r == 1.0)
        );
        assert_eq!(ty("iff", &[Type::Bool, Type::Long, Type::Real]), Ok(Type::Real));
        assert!(ty("iff", &[Type::Bool, Type::String, Type::Long]).is_err());
        // case(Size <= 3, "Small", Size <= 10, "Medium", "Large") for Size = 7.
        let size = 7;
        let args = [Value::Bool(size <= 3), s("Small"), Value::Bool(size <= 10), s("Medium"), s("Large")];
        assert_eq!(show("case", &args), "Medium");
        assert!(ty("case", &[Type::Bool, Type::String]).is_err());
        // coalesce(tolong("not a number"), tolong("42"), 33) == 42; strings skip empties.
        assert!(matches!(call("coalesce", &[Value::Null, Value::Int(42), Value::Int(33)]), Value::Int(42)));
        assert_eq!(show("coalesce", &[s(""), s("x")]), "x");
    }

    #[test]
    fn emptiness_follows_kusto_null_rules() {
        assert!(matches!(call("isempty", &[s("")]), Value::Bool(true)));
        assert!(matches!(call("isempty", &[Value::Int(0)]), Value::Bool(false)));
        assert!(matches!(call("isempty", &[Value::Null]), Value::Bool(true)));
        assert!(matches!(call("isnull", &[s("")]), Value::Bool(false)));
        assert!(matches!(call("isnull", &[Value::Null]), Value::Bool(true)));
        assert!(matches!(call("isnotnull", &[Value::Int(1)]), Value::Bool(true)));
        assert!(matches!(call("isnotempty", &[s("a")]), Value::Bool(true)));
        assert!(matches!(call("isnull", &[dynamic("null")]), Value::Bool(true)));
        assert!(matches!(call("not", &[Value::Bool(true)]), Value::Bool(false)));
    }
}
