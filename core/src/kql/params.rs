//! Workbook and hunting-query parameters: found in a query text and substituted before it is
//! parsed, the way Azure Workbooks and Microsoft Sentinel expand them.
//!
//! Shapes recognised (anywhere, string literals included, as the portal substitutes text):
//! - `{Name}`, `{Name:format}`: workbook parameters. `format` is a word (`label`, `value`,
//!   `start`, `end`, `grain`, ...).
//! - `{{Name}}`: Sentinel hunting placeholders such as `'{{StartTimeISO}}'`.
//!
//! Braces that are KQL rather than parameters are left alone: anything not of those exact
//! shapes (`'{}'`, regex `{8}`, JSON `{"a": 1}`), property bags inside `dynamic(...)`,
//! function bodies (`(x: long) {x}`: a brace right after `)`), and comments.
//!
//! `{TimeRange}` is bound to the app's time window `(start, end)` and expands as workbooks
//! expand a custom range: `{TimeRange}` / `:value` / `:query` to
//! `between(datetime("start")..datetime("end"))` (the shape a workbooks maintainer quotes in
//! Application-Insights-Workbooks issue 146, ISO times with milliseconds), `:start` / `:end`
//! to `datetime("...")`,
//! `:grain` to a timespan literal, `:label` to `start - end`. `{{StartTimeISO}}` and
//! `{{EndTimeISO}}` expand to the window's ISO 8601 times.

use std::collections::BTreeMap;

use super::ast::Span;
use super::error::QueryError;
use super::temporal::{format_datetime, format_datetime_full};
use crate::model::time::{TICKS_PER_DAY, TICKS_PER_HOUR, TICKS_PER_MINUTE};

/// One parameter as written, with every place it occurs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParamRef {
    pub name: String,
    /// The word after `:` (`start` in `{TimeRange:start}`).
    pub format: Option<String>,
    /// `{{Name}}` rather than `{Name}`.
    pub double_braces: bool,
    /// Every occurrence, in text order (each covers the braces).
    pub spans: Vec<Span>,
}

/// The time-window parameter of workbooks.
pub const TIME_RANGE: &str = "TimeRange";

/// Every parameter reference in `text`, grouped by (name, format, braces) in order of first
/// appearance.
pub fn find(text: &str) -> Vec<ParamRef> {
    let mut refs: Vec<ParamRef> = Vec::new();
    for (span, name, format, double_braces) in scan(text) {
        match refs.iter_mut().find(|r| r.name == name && r.format == format && r.double_braces == double_braces) {
            Some(existing) => existing.spans.push(span),
            None => refs.push(ParamRef { name, format, double_braces, spans: vec![span] }),
        }
    }
    refs
}

/// The distinct parameter names of `text`, in order of first appearance (one text box each).
pub fn names(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for r in find(text) {
        if !out.contains(&r.name) {
            out.push(r.name);
        }
    }
    out
}

/// Whether `name` is bound to the time window rather than to a typed value.
pub fn is_time_parameter(name: &str) -> bool {
    name.eq_ignore_ascii_case(TIME_RANGE)
        || name.eq_ignore_ascii_case("StartTimeISO")
        || name.eq_ignore_ascii_case("EndTimeISO")
}

/// `text` with every parameter replaced: by `values` (exact name first, then any case), and
/// the time parameters by `time_range` (start and end ticks) unless `values` names them. A
/// parameter with no value is an error at its first occurrence.
pub fn substitute(
    text: &str,
    values: &BTreeMap<String, String>,
    time_range: Option<(i64, i64)>,
) -> Result<String, QueryError> {
    substitute_mapped(text, values, time_range).map(|s| s.text)
}

/// A substituted query text that can point its errors back at the text the user wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Substituted {
    pub text: String,
    /// Each expanded parameter: (its span in the written text, its span in `text`).
    expansions: Vec<(Span, Span)>,
}

