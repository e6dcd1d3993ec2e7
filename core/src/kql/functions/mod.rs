//! The scalar function library: every function a query can call per row, by name.
//!
//! Each function is a [`ScalarFn`]: its argument count, a result-type rule run when the query
//! is planned (so a wrong type fails before any row is read), and the evaluation of one row's
//! argument values. Kusto's null rules hold throughout: a null or wrongly typed value gives
//! null rather than an error, and strings are never null (a null string reads as `""`).
//! Functions are grouped by theme: [`text`], [`datetime`], [`dynamic`], [`math`], [`ip`],
//! [`convert`] (conversions, conditionals, emptiness), [`encoding`] (URLs, Base64),
//! [`series`], [`hash`].
//!
//! `row_number`, `prev` and `next` depend on row order and live in the executor. Functions
//! with several results (`series_decompose_anomalies`, `series_stats`, `series_fit_line`) are
//! also described by [`multi_output`] for `extend (A, B, C) = f(...)`.

pub mod convert;
pub mod datetime;
pub mod dynamic;
pub mod encoding;
pub mod hash;
pub mod ip;
pub mod math;
pub mod series;
pub mod text;

pub use series::{MultiFn, multi_output};

use super::value::{Type, Value};
use serde_json::Value as Json;
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

/// What a function sees of the query besides its arguments.
#[derive(Clone, Copy, Debug)]
pub struct FnCtx {
    /// `now()` in ticks since the Unix epoch (the latest record loaded, or the wall clock).
    pub now: i64,
}

/// The result type from the argument types, or a message saying which argument is wrong.
pub type ResultRule = fn(&[Type]) -> Result<Type, String>;
/// One row: the argument values to the result (or a message for a query-level error, such
/// as an invalid regular expression).
pub type Eval = fn(&[Value], &FnCtx) -> Result<Value, String>;

/// One scalar function of the library.
pub struct ScalarFn {
    pub name: &'static str,
    pub min_args: usize,
    /// `usize::MAX` for any number.
    pub max_args: usize,
    pub result: ResultRule,
    pub eval: Eval,
    /// The position of an argument `typeof(T)` that names the result type (`extract`'s
    /// fourth): when it is given, the result has type `T` and [`ScalarFn::result`] only
    /// checks the other arguments. The planner passes `typeof(T)` as the constant string `T`.
    pub typeof_arg: Option<usize>,
}

impl std::fmt::Debug for ScalarFn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ScalarFn({})", self.name)
    }
}

impl ScalarFn {
    /// A function whose result type does not come from a `typeof()` argument.
    pub const fn new(name: &'static str, min_args: usize, max_args: usize, result: ResultRule, eval: Eval) -> ScalarFn {
        ScalarFn { name, min_args, max_args, result, eval, typeof_arg: None }
    }

    /// The result type of a call, given the constant `typeof(T)` argument's type name where
    /// the function takes one.
    pub fn result_type(&self, types: &[Type], type_name: Option<&str>) -> Result<Type, String> {
        let checked = (self.result)(types)?;
        match (self.typeof_arg, type_name) {
            (Some(i), Some(name)) if i < types.len() => {
                Type::from_name(name).ok_or_else(|| format!("unknown type `{name}` in typeof()"))
            }
            _ => Ok(checked),
        }
    }
}

fn registry() -> &'static HashMap<&'static str, &'static ScalarFn> {
    static REGISTRY: OnceLock<HashMap<&'static str, &'static ScalarFn>> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        let groups: [&'static [ScalarFn]; 9] = [
            convert::FUNCTIONS,
            datetime::FUNCTIONS,
            dynamic::FUNCTIONS,
            encoding::FUNCTIONS,
            hash::FUNCTIONS,
            ip::FUNCTIONS,
            math::FUNCTIONS,
            series::FUNCTIONS,
            text::FUNCTIONS,
        ];
        groups.iter().flat_map(|g| g.iter()).map(|f| (f.name, f)).collect()
    })
}

/// The function called `name` (function names are case-sensitive in Kusto).
pub fn scalar(name: &str) -> Option<&'static ScalarFn> {
    registry().get(name).copied()
}

/// Every function name, sorted (for completion and "did you mean").
pub fn scalar_names() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = registry().keys().copied().collect();
    names.sort_unstable();
    names
}

// ---- argument helpers shared by the themes ----

/// A value as text: strings as they are, null as `""`, a dynamic string as its bare text,
/// anything else as Kusto prints it (the implicit `tostring()` string functions apply).
pub(crate) fn text(v: &Value) -> Cow<'_, str> {
    match v {
        Value::String(s) => Cow::Borrowed(s),
        Value::Null => Cow::Borrowed(""),
        Value::Dynamic(json) => match json.as_ref() {
            Json::String(s) => Cow::Borrowed(s.as_str()),
            _ => Cow::Owned(v.to_display()),
        },
        other => Cow::Owned(other.to_display()),
    }
}

