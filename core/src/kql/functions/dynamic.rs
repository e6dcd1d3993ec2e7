//! Functions over dynamic arrays and property bags: lengths, slices, packing, keys, merges
//! and set operations. Arrays keep their elements' JSON; a scalar taken out of one reads as
//! its Kusto type (`dynamic(1)` as a long).

use super::{FnCtx, ScalarFn, bool_value, json_arg, long_arg, long_value, real_value, ret_bool, ret_dynamic, ret_long};
use super::{ret_real, ret_string, text};
use crate::kql::value::{Key, Value, equals};
use serde_json::{Map, Value as Json};
use std::collections::HashSet;

pub(super) const FUNCTIONS: &[ScalarFn] = &[
    ScalarFn::new("array_length", 1, 1, ret_long, |a, _| Ok(long_value(array(&a[0]).map(|x| x.len() as i64)))),
    ScalarFn::new("array_slice", 3, 3, ret_dynamic, array_slice),
    ScalarFn::new("array_concat", 1, 64, ret_dynamic, array_concat),
    ScalarFn::new("array_index_of", 2, 2, ret_long, array_index_of),
    ScalarFn::new("array_reverse", 1, 1, ret_dynamic, array_reverse),
    ScalarFn::new("array_sort_asc", 1, 1, ret_dynamic, |a, _| Ok(array_sort(&a[0], false))),
    ScalarFn::new("array_sort_desc", 1, 1, ret_dynamic, |a, _| Ok(array_sort(&a[0], true))),
    ScalarFn::new("array_sum", 1, 1, ret_real, array_sum),
    ScalarFn::new("pack", 2, 128, ret_dynamic, bag_pack),
    ScalarFn::new("bag_pack", 2, 128, ret_dynamic, bag_pack),
    ScalarFn::new("pack_dictionary", 2, 128, ret_dynamic, bag_pack),
    ScalarFn::new("pack_array", 1, 128, ret_dynamic, pack_array),
    ScalarFn::new("bag_keys", 1, 1, ret_dynamic, bag_keys),
    ScalarFn::new("bag_merge", 2, 64, ret_dynamic, bag_merge),
    ScalarFn::new("bag_has_key", 2, 2, ret_bool, bag_has_key),
    ScalarFn::new("bag_remove_keys", 2, 2, ret_dynamic, bag_remove_keys),
    ScalarFn::new("set_has_element", 2, 2, ret_bool, set_has_element),
    ScalarFn {
        name: "extract_json",
        min_args: 2,
        max_args: 3,
        result: ret_string,
        eval: extract_json,
        typeof_arg: Some(2),
    },
    ScalarFn {
        name: "extractjson",
        min_args: 2,
        max_args: 3,
        result: ret_string,
        eval: extract_json,
        typeof_arg: Some(2),
    },
    ScalarFn::new("set_union", 2, 64, ret_dynamic, |a, _| Ok(set_op(a, SetOp::Union))),
    ScalarFn::new("set_intersect", 2, 64, ret_dynamic, |a, _| Ok(set_op(a, SetOp::Intersect))),
    ScalarFn::new("set_difference", 2, 64, ret_dynamic, |a, _| Ok(set_op(a, SetOp::Difference))),
];

/// The elements of a dynamic array argument.
fn array(v: &Value) -> Option<&Vec<Json>> {
    match json_arg(v).map(AsRef::as_ref) {
        Some(Json::Array(items)) => Some(items),
        _ => None,
    }
}

fn object(v: &Value) -> Option<&Map<String, Json>> {
    match json_arg(v).map(AsRef::as_ref) {
        Some(Json::Object(map)) => Some(map),
        _ => None,
    }
}

/// An element as a grouping key (so `1` and `1.0` inside JSON stay distinct only by type).
fn element_key(j: &Json) -> Key {
    Key::from(Value::from_json(j))
}

/// `array_slice(array, start, end)`: elements `start..=end`, negative positions counted from
/// the end, clipped to the array.
fn array_slice(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    let (Some(items), Some(start), Some(end)) = (array(&args[0]), long_arg(&args[1]), long_arg(&args[2])) else {
        return Ok(Value::Null);
    };
    let len = items.len() as i64;
    let start = if start < 0 { (len + start).max(0) } else { start.min(len) };
    let end = if end < 0 { len + end } else { end.min(len - 1) };
    let slice = if end < start { Vec::new() } else { items[start as usize..=end as usize].to_vec() };
    Ok(Value::dynamic(Json::Array(slice)))
}