impl Substituted {
    /// The span in the written text for a span of the substituted text: positions outside
    /// expansions shift back, positions inside an expansion widen to the whole `{Param}`.
    pub fn original_span(&self, span: Span) -> Span {
        let start = self.original_offset(span.start, false);
        let end = self.original_offset(span.end.max(span.start), true);
        Span::new(start, end.max(start))
    }

    fn original_offset(&self, at: usize, is_end: bool) -> usize {
        let mut shift: isize = 0;
        for (written, expanded) in &self.expansions {
            if at < expanded.start || (at == expanded.start && is_end && expanded.start < expanded.end) {
                break;
            }
            if at < expanded.end || (at == expanded.end && is_end) {
                return if is_end { written.end } else { written.start };
            }
            shift += written.len() as isize - expanded.len() as isize;
        }
        at.saturating_add_signed(shift)
    }
}

/// [`substitute`], keeping where each parameter went so errors in the substituted text can
/// be shown under the text the user wrote ([`Substituted::original_span`]).
pub fn substitute_mapped(
    text: &str,
    values: &BTreeMap<String, String>,
    time_range: Option<(i64, i64)>,
) -> Result<Substituted, QueryError> {
    let mut out = String::with_capacity(text.len());
    let mut expansions = Vec::new();
    let mut copied = 0;
    for (span, name, format, _) in scan(text) {
        let value = lookup(values, &name)
            .map(|v| Ok(v.to_string()))
            .or_else(|| time_range.and_then(|range| expand_time(&name, format.as_deref(), range, span)))
            .unwrap_or_else(|| Err(missing(&name, span, time_range.is_some())))?;
        out.push_str(&text[copied..span.start]);
        let start = out.len();
        out.push_str(&value);
        expansions.push((span, Span::new(start, out.len())));
        copied = span.end;
    }
    out.push_str(&text[copied..]);
    Ok(Substituted { text: out, expansions })
}

fn lookup<'a>(values: &'a BTreeMap<String, String>, name: &str) -> Option<&'a str> {
    values
        .get(name)
        .or_else(|| values.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v))
        .map(String::as_str)
}

fn missing(name: &str, span: Span, have_window: bool) -> QueryError {
    let hint = if is_time_parameter(name) && !have_window {
        " (no time window is set)"
    } else {
        " (set it in its box, or with --param NAME=VALUE)"
    };
    QueryError::name(span, format!("workbook parameter `{name}` has no value{hint}"))
}

/// The expansion of a time parameter, `None` when `name` is not one.
fn expand_time(
    name: &str,
    format: Option<&str>,
    (start, end): (i64, i64),
    span: Span,
) -> Option<Result<String, QueryError>> {
    if name.eq_ignore_ascii_case("StartTimeISO") {
        return Some(Ok(format_datetime(start)));
    }
    if name.eq_ignore_ascii_case("EndTimeISO") {
        return Some(Ok(format_datetime(end)));
    }
    if !name.eq_ignore_ascii_case(TIME_RANGE) {
        return None;
    }
    let start_text = iso_millis(start);
    let end_text = iso_millis(end);
    Some(match format.map(str::to_ascii_lowercase).as_deref() {
        None | Some("value" | "query") => Ok(format!("between(datetime(\"{start_text}\")..datetime(\"{end_text}\"))")),
        Some("start") => Ok(format!("datetime(\"{start_text}\")")),
        Some("end") => Ok(format!("datetime(\"{end_text}\")")),
        Some("grain") => Ok(grain_literal(end.saturating_sub(start))),
        Some("label") => Ok(format!("{} - {}", format_datetime(start), format_datetime(end))),
        Some(other) => Err(QueryError::syntax(
            span,
            format!("unknown `{TIME_RANGE}` format `{other}` (expected start, end, grain, value, query or label)"),
        )),
    })
}

