//! String functions: concatenation, slicing, case, trimming, replacing, regex extraction,
//! counting and splitting. Positions and lengths count characters (Unicode scalar values),
//! as Kusto's do, so slicing never cuts a character in two.

use super::{FnCtx, ScalarFn, expect, json_arg, long_arg, ret_dynamic, ret_int, ret_long, ret_string, text};
use crate::kql::regex_cache::regex;
use crate::kql::value::{Type, Value};
use serde_json::Value as Json;

pub(super) const FUNCTIONS: &[ScalarFn] = &[
    ScalarFn::new("strcat", 1, 64, ret_string, strcat),
    ScalarFn::new("strcat_delim", 3, 65, ret_string, strcat_delim),
    ScalarFn::new("strcat_array", 2, 2, ret_string, strcat_array),
    ScalarFn::new("strlen", 1, 1, ret_long, |a, _| Ok(Value::Int(text(&a[0]).chars().count() as i64))),
    ScalarFn::new("string_size", 1, 1, ret_long, |a, _| Ok(Value::Int(text(&a[0]).len() as i64))),
    ScalarFn::new("substring", 2, 3, substring_type, substring),
    ScalarFn::new("tolower", 1, 1, ret_string, |a, _| Ok(Value::str(&text(&a[0]).to_lowercase()))),
    ScalarFn::new("toupper", 1, 1, ret_string, |a, _| Ok(Value::str(&text(&a[0]).to_uppercase()))),
    ScalarFn::new("trim", 2, 2, ret_string, |a, _| trim(a, true, true)),
    ScalarFn::new("trim_start", 2, 2, ret_string, |a, _| trim(a, true, false)),
    ScalarFn::new("trim_end", 2, 2, ret_string, |a, _| trim(a, false, true)),
    ScalarFn::new("replace_string", 3, 3, ret_string, replace_string),
    ScalarFn::new("replace_strings", 3, 3, ret_string, replace_strings),
    ScalarFn::new("replace_regex", 3, 3, ret_string, |a, _| replace_regex(&a[0], &a[1], &a[2])),
    ScalarFn::new("replace", 3, 3, ret_string, |a, _| replace_regex(&a[2], &a[0], &a[1])),
    ScalarFn { name: "extract", min_args: 3, max_args: 4, result: extract_type, eval: extract, typeof_arg: Some(3) },
    ScalarFn::new("extract_all", 2, 3, ret_dynamic, extract_all),
    ScalarFn::new("countof", 2, 3, ret_long, countof),
    ScalarFn::new("indexof", 2, 5, ret_long, indexof),
    ScalarFn::new("reverse", 1, 1, ret_string, |a, _| Ok(Value::str(&text(&a[0]).chars().rev().collect::<String>()))),
    ScalarFn::new("strrep", 2, 3, ret_string, strrep),
    ScalarFn::new("strcmp", 2, 2, ret_int, strcmp),
    ScalarFn::new("split", 2, 3, ret_dynamic, split),
    ScalarFn::new("tohex", 1, 2, ret_string, tohex),
];

/// `strcat(a, b, ...)`: every argument's text, joined.
fn strcat(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    let mut out = String::new();
    for a in args {
        out.push_str(&text(a));
    }
    Ok(Value::str(&out))
}

/// `strcat_delim(delimiter, a, b, ...)`.
fn strcat_delim(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    let delimiter = text(&args[0]);
    let parts: Vec<_> = args[1..].iter().map(text).collect();
    Ok(Value::str(&parts.join(&delimiter)))
}

/// `strcat_array(array, delimiter)`: the elements' texts joined (null when not an array).
fn strcat_array(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    let Some(Json::Array(items)) = json_arg(&args[0]).map(AsRef::as_ref) else {
        return Ok(Value::str(""));
    };
    let delimiter = text(&args[1]);
    let parts: Vec<String> = items.iter().map(|j| text(&Value::dynamic(j.clone())).into_owned()).collect();
    Ok(Value::str(&parts.join(&delimiter)))
}