fn array_concat(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    let mut out = Vec::new();
    for a in args {
        match array(a) {
            Some(items) => out.extend(items.iter().cloned()),
            None => return Ok(Value::Null),
        }
    }
    Ok(Value::dynamic(Json::Array(out)))
}

/// `array_index_of(array, value)`: the first position holding an equal value, -1 when none.
fn array_index_of(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    let Some(items) = array(&args[0]) else { return Ok(Value::Null) };
    let wanted = args[1].unwrap_dynamic_scalar();
    let found = items.iter().position(|j| equals(&Value::from_json(j), &wanted) == Some(true));
    Ok(Value::Int(found.map_or(-1, |i| i as i64)))
}

fn array_reverse(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    let Some(items) = array(&args[0]) else { return Ok(Value::Null) };
    Ok(Value::dynamic(Json::Array(items.iter().rev().cloned().collect())))
}

/// `array_sort_asc`/`_desc` of one array: nulls last in both orders.
fn array_sort(v: &Value, descending: bool) -> Value {
    let Some(items) = array(v) else { return Value::Null };
    let (mut present, nulls): (Vec<Json>, Vec<Json>) = items.iter().cloned().partition(|j| !j.is_null());
    present.sort_by(|a, b| {
        let order = crate::kql::value::sort_cmp(&Value::from_json(a), &Value::from_json(b));
        if descending { order.reverse() } else { order }
    });
    present.extend(nulls);
    Value::dynamic(Json::Array(present))
}

/// `array_sum(array)`: the sum of the numeric elements as a real.
fn array_sum(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    let Some(items) = array(&args[0]) else { return Ok(Value::Null) };
    Ok(real_value(Some(items.iter().filter_map(Json::as_f64).sum())))
}

/// `bag_pack(key1, value1, key2, value2, ...)`: a property bag (keys as text).
fn bag_pack(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    if !args.len().is_multiple_of(2) {
        return Err("takes pairs of key and value".to_string());
    }
    let mut map = Map::new();
    for pair in args.chunks(2) {
        map.insert(text(&pair[0]).into_owned(), pair[1].to_json());
    }
    Ok(Value::dynamic(Json::Object(map)))
}

fn pack_array(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    Ok(Value::dynamic(Json::Array(args.iter().map(Value::to_json).collect())))
}

fn bag_keys(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    let Some(map) = object(&args[0]) else { return Ok(Value::Null) };
    Ok(Value::dynamic(Json::Array(map.keys().map(|k| Json::String(k.clone())).collect())))
}

/// `bag_merge(bag1, bag2, ...)`: all properties; on a repeated key the first bag's value wins.
fn bag_merge(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    let mut out = Map::new();
    for a in args {
        if let Some(map) = object(a) {
            for (k, v) in map {
                out.entry(k.clone()).or_insert_with(|| v.clone());
            }
        }
    }
    Ok(Value::dynamic(Json::Object(out)))
}

fn bag_has_key(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    Ok(bool_value(object(&args[0]).map(|m| m.contains_key(text(&args[1]).as_ref()))))
}

fn bag_remove_keys(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    let Some(map) = object(&args[0]) else { return Ok(Value::Null) };
    let remove: HashSet<String> = array(&args[1])
        .map(|keys| keys.iter().map(|k| text(&Value::from_json(k)).into_owned()).collect())
        .unwrap_or_default();
    let kept: Map<String, Json> =
        map.iter().filter(|(k, _)| !remove.contains(*k)).map(|(k, v)| (k.clone(), v.clone())).collect();
    Ok(Value::dynamic(Json::Object(kept)))
}

fn set_has_element(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    let Some(items) = array(&args[0]) else { return Ok(Value::Null) };
    let wanted = args[1].unwrap_dynamic_scalar();
    Ok(Value::Bool(items.iter().any(|j| equals(&Value::from_json(j), &wanted) == Some(true))))
}

/// One step of a JSONPath.
enum Step {
    Key(String),
    Index(i64),
}

