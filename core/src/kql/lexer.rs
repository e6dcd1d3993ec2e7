//! Tokens of a KQL text, with byte spans.
//!
//! The lexer knows no keywords: every word is an [`Tok::Ident`] and the parser decides by
//! context (a column may be called `count`, `kind` or `type`). Operator names with `-`
//! (`project-away`) and negated string operators (`!contains`) are joined by the parser from
//! adjacent tokens. Two things are decided here because their insides are not KQL tokens:
//! timespan literals (`1hr`, `100ms`) and the typed literals whose text is raw
//! (`datetime(2020-01-01T10:00:00Z)`, `time(1.02:00:00)`, `guid(...)`, `long(5)`, ...).
//!
//! [`tokenize`] stops at the first error (for the parser); [`tokenize_lossy`] never fails,
//! keeps comments and turns bad text into [`Tok::Error`] tokens (for the editor).

use super::ast::Span;
use super::error::QueryError;
use super::temporal::parse_timespan_literal;

/// The names whose parenthesised text is a raw literal, not tokens.
const RAW_LITERAL_TYPES: [&str; 14] = [
    "datetime", "date", "time", "timespan", "guid", "bool", "boolean", "int", "long", "int64", "real", "double",
    "decimal", "int32",
];

#[derive(Clone, Debug, PartialEq)]
pub enum Tok {
    /// A word: letters, digits and `_`, not starting with a digit; `$left`/`$right` too.
    Ident(String),
    /// A number as written (`5`, `1.5`, `1e3`, `0x1F`): the parser types and converts it.
    Number(String),
    /// A timespan literal (`1d`, `1.5h`, `1hr`, `100ms`, `2tick`), in ticks.
    Timespan(i64),
    /// A string literal of any quoting style, unescaped.
    Str(String),
    /// `datetime(...)`, `time(...)`, `guid(...)`, `long(...)`, ...: the type word (lowercase)
    /// and the trimmed text between the parentheses.
    TypedLiteral { type_name: String, raw: String },
    /// Punctuation and symbolic operators.
    Sym(&'static str),
    /// `// ...` (only from [`tokenize_lossy`]).
    Comment,
    /// Text that is not a token, with why (only from [`tokenize_lossy`]).
    Error(String),
    /// The end of the text (always the last token).
    Eof,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    pub tok: Tok,
    pub span: Span,
}

/// Symbols, longest first so `==` wins over `=`.
const SYMBOLS: [&str; 30] = [
    "==", "!=", "<>", "=~", "!~", "<=", ">=", "..", "=>", "|", "(", ")", "[", "]", "{", "}", ",", ";", ".", ":", "=",
    "<", ">", "+", "-", "*", "/", "%", "!", "~",
];

/// The tokens of `text`, ending with [`Tok::Eof`]; comments dropped; the first bad token is
/// an error with its span.
pub fn tokenize(text: &str) -> Result<Vec<Token>, QueryError> {
    let mut lexer = Lexer { text, pos: 0 };
    let mut out = Vec::new();
    loop {
        match lexer.next_token() {
            Ok(Some(token)) if token.tok == Tok::Comment => {}
            Ok(Some(token)) => out.push(token),
            Ok(None) => break,
            Err(err) => return Err(QueryError::syntax(err.span, err.message)),
        }
    }
    out.push(Token { tok: Tok::Eof, span: Span::new(text.len(), text.len()) });
    Ok(out)
}

/// Every token of `text` including comments, with bad text as [`Tok::Error`]; never fails.
pub fn tokenize_lossy(text: &str) -> Vec<Token> {
    let mut lexer = Lexer { text, pos: 0 };
    let mut out = Vec::new();
    loop {
        let before = lexer.pos;
        match lexer.next_token() {
            Ok(Some(token)) => out.push(token),
            Ok(None) => break,
            Err(err) => {
                // Resume after the bad text, at least one character on.
                let resume = err.span.end.max(next_boundary(text, before));
                lexer.pos = resume.min(text.len());
                out.push(Token {
                    tok: Tok::Error(err.message),
                    span: Span::new(err.span.start.min(lexer.pos), lexer.pos),
                });
            }
        }
    }
    out.push(Token { tok: Tok::Eof, span: Span::new(text.len(), text.len()) });
    out
}

struct LexError {
    span: Span,
    message: String,
}

struct Lexer<'a> {
    text: &'a str,
    pos: usize,
}