fn substring_type(types: &[Type]) -> Result<Type, String> {
    expect(types, 1, super::NUMERIC)?;
    expect(types, 2, super::NUMERIC)?;
    Ok(Type::String)
}

/// `substring(source, start[, length])`: characters from `start` (counted from the end when
/// negative), up to `length` of them (to the end when omitted); out-of-range parts are
/// clipped.
fn substring(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    let source = text(&args[0]);
    let chars: Vec<char> = source.chars().collect();
    let len = chars.len() as i64;
    let Some(mut start) = long_arg(&args[1]) else {
        return Ok(Value::str(""));
    };
    if start < 0 {
        start = (len + start).max(0);
    }
    let start = start.min(len);
    let end = match args.get(2) {
        Some(l) => match long_arg(l) {
            Some(l) if l >= 0 => start.saturating_add(l).min(len),
            _ => return Ok(Value::str("")),
        },
        None => len,
    };
    Ok(Value::str(&chars[start as usize..end as usize].iter().collect::<String>()))
}

/// `trim(regex, text)` (and `trim_start`, `trim_end`): removes every leading and trailing
/// match of the regex.
fn trim(args: &[Value], start: bool, end: bool) -> Result<Value, String> {
    let pattern = text(&args[0]);
    let source = text(&args[1]);
    let mut out: &str = &source;
    if start {
        let re = regex(&format!("^(?:{pattern})+"))?;
        if let Some(m) = re.find(out) {
            out = &out[m.end()..];
        }
    }
    if end {
        let re = regex(&format!("(?:{pattern})+$"))?;
        if let Some(m) = re.find(out) {
            out = &out[..m.start()];
        }
    }
    Ok(Value::str(out))
}

/// `replace_string(text, lookup, rewrite)`: every non-overlapping occurrence.
fn replace_string(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    let (source, lookup, rewrite) = (text(&args[0]), text(&args[1]), text(&args[2]));
    if lookup.is_empty() {
        return Ok(Value::str(&source));
    }
    Ok(Value::str(&source.replace(lookup.as_ref(), &rewrite)))
}

/// `replace_strings(text, lookups, rewrites)`: several lookups at once; at each position the
/// first lookup (in the array's order) that matches is replaced, and replaced text is not
/// scanned again.
fn replace_strings(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    let source = text(&args[0]);
    let strings = |v: &Value| -> Vec<String> {
        match json_arg(v).map(AsRef::as_ref) {
            Some(Json::Array(items)) => items.iter().map(|j| text(&Value::dynamic(j.clone())).into_owned()).collect(),
            _ => Vec::new(),
        }
    };
    let (lookups, rewrites) = (strings(&args[1]), strings(&args[2]));
    let mut out = String::with_capacity(source.len());
    let mut rest: &str = &source;
    'scan: while let Some(c) = rest.chars().next() {
        for (i, lookup) in lookups.iter().enumerate() {
            if !lookup.is_empty() && rest.starts_with(lookup.as_str()) {
                out.push_str(rewrites.get(i).map_or("", String::as_str));
                rest = &rest[lookup.len()..];
                continue 'scan;
            }
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    Ok(Value::str(&out))
}

/// Kusto's rewrite text (`\1` for a group, `\0` the whole match) in the `regex` crate's
/// syntax (`${1}`, a literal `$` as `$$`).
fn rewrite_template(rewrite: &str) -> String {
    let mut out = String::with_capacity(rewrite.len() + 4);
    let mut chars = rewrite.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek().is_some_and(char::is_ascii_digit) => {
                let mut digits = String::new();
                while let Some(d) = chars.peek().copied().filter(char::is_ascii_digit) {
                    digits.push(d);
                    chars.next();
                }
                out.push_str(&format!("${{{digits}}}"));
            }
            '$' => out.push_str("$$"),
            other => out.push(other),
        }
    }
    out
}