/// `$.a.b[0]['c d']["e"]` as steps; `None` for a path this subset does not read (wildcards,
/// filters, recursion).
fn json_path(path: &str) -> Option<Vec<Step>> {
    let rest = path.trim().strip_prefix('$')?;
    let mut steps = Vec::new();
    let mut chars = rest.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '.' => {
                let mut key = String::new();
                while let Some(&n) = chars.peek() {
                    if n == '.' || n == '[' {
                        break;
                    }
                    key.push(n);
                    chars.next();
                }
                if key.is_empty() || key == "*" {
                    return None;
                }
                steps.push(Step::Key(key));
            }
            '[' => {
                let mut inside = String::new();
                let mut quote: Option<char> = None;
                loop {
                    let n = chars.next()?;
                    match (quote, n) {
                        (None, ']') => break,
                        (None, '\'' | '"') if inside.is_empty() => quote = Some(n),
                        (Some(q), n) if n == q => {
                            quote = None;
                            if chars.peek() != Some(&']') {
                                return None;
                            }
                        }
                        (_, n) => inside.push(n),
                    }
                }
                if rest.contains(&format!("['{inside}']")) || rest.contains(&format!("[\"{inside}\"]")) {
                    steps.push(Step::Key(inside));
                } else {
                    steps.push(Step::Index(inside.trim().parse().ok()?));
                }
            }
            _ => return None,
        }
    }
    Some(steps)
}

/// `extract_json(path, json_text[, typeof(T)])`: the element at the JSONPath as text
/// (strings bare, arrays and bags as JSON), or converted to `T`; null when the path is
/// missing or the text is not JSON.
fn extract_json(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    let path = text(&args[0]);
    let Some(steps) = json_path(&path) else { return Err(format!("unsupported JSONPath {path:?}")) };
    let parsed: Option<Json> = match &args[1] {
        Value::Dynamic(json) => Some(json.as_ref().clone()),
        other => serde_json::from_str(&text(other)).ok(),
    };
    let mut at = parsed.as_ref();
    for step in &steps {
        at = match (step, at) {
            (Step::Key(k), Some(Json::Object(map))) => map.get(k),
            (Step::Index(i), Some(Json::Array(items))) => {
                let len = items.len() as i64;
                let i = if *i < 0 { len + i } else { *i };
                usize::try_from(i).ok().and_then(|i| items.get(i))
            }
            _ => None,
        };
    }
    let Some(found) = at else { return Ok(Value::Null) };
    let as_text = Value::str(&text(&Value::dynamic(found.clone())));
    Ok(match args.get(2).and_then(|t| crate::kql::value::Type::from_name(&text(t))) {
        Some(ty) => as_text.convert_to(ty),
        None => as_text,
    })
}

#[derive(Clone, Copy, PartialEq)]
enum SetOp {
    Union,
    Intersect,
    Difference,
}

/// `set_union`/`set_intersect`/`set_difference` of arrays: distinct elements in first-seen
/// order (the difference keeps the first array's elements found in no other).
fn set_op(args: &[Value], op: SetOp) -> Value {
    let mut arrays = Vec::with_capacity(args.len());
    for a in args {
        match array(a) {
            Some(items) => arrays.push(items),
            None => return Value::Null,
        }
    }
    let Some((first, rest)) = arrays.split_first() else { return Value::Null };
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    let in_all_others = |j: &Json| rest.iter().all(|r| r.iter().any(|x| element_key(x) == element_key(j)));
    let in_any_other = |j: &Json| rest.iter().any(|r| r.iter().any(|x| element_key(x) == element_key(j)));
    let candidates: Box<dyn Iterator<Item = &Json>> = match op {
        SetOp::Union => Box::new(arrays.iter().flat_map(|a| a.iter())),
        _ => Box::new(first.iter()),
    };
    for j in candidates {
        let keep = match op {
            SetOp::Union => true,
            SetOp::Intersect => in_all_others(j),
            SetOp::Difference => !in_any_other(j),
        };
        if keep && seen.insert(element_key(j)) {
            out.push(j.clone());
        }
    }
    Value::dynamic(Json::Array(out))
}

#[cfg(test)]
mod tests {
    use super::super::testing::{call, dynamic, s, show, ty};
    use super::*;
    use crate::kql::value::Type;