/// ISO 8601 with milliseconds, as workbooks write times: `2019-03-14T04:12:00.000Z`.
fn iso_millis(ticks: i64) -> String {
    let full = format_datetime_full(ticks);
    match full.split_once('.') {
        Some((whole, fraction)) => format!("{whole}.{}Z", fraction.get(..3).unwrap_or("000")),
        None => full,
    }
}

/// Target number of bins for `{TimeRange:grain}`: workbooks show 24 hours in 30-minute bins.
const GRAIN_TARGET_BINS: i64 = 48;

/// The smallest round grain giving at most [`GRAIN_TARGET_BINS`] bins over `span` ticks.
fn grain_literal(span: i64) -> String {
    const GRAINS: [(i64, &str); 13] = [
        (TICKS_PER_MINUTE, "1m"),
        (5 * TICKS_PER_MINUTE, "5m"),
        (10 * TICKS_PER_MINUTE, "10m"),
        (15 * TICKS_PER_MINUTE, "15m"),
        (30 * TICKS_PER_MINUTE, "30m"),
        (TICKS_PER_HOUR, "1h"),
        (2 * TICKS_PER_HOUR, "2h"),
        (3 * TICKS_PER_HOUR, "3h"),
        (6 * TICKS_PER_HOUR, "6h"),
        (12 * TICKS_PER_HOUR, "12h"),
        (TICKS_PER_DAY, "1d"),
        (7 * TICKS_PER_DAY, "7d"),
        (30 * TICKS_PER_DAY, "30d"),
    ];
    GRAINS
        .iter()
        .find(|(ticks, _)| span <= ticks.saturating_mul(GRAIN_TARGET_BINS))
        .map_or("30d", |(_, text)| text)
        .to_string()
}

/// Lexical state of the scanner.
#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Code,
    /// A quoted string: its quote and whether backslashes escape (not in `@"..."`).
    Quoted {
        quote: u8,
        escapes: bool,
    },
    /// A ```` ``` ```` string.
    Fenced,
    Comment,
}

/// Every parameter occurrence: (span, name, format, double braces).
fn scan(text: &str) -> Vec<(Span, String, Option<String>, bool)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut state = State::Code;
    // Parenthesis depth inside `dynamic(`, 0 outside.
    let mut dynamic_depth = 0usize;
    let mut last_code_byte: Option<u8> = None;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match state {
            State::Comment => {
                if b == b'\n' {
                    state = State::Code;
                }
                i += 1;
                continue;
            }
            State::Fenced => {
                if bytes[i..].starts_with(b"```") {
                    state = State::Code;
                    i += 3;
                    continue;
                }
            }
            State::Quoted { quote, escapes } => {
                if escapes && b == b'\\' {
                    i += 2;
                    continue;
                }
                if b == quote {
                    // `@"a""b"`: a doubled quote stays in the string.
                    if !escapes && bytes.get(i + 1) == Some(&quote) {
                        i += 2;
                        continue;
                    }
                    state = State::Code;
                    last_code_byte = Some(b);
                    i += 1;
                    continue;
                }
                if b == b'\n' {
                    state = State::Code;
                }
            }
            State::Code => {
                if bytes[i..].starts_with(b"//") {
                    state = State::Comment;
                    i += 2;
                    continue;
                }
                if bytes[i..].starts_with(b"```") {
                    state = State::Fenced;
                    i += 3;
                    continue;
                }
                if b == b'\'' || b == b'"' {
                    let verbatim = i > 0 && bytes[i - 1] == b'@';
                    state = State::Quoted { quote: b, escapes: !verbatim };
                    i += 1;
                    continue;
                }
                if dynamic_depth > 0 {
                    match b {
                        b'(' => dynamic_depth += 1,
                        b')' => dynamic_depth -= 1,
                        _ => {}
                    }
                    i += 1;
                    continue;
                }
                if b == b'(' && ends_with_word(&text[..i], "dynamic") {
                    dynamic_depth = 1;
                    i += 1;
                    continue;
                }
            }
        }
        if b == b'{' {
            // In code, `) {x}` is a function body, not a parameter.
            let body_brace = state == State::Code && last_code_byte == Some(b')');
            if !body_brace && let Some((len, name, format, double)) = param_at(&text[i..]) {
                out.push((Span::new(i, i + len), name, format, double));
                i += len;
                last_code_byte = Some(b'}');
                continue;
            }
        }
        if state == State::Code && !b.is_ascii_whitespace() {
            last_code_byte = Some(b);
        }
        i += 1;
    }
    out
}