/// A whole number argument: ints, reals (truncated), dynamic numbers.
pub(crate) fn long_arg(v: &Value) -> Option<i64> {
    match v.unwrap_dynamic_scalar() {
        Value::Int(i) => Some(i),
        real @ Value::Real(_) => real.to_long(),
        _ => None,
    }
}

/// A number argument: ints, reals, dynamic numbers (not texts: Kusto does not read numbers
/// from strings implicitly).
pub(crate) fn real_arg(v: &Value) -> Option<f64> {
    match v.unwrap_dynamic_scalar() {
        Value::Int(i) => Some(i as f64),
        Value::Real(r) => Some(r),
        _ => None,
    }
}

/// A datetime argument (a dynamic holding a datetime text reads as that datetime).
pub(crate) fn datetime_arg(v: &Value) -> Option<i64> {
    match v {
        Value::DateTime(t) => Some(*t),
        Value::Dynamic(_) => v.to_datetime(),
        _ => None,
    }
}

/// A timespan argument (a dynamic holding a timespan text reads as that timespan).
pub(crate) fn timespan_arg(v: &Value) -> Option<i64> {
    match v {
        Value::TimeSpan(t) => Some(*t),
        Value::Dynamic(json) if json.is_string() => v.to_timespan(),
        _ => None,
    }
}

/// A dynamic argument's JSON.
pub(crate) fn json_arg(v: &Value) -> Option<&Arc<Json>> {
    match v {
        Value::Dynamic(json) => Some(json),
        _ => None,
    }
}

/// A long result, null when absent.
pub(crate) fn long_value(v: Option<i64>) -> Value {
    v.map_or(Value::Null, Value::Int)
}

/// A real result, null when absent or not a number.
pub(crate) fn real_value(v: Option<f64>) -> Value {
    v.map_or(Value::Null, Value::Real)
}

pub(crate) fn bool_value(v: Option<bool>) -> Value {
    v.map_or(Value::Null, Value::Bool)
}

// ---- result type rules ----

pub(crate) fn ret_bool(_: &[Type]) -> Result<Type, String> {
    Ok(Type::Bool)
}
pub(crate) fn ret_int(_: &[Type]) -> Result<Type, String> {
    Ok(Type::Int)
}
pub(crate) fn ret_long(_: &[Type]) -> Result<Type, String> {
    Ok(Type::Long)
}
pub(crate) fn ret_real(_: &[Type]) -> Result<Type, String> {
    Ok(Type::Real)
}
pub(crate) fn ret_string(_: &[Type]) -> Result<Type, String> {
    Ok(Type::String)
}
pub(crate) fn ret_datetime(_: &[Type]) -> Result<Type, String> {
    Ok(Type::DateTime)
}
pub(crate) fn ret_timespan(_: &[Type]) -> Result<Type, String> {
    Ok(Type::TimeSpan)
}
pub(crate) fn ret_dynamic(_: &[Type]) -> Result<Type, String> {
    Ok(Type::Dynamic)
}

/// Checks argument `i` is one of `allowed` (dynamic always passes: its content is only
/// known per row). Ordinal words in the message count from 1.
pub(crate) fn expect(types: &[Type], i: usize, allowed: &[Type]) -> Result<(), String> {
    match types.get(i) {
        Some(t) if *t == Type::Dynamic || allowed.contains(t) => Ok(()),
        Some(t) => {
            let names: Vec<&str> = allowed.iter().map(|a| a.name()).collect();
            Err(format!("argument {} must be {}, not {}", i + 1, names.join(" or "), t.name()))
        }
        None => Ok(()),
    }
}

pub(crate) const NUMERIC: &[Type] = &[Type::Int, Type::Long, Type::Real];

/// The common type of values meant to be one column (`iff`, `case`, `coalesce`, `min_of`):
/// equal types; int with long gives long; any number with real gives real.
pub(crate) fn common_type(types: &[Type]) -> Result<Type, String> {
    let mut iter = types.iter().copied();
    let Some(mut common) = iter.next() else {
        return Err("no values".to_string());
    };
    for t in iter {
        common = match (common, t) {
            (a, b) if a == b => a,
            (Type::Int, Type::Long) | (Type::Long, Type::Int) => Type::Long,
            (a, b) if a.is_numeric() && b.is_numeric() => Type::Real,
            (a, b) => return Err(format!("the values have different types: {} and {}", a.name(), b.name())),
        };
    }
    Ok(common)
}

/// A value brought to a common numeric type (ints into reals).
pub(crate) fn coerce(v: &Value, ty: Type) -> Value {
    match (v, ty) {
        (Value::Int(i), Type::Real) => Value::Real(*i as f64),
        _ => v.clone(),
    }
}

#[cfg(test)]
pub(crate) mod testing {
    use super::*;

    /// Calls `name` with `args` at a fixed `now` (2026-11-30T00:00:00Z).
    pub fn call(name: &str, args: &[Value]) -> Value {
        let f = scalar(name).unwrap_or_else(|| panic!("no function {name}"));
        assert!(args.len() >= f.min_args && args.len() <= f.max_args, "{name}: bad arity");
        (f.eval)(args, &FnCtx { now: NOW }).unwrap_or_else(|e| panic!("{name}: {e}"))
    }