    #[test]
    fn array_length_and_slice_from_the_documentation() {
        assert_eq!(show("array_length", &[dynamic("[1, 2, 3]")]), "3");
        assert_eq!(show("array_length", &[dynamic(r#"["a","b","c","d"]"#)]), "4");
        assert!(call("array_length", &[dynamic(r#"{"a":1}"#)]).is_null());
        assert!(call("array_length", &[s("x")]).is_null());
        assert_eq!(show("array_slice", &[dynamic("[1,2,3]"), Value::Int(1), Value::Int(2)]), "[2,3]");
        assert_eq!(show("array_slice", &[dynamic("[1,2,3,4,5]"), Value::Int(2), Value::Int(-1)]), "[3,4,5]");
        assert_eq!(show("array_slice", &[dynamic("[1,2,3,4,5]"), Value::Int(-3), Value::Int(-2)]), "[3,4]");
        assert_eq!(show("array_slice", &[dynamic("[1,2,3]"), Value::Int(5), Value::Int(9)]), "[]");
        assert_eq!(ty("array_length", &[Type::Dynamic]), Ok(Type::Long));
    }

    #[test]
    fn packing_and_bags() {
        assert_eq!(
            show("bag_pack", &[s("Level"), s("Information"), s("ProcessID"), Value::Int(1234)]),
            r#"{"Level":"Information","ProcessID":1234}"#
        );
        assert_eq!(show("pack", &[s("a"), Value::Null]), r#"{"a":null}"#);
        assert_eq!(show("pack_array", &[Value::Int(1), s("x"), Value::Real(2.5)]), r#"[1,"x",2.5]"#);
        assert_eq!(show("bag_keys", &[dynamic(r#"{"a":1,"b":{"c":2}}"#)]), r#"["a","b"]"#);
        assert_eq!(
            show("bag_merge", &[dynamic(r#"{"A1":12,"B1":2}"#), dynamic(r#"{"A1":1,"C1":3}"#)]),
            r#"{"A1":12,"B1":2,"C1":3}"#
        );
        assert!(matches!(call("bag_has_key", &[dynamic(r#"{"a":1}"#), s("a")]), Value::Bool(true)));
        assert_eq!(show("bag_remove_keys", &[dynamic(r#"{"a":1,"b":2}"#), dynamic(r#"["a"]"#)]), r#"{"b":2}"#);
    }

    #[test]
    fn extract_json_from_the_documentation() {
        let doc = s(
            r#"{"duration":{"value":118.0,"count":5.0,"min":100.0,"max":150.0,"stdDev":0.0,"sampledValue":118.0,"sum":118.0}}"#,
        );
        assert_eq!(show("extract_json", &[s("$.duration.value"), doc.clone()]), "118");
        assert!(matches!(call("extract_json", &[s("$.duration.count"), doc.clone(), s("long")]), Value::Int(5)));
        assert_eq!(show("extract_json", &[s("$['duration']['max']"), doc.clone()]), "150");
        assert_eq!(show("extractjson", &[s("$.a[1].b"), s(r#"{"a":[{"b":1},{"b":"two"}]}"#)]), "two");
        assert_eq!(show("extract_json", &[s("$.a"), s(r#"{"a":[1,2]}"#)]), "[1,2]");
        assert!(call("extract_json", &[s("$.missing"), doc.clone()]).is_null());
        assert!(call("extract_json", &[s("$.a"), s("not json")]).is_null());
        assert!(
            super::super::scalar("extract_json")
                .is_some_and(|f| (f.eval)(&[s("$..a"), doc], &FnCtx { now: 0 }).is_err())
        );
    }

    #[test]
    fn arrays_and_sets() {
        assert_eq!(show("array_concat", &[dynamic("[1,2]"), dynamic("[3]")]), "[1,2,3]");
        assert_eq!(show("array_index_of", &[dynamic(r#"["this","is","an","example"]"#), s("example")]), "3");
        assert_eq!(show("array_index_of", &[dynamic("[1,2,3]"), Value::Int(4)]), "-1");
        assert_eq!(show("array_reverse", &[dynamic("[1,2,3]")]), "[3,2,1]");
        assert_eq!(show("array_sort_asc", &[dynamic("[3,null,1,2]")]), "[1,2,3,null]");
        assert_eq!(show("array_sort_desc", &[dynamic(r#"["b","a","c"]"#)]), r#"["c","b","a"]"#);
        assert_eq!(show("array_sum", &[dynamic("[1,2,3.5]")]), "6.5");
        assert_eq!(show("set_union", &[dynamic("[1,2,3]"), dynamic("[3,4,5]")]), "[1,2,3,4,5]");
        assert_eq!(show("set_intersect", &[dynamic("[1,2,3]"), dynamic("[3,4,2]")]), "[2,3]");
        assert_eq!(show("set_difference", &[dynamic("[1,2,3]"), dynamic("[3,4]")]), "[1,2]");
        assert!(matches!(call("set_has_element", &[dynamic(r#"["a","b"]"#), s("b")]), Value::Bool(true)));
    }
}