/// Whether `before` ends with the word `word` (then optional spaces), not part of a longer word.
fn ends_with_word(before: &str, word: &str) -> bool {
    let trimmed = before.trim_end();
    trimmed.len() >= word.len()
        && trimmed.is_char_boundary(trimmed.len() - word.len())
        && trimmed[trimmed.len() - word.len()..].eq_ignore_ascii_case(word)
        && !trimmed[..trimmed.len() - word.len()].chars().next_back().is_some_and(|c| c.is_alphanumeric() || c == '_')
}

/// `{{Name}}`, `{Name}` or `{Name:format}` at the start of `text`: (length, name, format,
/// double braces).
fn param_at(text: &str) -> Option<(usize, String, Option<String>, bool)> {
    if let Some(rest) = text.strip_prefix("{{") {
        let name_len = identifier_len(rest);
        if name_len > 0 && rest[name_len..].starts_with("}}") {
            return Some((name_len + 4, rest[..name_len].to_string(), None, true));
        }
        return None;
    }
    let rest = text.strip_prefix('{')?;
    let name_len = identifier_len(rest);
    if name_len == 0 {
        return None;
    }
    let name = rest[..name_len].to_string();
    let after = &rest[name_len..];
    if after.starts_with('}') {
        return Some((name_len + 2, name, None, false));
    }
    let format_text = after.strip_prefix(':')?;
    let format_len = format_text.bytes().take_while(|b| b.is_ascii_alphanumeric() || *b == b'_').count();
    if format_len == 0 || !format_text[format_len..].starts_with('}') {
        return None;
    }
    Some((name_len + format_len + 3, name, Some(format_text[..format_len].to_string()), false))
}

