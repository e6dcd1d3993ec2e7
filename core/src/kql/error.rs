//! Errors of every KQL stage (parameters, parsing, planning, execution), each pointing at
//! the span of query text it is about, and the "did you mean" hint for misspelled names.

use std::fmt;

use super::ast::Span;

/// Which stage found the problem; the CLI and the app show them alike, tests tell them apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// The text is not KQL (or a workbook parameter is malformed).
    Syntax,
    /// An unknown table, column, function or parameter name.
    Name,
    /// Operands or arguments of the wrong type.
    Type,
    /// A failure while rows are processed.
    Runtime,
    /// Valid KQL this offline engine does not run (`externaldata`, plugins, ...).
    Unsupported,
    /// The user cancelled the query.
    Cancelled,
    /// The query went past a size limit (rows, cells, nesting depth).
    Limit,
}

impl ErrorKind {
    pub fn label(self) -> &'static str {
        match self {
            ErrorKind::Syntax => "syntax error",
            ErrorKind::Name => "name error",
            ErrorKind::Type => "type error",
            ErrorKind::Runtime => "runtime error",
            ErrorKind::Unsupported => "unsupported",
            ErrorKind::Cancelled => "cancelled",
            ErrorKind::Limit => "limit exceeded",
        }
    }
}

/// An error with the span of query text it is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueryError {
    pub kind: ErrorKind,
    pub span: Span,
    pub message: String,
}

impl QueryError {
    pub fn new(kind: ErrorKind, span: Span, message: impl Into<String>) -> QueryError {
        QueryError { kind, span, message: message.into() }
    }

    pub fn syntax(span: Span, message: impl Into<String>) -> QueryError {
        QueryError::new(ErrorKind::Syntax, span, message)
    }

    pub fn name(span: Span, message: impl Into<String>) -> QueryError {
        QueryError::new(ErrorKind::Name, span, message)
    }

    pub fn type_error(span: Span, message: impl Into<String>) -> QueryError {
        QueryError::new(ErrorKind::Type, span, message)
    }

    pub fn runtime(span: Span, message: impl Into<String>) -> QueryError {
        QueryError::new(ErrorKind::Runtime, span, message)
    }

    pub fn unsupported(span: Span, message: impl Into<String>) -> QueryError {
        QueryError::new(ErrorKind::Unsupported, span, message)
    }

    pub fn cancelled() -> QueryError {
        QueryError::new(ErrorKind::Cancelled, Span::default(), "the query was cancelled")
    }

    pub fn limit(span: Span, message: impl Into<String>) -> QueryError {
        QueryError::new(ErrorKind::Limit, span, message)
    }

    /// 1-based line and column (in characters) of the span's start in `query`.
    pub fn line_col(&self, query: &str) -> (usize, usize) {
        line_col(query, self.span.start)
    }