fn next_boundary(text: &str, at: usize) -> usize {
    let mut next = at.saturating_add(1);
    while next < text.len() && !text.is_char_boundary(next) {
        next += 1;
    }
    next.min(text.len())
}

fn is_ident_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

impl Lexer<'_> {
    fn rest(&self) -> &str {
        self.text.get(self.pos..).unwrap_or("")
    }

    fn peek_char(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn char_at(&self, offset: usize) -> Option<char> {
        self.text.get(offset..).and_then(|s| s.chars().next())
    }

    fn error(&self, start: usize, end: usize, message: impl Into<String>) -> LexError {
        LexError { span: Span::new(start, end), message: message.into() }
    }

    /// The next token, `None` at the end.
    fn next_token(&mut self) -> Result<Option<Token>, LexError> {
        // White space.
        // White space, and the byte-order mark files saved on Windows start with.
        let trimmed = self.rest().trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
        self.pos = self.text.len() - trimmed.len();
        let start = self.pos;
        let Some(c) = self.peek_char() else {
            return Ok(None);
        };
        let token = |tok: Tok, end: usize| Ok(Some(Token { tok, span: Span::new(start, end) }));
        let rest = self.rest();
        if rest.starts_with("//") {
            let end = rest.find('\n').map_or(self.text.len(), |i| start + i);
            self.pos = end;
            return token(Tok::Comment, end);
        }
        if rest.starts_with("```") {
            let body_start = start + 3;
            let Some(len) = self.text.get(body_start..).and_then(|s| s.find("```")) else {
                self.pos = self.text.len();
                return Err(self.error(start, self.text.len(), "unterminated ``` string (no closing ```)"));
            };
            let value = self.text[body_start..body_start + len].to_string();
            self.pos = body_start + len + 3;
            return token(Tok::Str(value), self.pos);
        }
        if c == '\'' || c == '"' {
            let value = self.quoted(start, false)?;
            return token(Tok::Str(value), self.pos);
        }
        if c == '@' {
            match self.char_at(start + 1) {
                Some('\'' | '"') => {
                    self.pos = start + 1;
                    let value = self.quoted(start, true)?;
                    return token(Tok::Str(value), self.pos);
                }
                _ => return Err(self.error(start, start + 1, "`@` must be followed by a quoted string (`@\"...\"`)")),
            }
        }
        if c.is_ascii_digit() {
            return self.number(start).map(Some);
        }
        if c == '$' || is_ident_start(c) {
            return self.word(start).map(Some);
        }
        for sym in SYMBOLS {
            if rest.starts_with(sym) {
                self.pos = start + sym.len();
                return token(Tok::Sym(sym), self.pos);
            }
        }
        let end = start + c.len_utf8();
        self.pos = end;
        let hint = match c {
            '\u{2018}' | '\u{2019}' | '\u{201c}' | '\u{201d}' => " (a typographic quote: strings take ' or \")",
            _ => "",
        };
        Err(self.error(start, end, format!("unexpected character `{c}`{hint}")))
    }

    /// A quoted string whose opening quote is at `self.pos`; `verbatim` for `@"..."` (no
    /// escapes, a doubled quote is one quote).
    fn quoted(&mut self, token_start: usize, verbatim: bool) -> Result<String, LexError> {
        let quote = self.peek_char().unwrap_or('"');
        let mut value = String::new();
        let mut chars = self.text[self.pos + 1..].char_indices();
        let body = self.pos + 1;
        while let Some((i, ch)) = chars.next() {
            if ch == '\n' || ch == '\r' {
                break;
            }
            if ch == quote {
                if verbatim && self.text[body + i + 1..].starts_with(quote) {
                    chars.next();
                    value.push(quote);
                    continue;
                }
                self.pos = body + i + 1;
                return Ok(value);
            }
            if ch == '\\' && !verbatim {
                let Some((j, escaped)) = chars.next() else {
                    break;
                };
                match escaped {
                    'n' => value.push('\n'),
                    't' => value.push('\t'),
                    'r' => value.push('\r'),
                    '0' => value.push('\0'),
                    '\\' | '\'' | '"' => value.push(escaped),
                    'u' => {
                        let hex = self.text.get(body + j + 1..body + j + 5).unwrap_or("");
                        match u32::from_str_radix(hex, 16).ok().and_then(char::from_u32) {
                            Some(decoded) if hex.len() == 4 => {
                                value.push(decoded);
                                for _ in 0..4 {
                                    chars.next();
                                }
                            }
                            _ => {
                                value.push('\\');
                                value.push('u');
                            }
                        }
                    }
                    // Kusto rejects other escapes; regex texts written with one backslash
                    // (`"\d+"`) are kept as written rather than refused.
                    other => {
                        value.push('\\');
                        value.push(other);
                    }
                }
                continue;
            }
            value.push(ch);
        }
        let end = self.text[token_start..].find('\n').map_or(self.text.len(), |i| token_start + i);
        self.pos = end;
        Err(self.error(token_start, end, format!("unterminated string (no closing {quote} on this line)")))
    }

    /// A number or timespan literal starting at `start`.
    fn number(&mut self, start: usize) -> Result<Token, LexError> {
        let bytes = self.text.as_bytes();
        let mut end = start;
        let digits = |mut at: usize| {
            while at < bytes.len() && bytes[at].is_ascii_digit() {
                at += 1;
            }
            at
        };
        if self.text[start..].starts_with("0x") || self.text[start..].starts_with("0X") {
            end = start + 2;
            while end < bytes.len() && bytes[end].is_ascii_hexdigit() {
                end += 1;
            }
            self.pos = end;
            if end == start + 2 {
                return Err(self.error(start, end, "`0x` must be followed by hexadecimal digits"));
            }
            return Ok(Token { tok: Tok::Number(self.text[start..end].to_string()), span: Span::new(start, end) });
        }
        end = digits(end);
        // A fraction, but not the `..` of `between (1 .. 5)`.
        if bytes.get(end) == Some(&b'.') && bytes.get(end + 1) != Some(&b'.') {
            end = digits(end + 1);
        }
        let mantissa_end = end;
        if matches!(bytes.get(end), Some(b'e' | b'E')) {
            let mut exp = end + 1;
            if matches!(bytes.get(exp), Some(b'+' | b'-')) {
                exp += 1;
            }
            let exp_end = digits(exp);
            if exp_end > exp {
                end = exp_end;
            }
        }
        // Letters right after the digits: a timespan unit (`1hr`) or a typo.
        let suffix_len = self.text[end..].find(|c: char| !is_ident_char(c)).unwrap_or(self.text.len() - end);
        if suffix_len > 0 {
            let word_end = end + suffix_len;
            self.pos = word_end;
            let written = &self.text[start..word_end];
            if end == mantissa_end
                && let Some(ticks) = parse_timespan_literal(written)
            {
                return Ok(Token { tok: Tok::Timespan(ticks), span: Span::new(start, word_end) });
            }
            return Err(self.error(
                start,
                word_end,
                format!("invalid number `{written}` (timespan units are d, h, hr, m, min, s, ms, microsecond, tick)"),
            ));
        }
        self.pos = end;
        Ok(Token { tok: Tok::Number(self.text[start..end].to_string()), span: Span::new(start, end) })
    }

    /// A word, an obfuscated string (`h"..."`), or a raw typed literal (`datetime(...)`).
    fn word(&mut self, start: usize) -> Result<Token, LexError> {
        let after_first = start + self.peek_char().map_or(1, char::len_utf8);
        let len = self.text[after_first..].find(|c: char| !is_ident_char(c)).unwrap_or(self.text.len() - after_first);
        let end = after_first + len;
        let word = &self.text[start..end];
        // h"secret", H'secret', h@"secret": obfuscated strings are ordinary strings here.
        if word == "h" || word == "H" {
            match self.char_at(end) {
                Some('\'' | '"') => {
                    self.pos = end;
                    let value = self.quoted(start, false)?;
                    return Ok(Token { tok: Tok::Str(value), span: Span::new(start, self.pos) });
                }
                Some('@') if matches!(self.char_at(end + 1), Some('\'' | '"')) => {
                    self.pos = end + 1;
                    let value = self.quoted(start, true)?;
                    return Ok(Token { tok: Tok::Str(value), span: Span::new(start, self.pos) });
                }
                _ => {}
            }
        }
        let lower = word.to_ascii_lowercase();
        if RAW_LITERAL_TYPES.contains(&lower.as_str()) {
            let after = self.text[end..].trim_start();
            if after.starts_with('(') {
                let open = self.text.len() - after.len();
                return self.raw_literal(start, open, lower);
            }
        }
        self.pos = end;
        Ok(Token { tok: Tok::Ident(word.to_string()), span: Span::new(start, end) })
    }

    /// `type( raw )` with `(` at `open`: everything up to the matching `)` (quotes respected).
    fn raw_literal(&mut self, start: usize, open: usize, type_name: String) -> Result<Token, LexError> {
        let mut quote: Option<char> = None;
        let mut depth = 0usize;
        for (i, ch) in self.text[open..].char_indices() {
            match (quote, ch) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '\'' | '"') => quote = Some(ch),
                (None, '(') => depth += 1,
                (None, ')') => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        let close = open + i;
                        self.pos = close + 1;
                        let raw = self.text[open + 1..close].trim().to_string();
                        return Ok(Token {
                            tok: Tok::TypedLiteral { type_name, raw },
                            span: Span::new(start, self.pos),
                        });
                    }
                }
                (None, '\n' | '|' | ';') => break,
                _ => {}
            }
        }
        let end = self.text[open..].find(['\n', '|', ';']).map_or(self.text.len(), |i| open + i);
        self.pos = end;
        Err(self.error(start, end, format!("expected `)` to close `{type_name}(`")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(text: &str) -> Vec<Tok> {
        tokenize(text).unwrap().into_iter().map(|t| t.tok).collect()
    }

    fn ident(s: &str) -> Tok {
        Tok::Ident(s.to_string())
    }

    #[test]
    fn words_symbols_and_comments() {
        assert_eq!(
            toks("T | where x!=1 // note\n| project-away $left"),
            vec![
                ident("T"),
                Tok::Sym("|"),
                ident("where"),
                ident("x"),
                Tok::Sym("!="),
                Tok::Number("1".into()),
                Tok::Sym("|"),
                ident("project"),
                Tok::Sym("-"),
                ident("away"),
                ident("$left"),
                Tok::Eof
            ]
        );
        assert_eq!(
            toks("a=~b !~ c =="),
            vec![ident("a"), Tok::Sym("=~"), ident("b"), Tok::Sym("!~"), ident("c"), Tok::Sym("=="), Tok::Eof]
        );
    }

    #[test]
    fn numbers_and_timespans() {
        assert_eq!(
            toks("1.5 1e3 2E-2 0x1F"),
            vec![
                Tok::Number("1.5".into()),
                Tok::Number("1e3".into()),
                Tok::Number("2E-2".into()),
                Tok::Number("0x1F".into()),
                Tok::Eof
            ]
        );
        let hour = 36_000_000_000;
        assert_eq!(
            toks("1hr 24hr 1h 1.5h"),
            vec![
                Tok::Timespan(hour),
                Tok::Timespan(24 * hour),
                Tok::Timespan(hour),
                Tok::Timespan(hour * 3 / 2),
                Tok::Eof
            ]
        );
        assert_eq!(
            toks("1d 5m 30s 100ms 10microsecond 2tick"),
            vec![
                Tok::Timespan(864_000_000_000),
                Tok::Timespan(3_000_000_000),
                Tok::Timespan(300_000_000),
                Tok::Timespan(1_000_000),
                Tok::Timespan(100),
                Tok::Timespan(2),
                Tok::Eof
            ]
        );
        // `1..5` is 1, `..`, 5.
        assert_eq!(toks("1..5"), vec![Tok::Number("1".into()), Tok::Sym(".."), Tok::Number("5".into()), Tok::Eof]);
        let err = tokenize("take 5x").unwrap_err();
        assert_eq!(err.span, Span::new(5, 7));
        assert!(err.message.starts_with("invalid number `5x`"), "{}", err.message);
    }

    #[test]
    fn strings_of_every_style() {
        assert_eq!(
            toks(r#"'a\'b' "c\"d\n" @"C:\x""y" @'it''s' h"secret" H@'v\w'"#),
            vec![
                Tok::Str("a'b".into()),
                Tok::Str("c\"d\n".into()),
                Tok::Str("C:\\x\"y".into()),
                Tok::Str("it's".into()),
                Tok::Str("secret".into()),
                Tok::Str("v\\w".into()),
                Tok::Eof
            ]
        );
        assert_eq!(toks("```a\n'b\"```"), vec![Tok::Str("a\n'b\"".into()), Tok::Eof]);
        assert_eq!(toks(r#""\d+\u0041""#), vec![Tok::Str("\\d+A".into()), Tok::Eof]);
        // `h` alone is a word.
        assert_eq!(toks("h + 1"), vec![ident("h"), Tok::Sym("+"), Tok::Number("1".into()), Tok::Eof]);
        let err = tokenize("where x == 'abc\n| take 1").unwrap_err();
        assert_eq!(err.message, "unterminated string (no closing ' on this line)");
        assert_eq!(err.span, Span::new(11, 15));
    }

    #[test]
    fn raw_typed_literals() {
        assert_eq!(
            toks("datetime(2020-01-01T10:00:00Z) time (1.02:00:00) guid(74be27de-1e4e-49d9-b579-fe0b331d3642)"),
            vec![
                Tok::TypedLiteral { type_name: "datetime".into(), raw: "2020-01-01T10:00:00Z".into() },
                Tok::TypedLiteral { type_name: "time".into(), raw: "1.02:00:00".into() },
                Tok::TypedLiteral { type_name: "guid".into(), raw: "74be27de-1e4e-49d9-b579-fe0b331d3642".into() },
                Tok::Eof
            ]
        );
        assert_eq!(toks("typeof(long)"), vec![ident("typeof"), Tok::Sym("("), ident("long"), Tok::Sym(")"), Tok::Eof]);
        let err = tokenize("print datetime(2020-01-01 | take 1").unwrap_err();
        assert_eq!(err.message, "expected `)` to close `datetime(`");
        assert_eq!(err.span, Span::new(6, 26));
    }

    #[test]
    fn pasted_text_quirks() {
        // A byte-order mark and non-breaking spaces are white space.
        assert_eq!(
            toks("\u{feff}T\u{a0}|\u{a0}take 1"),
            vec![ident("T"), Tok::Sym("|"), ident("take"), Tok::Number("1".into()), Tok::Eof]
        );
        // Windows line ends.
        assert_eq!(
            toks("T\r\n| take 1 // c\r\n"),
            vec![ident("T"), Tok::Sym("|"), ident("take"), Tok::Number("1".into()), Tok::Eof]
        );
        let err = tokenize("T | where a == \u{201c}x\u{201d}").unwrap_err();
        assert_eq!(err.message, "unexpected character `\u{201c}` (a typographic quote: strings take ' or \")");
        assert_eq!(err.span, Span::new(15, 18));
    }

    #[test]
    fn lossy_tokens_cover_bad_text_and_keep_comments() {
        let text = "T // c\n| where x == 'open ` 5x";
        let tokens = tokenize_lossy(text);
        assert!(tokens.iter().any(|t| t.tok == Tok::Comment && t.span == Span::new(2, 6)));
        assert!(tokens.iter().any(|t| matches!(t.tok, Tok::Error(_))));
        assert_eq!(tokens.last().map(|t| &t.tok), Some(&Tok::Eof));
        for bad in ["`", "@", "0x", "'", "datetime(", "é€\u{0}", "5 5x ```"] {
            let tokens = tokenize_lossy(bad);
            assert_eq!(tokens.last().map(|t| &t.tok), Some(&Tok::Eof), "{bad}");
        }
    }
}