/// `replace_regex(source, lookup_regex, rewrite)`: every match replaced by the rewrite text,
/// where `\n` is the n-th group.
fn replace_regex(source: &Value, lookup: &Value, rewrite: &Value) -> Result<Value, String> {
    let re = regex(&text(lookup))?;
    let template = rewrite_template(&text(rewrite));
    Ok(Value::str(&re.replace_all(&text(source), template.as_str())))
}

fn extract_type(types: &[Type]) -> Result<Type, String> {
    expect(types, 0, &[Type::String])?;
    expect(types, 1, super::NUMERIC)?;
    Ok(Type::String)
}

/// `extract(regex, group, text[, typeof(T)])`: the group's text in the first match (the whole
/// match for group 0); `""` when nothing matches, or null when a type is asked for; converted
/// to `T` when given.
fn extract(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    let re = regex(&text(&args[0]))?;
    let target = args.get(3).and_then(|t| Type::from_name(&text(t)));
    let group = long_arg(&args[1]).and_then(|g| usize::try_from(g).ok());
    let source = text(&args[2]);
    let found = group.and_then(|g| re.captures(&source).and_then(|c| c.get(g)).map(|m| m.as_str().to_string()));
    Ok(match (found, target) {
        (Some(s), Some(ty)) => Value::str(&s).convert_to(ty),
        (None, Some(ty)) if ty != Type::String => Value::Null,
        (Some(s), None) => Value::str(&s),
        (None, _) => Value::str(""),
    })
}

/// `extract_all(regex, [groups,] text)`: every match's groups as an array (of strings for a
/// single group, of arrays for several); null when nothing matches.
fn extract_all(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    let re = regex(&text(&args[0]))?;
    let (groups, source) = if args.len() == 3 {
        let wanted: Vec<usize> = match json_arg(&args[1]).map(AsRef::as_ref) {
            Some(Json::Array(items)) => items.iter().filter_map(|j| j.as_u64()).map(|g| g as usize).collect(),
            _ => return Ok(Value::Null),
        };
        (wanted, text(&args[2]))
    } else {
        let all: Vec<usize> = if re.captures_len() > 1 { (1..re.captures_len()).collect() } else { vec![0] };
        (all, text(&args[1]))
    };
    if groups.iter().any(|g| *g >= re.captures_len()) {
        return Err(format!("the regex has no capture group {}", groups.iter().max().copied().unwrap_or(0)));
    }
    let mut matches = Vec::new();
    for caps in re.captures_iter(&source) {
        let texts: Vec<Json> =
            groups.iter().map(|g| Json::String(caps.get(*g).map_or("", |m| m.as_str()).to_string())).collect();
        matches.push(if groups.len() == 1 {
            texts.into_iter().next().unwrap_or(Json::Null)
        } else {
            Json::Array(texts)
        });
    }
    Ok(if matches.is_empty() { Value::Null } else { Value::dynamic(Json::Array(matches)) })
}

/// `countof(source, search[, kind])`: plain matches may overlap, regex matches do not.
fn countof(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    let source = text(&args[0]);
    let search = text(&args[1]);
    let kind = args.get(2).map(text);
    match kind.as_deref() {
        Some("regex") => {
            let re = regex(&search)?;
            Ok(Value::Int(re.find_iter(&source).count() as i64))
        }
        None | Some("normal") => {
            if search.is_empty() {
                return Ok(Value::Int(0));
            }
            let mut count = 0;
            let mut from = 0;
            while let Some(found) = source.get(from..).and_then(|s| s.find(search.as_ref())) {
                count += 1;
                let start = from + found;
                from = start + source[start..].chars().next().map_or(1, char::len_utf8);
            }
            Ok(Value::Int(count))
        }
        Some(other) => Err(format!("kind must be \"normal\" or \"regex\", not {other:?}")),
    }
}