    /// `line:col: message`, then the query line holding the span's start, then a caret line
    /// under the span (cut at the end of that line; at least one caret).
    pub fn render(&self, query: &str) -> String {
        let start = floor_char_boundary(query, self.span.start);
        let (line, col) = line_col(query, start);
        let line_start = query[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = query[start..].find('\n').map_or(query.len(), |i| start + i);
        let text = query[line_start..line_end].trim_end_matches('\r');
        let end = floor_char_boundary(query, self.span.end.clamp(start, line_start + text.len()));
        let carets = query[start..end].chars().count().max(1);
        // Tabs in the line stay tabs under it so the carets line up in any tab width.
        let pad: String = query[line_start..start].chars().map(|c| if c == '\t' { '\t' } else { ' ' }).collect();
        format!("{line}:{col}: {}\n{text}\n{pad}{}", self.message, "^".repeat(carets))
    }
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for QueryError {}

/// 1-based line and character column of byte offset `at` (clamped into the text).
pub fn line_col(query: &str, at: usize) -> (usize, usize) {
    let at = floor_char_boundary(query, at);
    let before = &query[..at];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// The largest char boundary at or below `at`, within the text.
fn floor_char_boundary(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// The closest of `candidates` to `name` (case-insensitive edit distance), when close enough
/// to be a likely typo: at most 1 edit for short names, 2 up to 8 characters, 3 beyond. An
/// exact case-insensitive match (`computer` for `Computer`) is always suggested.
pub fn did_you_mean<'a, I, S>(name: &str, candidates: I) -> Option<String>
where
    I: IntoIterator<Item = &'a S>,
    S: AsRef<str> + ?Sized + 'a,
{
    let wanted: Vec<char> = name.to_lowercase().chars().collect();
    let limit = match wanted.len() {
        0..=3 => 1,
        4..=8 => 2,
        _ => 3,
    };
    let mut best: Option<(usize, &str)> = None;
    for candidate in candidates {
        let candidate = candidate.as_ref();
        if candidate == name {
            continue;
        }
        let lower: Vec<char> = candidate.to_lowercase().chars().collect();
        if lower.len().abs_diff(wanted.len()) > limit {
            continue;
        }
        let distance = edit_distance(&wanted, &lower);
        if distance <= limit && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, c)| c.to_string())
}

/// Levenshtein distance with adjacent transpositions counted as one edit.
fn edit_distance(a: &[char], b: &[char]) -> usize {
    let width = b.len() + 1;
    let mut prev2 = vec![0usize; width];
    let mut prev: Vec<usize> = (0..width).collect();
    let mut cur = vec![0usize; width];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..width {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(prev2[j - 2] + 1);
            }
            cur[j] = d;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[width - 1]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn render_points_at_the_span_on_its_line() {
        let query = "VMConnection\n| where Computr == 'x'";
        let err = QueryError::name(Span::new(21, 28), "unknown column `Computr`");
        assert_eq!(err.render(query), "2:9: unknown column `Computr`\n| where Computr == 'x'\n        ^^^^^^^");
    }

    #[test]
    fn render_counts_characters_not_bytes_and_survives_odd_spans() {
        let query = "print 'é' + x";
        // 'x' is at byte 13, character 12.
        let err = QueryError::syntax(Span::new(13, 14), "bad");
        assert_eq!(err.render(query), "1:13: bad\nprint 'é' + x\n            ^");
        // A span past the end, inside a character, or reversed still renders.
        for span in [Span::new(99, 120), Span::new(8, 8), Span::new(10, 3)] {
            let text = QueryError::syntax(span, "m").render(query);
            assert!(text.ends_with('^'), "{text}");
        }
        assert_eq!(QueryError::syntax(Span::new(0, 0), "empty").render(""), "1:1: empty\n\n^");
    }

    #[test]
    fn render_keeps_tabs_under_tabs() {
        let err = QueryError::syntax(Span::new(1, 2), "m");
        assert_eq!(err.render("\tx"), "1:2: m\n\tx\n\t^");
    }

    #[test]
    fn did_you_mean_picks_the_closest_likely_typo() {
        let columns = ["Computer", "ComputerName", "Machine", "TimeGenerated"];
        assert_eq!(did_you_mean("Computr", &columns).as_deref(), Some("Computer"));
        assert_eq!(did_you_mean("computer", &columns).as_deref(), Some("Computer"));
        assert_eq!(did_you_mean("TimeGenrated", &columns).as_deref(), Some("TimeGenerated"));
        assert_eq!(did_you_mean("Mahcine", &columns).as_deref(), Some("Machine"));
        assert_eq!(did_you_mean("Bytes", &columns), None);
        assert_eq!(did_you_mean("x", &columns), None);
        let owned = vec![String::from("summarize")];
        assert_eq!(did_you_mean("sumarize", &owned).as_deref(), Some("summarize"));
    }

    #[test]
    fn line_col_is_one_based() {
        assert_eq!(line_col("ab\ncd", 0), (1, 1));
        assert_eq!(line_col("ab\ncd", 4), (2, 2));
        assert_eq!(line_col("ab", 50), (1, 3));
    }
}