/// Length of the ASCII identifier (`[A-Za-z_][A-Za-z0-9_]*`) at the start of `text`.
fn identifier_len(text: &str) -> usize {
    let bytes = text.as_bytes();
    match bytes.first() {
        Some(b) if b.is_ascii_alphabetic() || *b == b'_' => {
            bytes.iter().take_while(|b| b.is_ascii_alphanumeric() || **b == b'_').count()
        }
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kql::error::ErrorKind;
    use crate::kql::parser::parse;

    const DAY: i64 = TICKS_PER_DAY;
    /// 2024-01-01T00:00:00Z.
    const JAN_1: i64 = 19723 * DAY;

    fn values(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn finds_every_shape_grouped_by_name_and_format() {
        let text = "T | where TimeGenerated {TimeRange} | where C in ('{Computer}') or '*' in ('{Computer}') \
                    | summarize count() by bin(TimeGenerated, {TimeRange:grain}) | where x > todatetime('{{StartTimeISO}}')";
        let refs = find(text);
        let shapes: Vec<(&str, Option<&str>, bool, usize)> =
            refs.iter().map(|r| (r.name.as_str(), r.format.as_deref(), r.double_braces, r.spans.len())).collect();
        assert_eq!(
            shapes,
            [
                ("TimeRange", None, false, 1),
                ("Computer", None, false, 2),
                ("TimeRange", Some("grain"), false, 1),
                ("StartTimeISO", None, true, 1)
            ]
        );
        assert_eq!(refs[0].spans[0].text(text), "{TimeRange}");
        assert_eq!(refs[3].spans[0].text(text), "{{StartTimeISO}}");
        assert_eq!(names(text), ["TimeRange", "Computer", "StartTimeISO"]);
    }

    #[test]
    fn kql_braces_are_not_parameters() {
        let texts = [
            "T | extend d = todynamic('{}')",
            r#"T | where x matches regex "[0-9a-z]{8}-[0-9a-z]{4}""#,
            r#"T | extend j = parse_json('{"a": 1}')"#,
            "print dynamic({k: 1, \"b\": {c: 2}})",
            "print dynamic ( {k:v} )",
            "let f = (x: long) {x}; f(1)",
            "let v = view () {T}; v",
            "T // {NotAParam}\n| take 1",
            "T | where s == '{' and t == '}' and u == '{ x }' and w == '{x:}' and y == '{1a}'",
        ];
        for text in texts {
            assert_eq!(find(text), Vec::new(), "{text}");
            assert_eq!(substitute(text, &BTreeMap::new(), None).unwrap(), text);
        }
        // Inside strings of a dynamic value, and after a `)` inside a string, they are.
        assert_eq!(names(r#"print dynamic(["{Computer}"]), '(x) {Port}'"#), ["Computer", "Port"]);
        // `@"..."` has no escapes: the backslash does not hide the closing quote.
        assert_eq!(names(r#"print @"C:\" , '{P}'"#), ["P"]);
        assert_eq!(names(r"print 'it\'s {P}'"), ["P"]);
    }

    #[test]
    fn the_vm_insights_workbook_query_expands_and_parses() {
        let text = "VMConnection\n| where TimeGenerated {TimeRange}\n| where Computer in (\"{ComputerName}\") or '*' in (\"{ComputerName}\") \n\
                    | summarize Sent = sum(BytesSent), Received = sum(BytesReceived) by bin(TimeGenerated, {TimeRange:grain})";
        let expanded = substitute(text, &values(&[("ComputerName", "web-01")]), Some((JAN_1, JAN_1 + DAY))).unwrap();
        assert_eq!(
            expanded,
            "VMConnection\n| where TimeGenerated between(datetime(\"2024-01-01T00:00:00.000Z\")..datetime(\"2024-01-02T00:00:00.000Z\"))\n\
             | where Computer in (\"web-01\") or '*' in (\"web-01\") \n\
             | summarize Sent = sum(BytesSent), Received = sum(BytesReceived) by bin(TimeGenerated, 30m)"
        );
        parse(&expanded).unwrap();
    }

    #[test]
    fn time_range_formats() {
        let range = Some((JAN_1, JAN_1 + DAY / 2));
        let cases = [
            ("{TimeRange:start}", r#"datetime("2024-01-01T00:00:00.000Z")"#),
            ("{TimeRange:end}", r#"datetime("2024-01-01T12:00:00.000Z")"#),
            ("{TimeRange:grain}", "15m"),
            (
                "{TimeRange:value}",
                r#"between(datetime("2024-01-01T00:00:00.000Z")..datetime("2024-01-01T12:00:00.000Z"))"#,
            ),
            (
                "{TimeRange:query}",
                r#"between(datetime("2024-01-01T00:00:00.000Z")..datetime("2024-01-01T12:00:00.000Z"))"#,
            ),
            ("{TimeRange:label}", "2024-01-01T00:00:00Z - 2024-01-01T12:00:00Z"),
            ("{timerange:Start}", r#"datetime("2024-01-01T00:00:00.000Z")"#),
            ("'{{StartTimeISO}}' '{{EndTimeISO}}'", "'2024-01-01T00:00:00Z' '2024-01-01T12:00:00Z'"),
        ];
        for (text, expected) in cases {
            assert_eq!(substitute(text, &BTreeMap::new(), range).unwrap(), expected, "{text}");
        }
        for (span, grain) in
            [(DAY / 24, "5m"), (DAY, "30m"), (7 * DAY, "6h"), (30 * DAY, "1d"), (10_000 * DAY, "30d"), (0, "1m")]
        {
            assert_eq!(grain_literal(span), grain, "{span}");
        }
        // A make-series over the window parses once expanded.
        let text = "T | make-series n = count() default = 0 on TimeGenerated from {TimeRange:start} to {TimeRange:end} step {TimeRange:grain}";
        parse(&substitute(text, &BTreeMap::new(), range).unwrap()).unwrap();
        // A value given for TimeRange wins over the window.
        assert_eq!(substitute("{TimeRange}", &values(&[("TimeRange", "> ago(1d)")]), range).unwrap(), "> ago(1d)");
        let err = substitute("x {TimeRange:seconds}", &BTreeMap::new(), range).unwrap_err();
        assert_eq!(
            err.message,
            "unknown `TimeRange` format `seconds` (expected start, end, grain, value, query or label)"
        );
        assert_eq!(err.span, Span::new(2, 21));
    }

    #[test]
    fn values_and_missing_values() {
        let text = "T | where C == '{Computer}' and P == {port:value} | take {{Limit}}";
        let v = values(&[("Computer", "web'01"), ("Port", "80"), ("Limit", "5")]);
        assert_eq!(substitute(text, &v, None).unwrap(), "T | where C == 'web'01' and P == 80 | take 5");
        let err = substitute(text, &values(&[("Computer", "a")]), None).unwrap_err();
        assert_eq!(err.kind, ErrorKind::Name);
        assert_eq!(
            err.message,
            "workbook parameter `port` has no value (set it in its box, or with --param NAME=VALUE)"
        );
        assert_eq!(err.span.text(text), "{port:value}");
        let err = substitute("T | where t {TimeRange}", &BTreeMap::new(), None).unwrap_err();
        assert_eq!(err.message, "workbook parameter `TimeRange` has no value (no time window is set)");
    }

    #[test]
    fn errors_in_the_expanded_text_point_back_at_the_written_text() {
        let text = "T | where C == {Computer} and t {TimeRange} | take {N}x";
        let v = values(&[("Computer", "'web-01'"), ("N", "5")]);
        let s = substitute_mapped(text, &v, Some((JAN_1, JAN_1 + DAY))).unwrap();
        assert_eq!(s.text, substitute(text, &v, Some((JAN_1, JAN_1 + DAY))).unwrap());
        let at = |needle: &str| {
            let start = s.text.find(needle).unwrap();
            s.original_span(Span::new(start, start + needle.len())).text(text).to_string()
        };
        // Outside expansions: the same text. Inside one: the whole parameter.
        assert_eq!(at("where C"), "where C");
        assert_eq!(at("'web-01'"), "{Computer}");
        assert_eq!(at("web"), "{Computer}");
        assert_eq!(at("and t"), "and t");
        assert_eq!(at(r#"datetime("2024-01-01T00:00:00.000Z")"#), "{TimeRange}");
        assert_eq!(at("| take"), "| take");
        // The lexer's error on `5x` covers the expansion and the text after it.
        let err = crate::kql::parser::parse(&s.text).unwrap_err();
        assert_eq!(s.original_span(err.span).text(text), "{N}x");
        // Empty spans at the end stay at the end.
        assert_eq!(s.original_span(Span::new(s.text.len(), s.text.len())), Span::new(text.len(), text.len()));
    }

    #[test]
    fn never_panics_on_odd_text() {
        for text in [
            "{",
            "{{",
            "{{a}",
            "{a",
            "{a:",
            "{a:b",
            "'{a}",
            "@'",
            "```{a}",
            "dynamic(",
            "dynamic(()",
            "é{é}",
            "{é:x}",
            "\\",
            "'\\",
        ] {
            let _ = find(text);
            let _ = substitute(text, &values(&[("a", "1")]), Some((0, DAY)));
        }
        assert_eq!(names("```{a}"), ["a"]);
    }
}