/// `indexof(source, lookup[, start[, length[, occurrence]]])`: the character position of the
/// n-th occurrence at or after `start` within `length` characters; -1 when not found; null
/// for a negative length or an occurrence below 1.
fn indexof(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    let source: Vec<char> = text(&args[0]).chars().collect();
    let lookup: Vec<char> = text(&args[1]).chars().collect();
    let len = source.len() as i64;
    let mut start = args.get(2).map_or(Some(0), long_arg).unwrap_or(0);
    if start < 0 {
        start = (len + start).max(0);
    }
    if start > len {
        return Ok(Value::Int(-1));
    }
    let end = match args.get(3).map(long_arg) {
        Some(Some(l)) if l < -1 => return Ok(Value::Null),
        Some(Some(l)) if l >= 0 => start.saturating_add(l).min(len),
        _ => len,
    };
    let occurrence = args.get(4).map_or(Some(1), long_arg).unwrap_or(1);
    if occurrence < 1 {
        return Ok(Value::Null);
    }
    let window = &source[start as usize..end as usize];
    let mut seen = 0;
    for i in 0..=window.len() {
        if window[i..].starts_with(&lookup) {
            seen += 1;
            if seen == occurrence {
                return Ok(Value::Int(start + i as i64));
            }
        }
    }
    Ok(Value::Int(-1))
}

/// The longest text `strrep` builds (a row's cell, not a file).
const STRREP_MAX_BYTES: usize = 16 << 20;

/// `strrep(value, multiplier[, delimiter])`: the text repeated (up to 1024 times, Kusto's
/// limit), with the delimiter between copies.
fn strrep(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    let value = text(&args[0]);
    let Some(times) = long_arg(&args[1]) else { return Ok(Value::str("")) };
    let times = times.clamp(0, 1024) as usize;
    let delimiter = args.get(2).map(text).unwrap_or_default();
    if (value.len() + delimiter.len()).saturating_mul(times) > STRREP_MAX_BYTES {
        return Err(format!("the result would be longer than {STRREP_MAX_BYTES} bytes"));
    }
    Ok(Value::str(&vec![value.as_ref(); times].join(&delimiter)))
}

/// `strcmp(a, b)`: -1, 0 or 1 by ordinal order.
fn strcmp(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    Ok(Value::Int(match text(&args[0]).as_ref().cmp(text(&args[1]).as_ref()) {
        std::cmp::Ordering::Less => -1,
        std::cmp::Ordering::Equal => 0,
        std::cmp::Ordering::Greater => 1,
    }))
}

/// `split(source, delimiter[, index])`: the parts as a dynamic array of strings; with an
/// index, an array holding only that part (empty when out of range).
fn split(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    let source = text(&args[0]);
    let delimiter = text(&args[1]);
    let parts: Vec<Json> = if delimiter.is_empty() {
        vec![Json::String(source.to_string())]
    } else {
        source.split(delimiter.as_ref()).map(|p| Json::String(p.to_string())).collect()
    };
    let parts = match args.get(2) {
        None => parts,
        Some(index) => match long_arg(index).and_then(|i| usize::try_from(i).ok()) {
            Some(i) => parts.into_iter().nth(i).into_iter().collect(),
            None => return Ok(Value::Null),
        },
    };
    Ok(Value::dynamic(Json::Array(parts)))
}

/// `tohex(value[, minLength])`: lowercase hexadecimal (two's complement for negatives),
/// padded with zeros to `minLength`.
fn tohex(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    let Some(v) = long_arg(&args[0]) else { return Ok(Value::str("")) };
    let hex = if i32::try_from(v).is_ok() && v < 0 { format!("{:x}", v as i32) } else { format!("{v:x}") };
    let width = args.get(1).and_then(long_arg).unwrap_or(0).clamp(0, 64) as usize;
    Ok(Value::str(&format!("{hex:0>width$}")))
}

#[cfg(test)]
mod tests {
    use super::super::testing::{call, dynamic, s, show, ty};
    use super::*;