    pub const NOW: i64 = 1_796_083_200 * 10_000_000;

    /// The display text of a call's result.
    pub fn show(name: &str, args: &[Value]) -> String {
        call(name, args).to_display()
    }

    /// The result type of `name` over `types`.
    pub fn ty(name: &str, types: &[Type]) -> Result<Type, String> {
        let f = scalar(name).unwrap_or_else(|| panic!("no function {name}"));
        (f.result)(types)
    }

    pub fn s(text: &str) -> Value {
        Value::str(text)
    }

    pub fn dt(text: &str) -> Value {
        Value::DateTime(super::super::value::parse_datetime(text).unwrap_or_else(|| panic!("bad date {text}")))
    }

    pub fn ts(text: &str) -> Value {
        Value::TimeSpan(super::super::value::parse_timespan(text).unwrap_or_else(|| panic!("bad span {text}")))
    }

    pub fn dynamic(text: &str) -> Value {
        Value::dynamic(serde_json::from_str(text).unwrap_or_else(|e| panic!("bad json {text}: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_issue_function_is_registered() {
        let wanted = [
            "ago",
            "now",
            "bin",
            "floor",
            "startofday",
            "startofweek",
            "startofmonth",
            "startofyear",
            "endofday",
            "datetime_part",
            "format_datetime",
            "todatetime",
            "totimespan",
            "make_timespan",
            "tostring",
            "toint",
            "tolong",
            "todouble",
            "toreal",
            "tobool",
            "todynamic",
            "parse_json",
            "strcat",
            "strcat_delim",
            "strcat_array",
            "split",
            "substring",
            "strlen",
            "tolower",
            "toupper",
            "trim",
            "replace_string",
            "replace_regex",
            "extract",
            "countof",
            "iff",
            "iif",
            "case",
            "coalesce",
            "isempty",
            "isnotempty",
            "isnull",
            "isnotnull",
            "array_length",
            "array_slice",
            "pack",
            "bag_pack",
            "pack_array",
            "bag_keys",
            "round",
            "abs",
            "log",
            "pow",
            "sqrt",
            "ipv4_is_private",
            "ipv4_is_match",
            "parse_ipv4",
            "series_decompose_anomalies",
            "hash",
        ];
        for name in wanted {
            assert!(scalar(name).is_some(), "{name} missing");
        }
        let names = scalar_names();
        assert!(names.windows(2).all(|w| w[0] < w[1]));
        assert!(scalar("Strlen").is_none(), "names are case-sensitive");
    }

    /// Every function, at every arity it takes up to four, over awkward values (nulls,
    /// extremes, empty and odd texts, nested dynamics): errors are fine, panics are not.
    #[test]
    fn no_function_panics_on_awkward_input() {
        let awkward = [
            Value::Null,
            Value::Bool(true),
            Value::Int(i64::MIN),
            Value::Int(i64::MAX),
            Value::Int(-1),
            Value::Int(0),
            Value::Real(f64::NAN),
            Value::Real(-1e308),
            Value::Real(0.5),
            Value::str(""),
            Value::str("é/24:%z(\\1"),
            Value::str("10.0.0.1/33"),
            Value::DateTime(i64::MIN),
            Value::DateTime(i64::MAX),
            Value::TimeSpan(i64::MIN),
            Value::TimeSpan(-1),
            Value::dynamic(serde_json::json!([1, "a", null, [2], {"k": 1.5}])),
            Value::dynamic(serde_json::json!({"a": {"b": []}})),
        ];
        let ctx = FnCtx { now: 0 };
        for name in scalar_names() {
            let Some(f) = scalar(name) else { continue };
            for arity in f.min_args..=f.max_args.min(4) {
                // Each argument position walks the awkward values, the others hold one each.
                for (i, v) in awkward.iter().enumerate() {
                    let args: Vec<Value> =
                        (0..arity)
                            .map(|p| {
                                if p == i % arity.max(1) { v.clone() } else { awkward[(i + p) % awkward.len()].clone() }
                            })
                            .collect();
                    let _ = (f.eval)(&args, &ctx);
                    let types: Vec<Type> = args.iter().map(|a| a.natural_type().unwrap_or(Type::Dynamic)).collect();
                    let _ = (f.result)(&types);
                }
            }
        }
    }

    #[test]
    fn common_types_follow_numeric_promotion() {
        assert_eq!(common_type(&[Type::Int, Type::Long]), Ok(Type::Long));
        assert_eq!(common_type(&[Type::Long, Type::Real]), Ok(Type::Real));
        assert!(common_type(&[Type::String, Type::Long]).is_err());
    }

    #[test]
    fn typeof_argument_names_the_result_type() {
        let Some(extract) = scalar("extract") else { panic!("extract missing") };
        let types = [Type::String, Type::Long, Type::String, Type::String];
        assert_eq!(extract.result_type(&types, Some("long")), Ok(Type::Long));
        assert_eq!(extract.result_type(&types[..3], None), Ok(Type::String));
        assert!(extract.result_type(&types, Some("banana")).is_err());
    }
}