    #[test]
    fn concatenation_and_lengths() {
        assert_eq!(show("strcat", &[s("hello"), s(" "), s("world")]), "hello world");
        assert_eq!(show("strcat", &[s("a"), Value::Int(1), Value::Null, Value::Bool(true)]), "a1true");
        assert_eq!(show("strcat_delim", &[s("-"), s("1"), s("2"), s("A"), Value::Int(1)]), "1-2-A-1");
        assert_eq!(show("strcat_array", &[dynamic("[1, 2, 3]"), s("->")]), "1->2->3");
        assert_eq!(show("strcat_array", &[dynamic(r#"["A", "B", "C"]"#), s(",")]), "A,B,C");
        assert_eq!(show("strlen", &[s("hello")]), "5");
        assert_eq!(show("strlen", &[s("⒦⒰⒮⒯⒪")]), "5");
        assert_eq!(show("string_size", &[s("⒦⒰⒮⒯⒪")]), "15");
        assert_eq!(ty("strlen", &[Type::String]), Ok(Type::Long));
    }

    #[test]
    fn substring_from_the_documentation() {
        assert_eq!(show("substring", &[s("123456"), Value::Int(1), Value::Int(1)]), "2");
        assert_eq!(show("substring", &[s("123456"), Value::Int(2), Value::Int(2)]), "34");
        assert_eq!(show("substring", &[s("ABCD"), Value::Int(0), Value::Int(2)]), "AB");
        assert_eq!(show("substring", &[s("123456"), Value::Int(-2), Value::Int(2)]), "56");
        assert_eq!(show("substring", &[s("abc"), Value::Int(1)]), "bc");
        assert_eq!(show("substring", &[s("abc"), Value::Int(10), Value::Int(5)]), "");
        assert_eq!(show("substring", &[s("héllo"), Value::Int(1), Value::Int(2)]), "él");
    }

    #[test]
    fn case_trim_and_replace() {
        assert_eq!(show("tolower", &[s("Hello")]), "hello");
        assert_eq!(show("toupper", &[s("Hello")]), "HELLO");
        assert_eq!(show("trim", &[s("--"), s("--https://bing.com--")]), "https://bing.com");
        assert_eq!(show("trim", &[s(r"\s"), s("  text  ")]), "text");
        assert_eq!(show("trim_start", &[s("sub"), s("subsubstring")]), "string");
        assert_eq!(show("trim_end", &[s("bing"), s("microsoft.com/bing")]), "microsoft.com/");
        assert_eq!(
            show("replace_string", &[s("A magic trick can turn a cat into a dog"), s("cat"), s("hamster")]),
            "A magic trick can turn a hamster into a dog"
        );
        assert_eq!(show("replace_regex", &[s("Number is 1"), s(r"is (\d+)"), s(r"was: \1")]), "Number was: 1");
        assert_eq!(show("replace_regex", &[s("abc"), s("b"), s("$")]), "a$c");
        assert_eq!(
            show("replace_strings", &[s("cat and dog"), dynamic(r#"["cat","dog"]"#), dynamic(r#"["dog","cat"]"#)]),
            "dog and cat"
        );
        assert!(
            (super::super::scalar("replace_regex").map(|f| f.eval)).is_some_and(|e| e(
                &[s("a"), s("("), s("")],
                &FnCtx { now: 0 }
            )
            .is_err())
        );
    }

    #[test]
    fn extract_from_the_documentation() {
        let log = s("Duration=1234.5");
        assert_eq!(show("extract", &[s(r"Duration=([0-9.]+)"), Value::Int(1), log.clone()]), "1234.5");
        assert!(
            matches!(call("extract", &[s(r"Duration=([0-9.]+)"), Value::Int(1), log.clone(), s("real")]), Value::Real(r) if r == 1234.5)
        );
        assert_eq!(show("extract", &[s("x=([0-9]+)"), Value::Int(1), log.clone()]), "");
        assert!(call("extract", &[s("x=([0-9]+)"), Value::Int(1), log.clone(), s("long")]).is_null());
        assert_eq!(show("extract", &[s(r"\d+"), Value::Int(0), s("abc 123 456")]), "123");
        assert_eq!(
            show("extract_all", &[s(r"(\w)(\w+)(\w)"), s("The price of PINEAPPLE ice cream is 20")]),
            r#"[["T","h","e"],["p","ric","e"],["P","INEAPPL","E"],["i","c","e"],["c","rea","m"]]"#
        );
        assert_eq!(
            show("extract_all", &[s(r"(\w)(\w+)(\w)"), dynamic("[1,3]"), s("The price of PINEAPPLE ice cream is 20")]),
            r#"[["T","e"],["p","e"],["P","E"],["i","e"],["c","m"]]"#
        );
        assert!(call("extract_all", &[s(r"\d+"), s("none")]).is_null());
    }

    #[test]
    fn countof_from_the_documentation() {
        let count = |a: &str, b: &str, kind: Option<&str>| {
            let mut args = vec![s(a), s(b)];
            args.extend(kind.map(s));
            show("countof", &args)
        };
        assert_eq!(count("aaa", "a", None), "3");
        assert_eq!(count("aaaa", "aa", None), "3");
        assert_eq!(count("ababa", "ab", Some("normal")), "2");
        assert_eq!(count("ababa", "aba", None), "2");
        assert_eq!(count("ababa", "aba", Some("regex")), "1");
        assert_eq!(count("abcabc", "a.c", Some("regex")), "2");
        assert_eq!(count("abcdefedcba", "[abc]", Some("regex")), "6");
        assert_eq!(ty("countof", &[Type::String, Type::String]), Ok(Type::Long));
    }

    #[test]
    fn indexof_reverse_and_repeat() {
        assert_eq!(show("indexof", &[s("abcdefg"), s("cde")]), "2");
        assert_eq!(show("indexof", &[s("abcdefg"), s("cde"), Value::Int(1), Value::Int(4)]), "2");
        assert_eq!(show("indexof", &[s("abcdefg"), s("cde"), Value::Int(1), Value::Int(2)]), "-1");
        assert_eq!(show("indexof", &[s("abcdefg"), s("cde"), Value::Int(3)]), "-1");
        assert_eq!(show("indexof", &[s("abcdefg"), s("cde"), Value::Int(1), Value::Int(-1)]), "2");
        assert_eq!(show("indexof", &[s("abcdefg"), s("cde"), Value::Int(1), Value::Int(-3)]), "");
        assert_eq!(
            show("indexof", &[s("abcdefgabcdefg"), s("cde"), Value::Int(1), Value::Int(-1), Value::Int(2)]),
            "9"
        );
        assert_eq!(show("reverse", &[s("ABC")]), "CBA");
        assert_eq!(show("strrep", &[s("ABC"), Value::Int(2)]), "ABCABC");
        assert_eq!(show("strrep", &[Value::Real(3.3), Value::Int(3), s(" ")]), "3.3 3.3 3.3");
        assert_eq!(show("strcmp", &[s("abc"), s("abd")]), "-1");
        assert_eq!(show("tohex", &[Value::Int(256)]), "100");
        assert_eq!(show("tohex", &[Value::Int(-256)]), "ffffff00");
        assert_eq!(show("tohex", &[Value::Int(256), Value::Int(8)]), "00000100");
    }

    #[test]
    fn split_from_the_documentation() {
        assert_eq!(show("split", &[s("aa_bb"), s("_")]), r#"["aa","bb"]"#);
        assert_eq!(show("split", &[s("aaa_bbb_ccc"), s("_"), Value::Int(1)]), r#"["bbb"]"#);
        assert_eq!(show("split", &[s(""), s("_")]), r#"[""]"#);
        assert_eq!(show("split", &[s("a__b"), s("_")]), r#"["a","","b"]"#);
        assert_eq!(show("split", &[s("aabbcc"), s("bb")]), r#"["aa","cc"]"#);
        assert_eq!(show("split", &[s("a_b"), s("_"), Value::Int(5)]), "[]");
        assert_eq!(ty("split", &[Type::String, Type::String]), Ok(Type::Dynamic));
    }
}
