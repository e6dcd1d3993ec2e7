//! The KQL parser: tokens -> [`Script`], recursive descent with Kusto's precedence
//! (`or` < `and` < comparisons and string operators < `+ -` < `* / %` < unary < `.`/`[]`).
//!
//! Keywords are contextual: a word is an operator or clause name only where one is expected,
//! so columns may be called `count`, `kind`, `type` or `Direction`. The parser tracks the
//! names each `let` binds (scalar, tabular or function) to tell `let x = T` (a table) from
//! `let x = y` (a scalar) and `in (machines)` (a subquery) from `in (Computer)` (a value).
//!
//! Errors say what was expected and what was found, with the span of the offending token.
//! Nesting deeper than [`MAX_DEPTH`] is refused, so no input can overflow the stack; every
//! loop consumes a token per turn, so no input can hang it.

use std::collections::HashMap;

use super::ast::*;
use super::error::{QueryError, did_you_mean};
use super::lexer::{Tok, Token, tokenize};
use super::temporal::{parse_datetime, parse_timespan};
use super::value::{Type, Value};

/// Deepest nesting of parentheses, sub-queries and unary operators accepted.
pub const MAX_DEPTH: usize = 64;

/// The tabular operators this engine runs, for "did you mean" and the editor.
pub const OPERATORS: [&str; 32] = [
    "where",
    "filter",
    "project",
    "project-away",
    "project-keep",
    "project-rename",
    "project-reorder",
    "extend",
    "summarize",
    "count",
    "take",
    "limit",
    "top",
    "sort",
    "order",
    "distinct",
    "join",
    "lookup",
    "union",
    "mv-expand",
    "mvexpand",
    "parse",
    "parse-where",
    "make-series",
    "search",
    "as",
    "getschema",
    "render",
    "serialize",
    "print",
    "range",
    "datatable",
];

/// Valid KQL operators this offline engine does not run, with why.
const UNSUPPORTED_OPERATORS: [(&str, &str); 20] = [
    ("externaldata", "reads files from storage URLs and is not available offline"),
    ("evaluate", "plugins are not supported by this engine"),
    ("find", "is not supported by this engine (use `search` or `union`)"),
    ("invoke", "is not supported by this engine (call the function directly)"),
    ("facet", "is not supported by this engine"),
    ("fork", "is not supported by this engine"),
    ("partition", "is not supported by this engine"),
    ("scan", "is not supported by this engine"),
    ("reduce", "is not supported by this engine"),
    ("sample", "is not supported by this engine (use `take`)"),
    ("sample-distinct", "is not supported by this engine"),
    ("top-nested", "is not supported by this engine"),
    ("top-hitters", "is not supported by this engine"),
    ("mv-apply", "is not supported by this engine"),
    ("make-graph", "is not supported by this engine"),
    ("graph-match", "is not supported by this engine"),
    ("parse-kv", "is not supported by this engine"),
    ("consume", "is not supported by this engine"),
    ("project-smart", "is not supported by this engine"),
    ("lookup-kv", "is not supported by this engine"),
];

/// Functions that address other clusters, workspaces or apps.
const REMOTE_SOURCES: [&str; 5] = ["cluster", "database", "workspace", "app", "adx"];

/// Parses a whole query text (parameters already substituted).
pub fn parse(text: &str) -> Result<Script, QueryError> {
    let tokens = tokenize(text)?;
    let mut parser = Parser { text, tokens, pos: 0, depth: 0, scopes: vec![HashMap::new()], last_end: 0 };
    parser.script()
}

/// What a `let` name stands for, to tell tabular from scalar uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Binding {
    Scalar,
    Tabular,
    ScalarFn,
    TabularFn,
}

struct Parser<'a> {
    text: &'a str,
    tokens: Vec<Token>,
    pos: usize,
    depth: usize,
    scopes: Vec<HashMap<String, Binding>>,
    /// End of the last consumed token (node spans end here).
    last_end: usize,
}

type PResult<T> = Result<T, QueryError>;

/// The shape of a comparison-level operator found at the cursor.
enum CmpOp {
    Binary(BinaryOp),
    List(ListOp),
    Between { negated: bool },
}

impl Parser<'_> {
    // ---- token access ----

    fn peek(&self) -> &Token {
        self.peek_at(0)
    }

    fn peek_at(&self, n: usize) -> &Token {
        let last = self.tokens.len().saturating_sub(1);
        &self.tokens[self.pos.saturating_add(n).min(last)]
    }

    fn tok_at(&self, n: usize) -> &Tok {
        &self.peek_at(n).tok
    }

    fn advance(&mut self) -> Token {
        let token = self.peek().clone();
        if token.tok != Tok::Eof {
            self.pos += 1;
            self.last_end = token.span.end;
        }
        token
    }

    fn start(&self) -> usize {
        self.peek().span.start
    }

    fn span_from(&self, start: usize) -> Span {
        Span::new(start, self.last_end.max(start))
    }

    fn is_sym_at(&self, n: usize, sym: &str) -> bool {
        matches!(self.tok_at(n), Tok::Sym(s) if *s == sym)
    }

    fn is_sym(&self, sym: &str) -> bool {
        self.is_sym_at(0, sym)
    }

    fn eat_sym(&mut self, sym: &str) -> bool {
        if self.is_sym(sym) {
            self.advance();
            true
        } else {
            false
        }
    }

    fn is_word_at(&self, n: usize, word: &str) -> bool {
        matches!(self.tok_at(n), Tok::Ident(w) if w == word)
    }

    fn is_word(&self, word: &str) -> bool {
        self.is_word_at(0, word)
    }

    fn eat_word(&mut self, word: &str) -> bool {
        if self.is_word(word) {
            self.advance();
            true
        } else {
            false
        }
    }

    fn word_at(&self, n: usize) -> Option<&str> {
        match self.tok_at(n) {
            Tok::Ident(w) => Some(w),
            _ => None,
        }
    }

    /// Whether tokens `n` and `n + 1` touch (no space between).
    fn adjacent(&self, n: usize) -> bool {
        self.peek_at(n).span.end == self.peek_at(n + 1).span.start
    }

    fn at_end_of_tabular(&self) -> bool {
        matches!(self.tok_at(0), Tok::Eof | Tok::Sym("|" | ";" | ")" | "}"))
    }

    /// How a token reads in an error message.
    fn describe(&self, token: &Token) -> String {
        match &token.tok {
            Tok::Ident(w) => format!("`{w}`"),
            Tok::Number(n) => format!("`{n}`"),
            Tok::Timespan(_) | Tok::TypedLiteral { .. } => format!("`{}`", token.span.text(self.text)),
            Tok::Str(s) => {
                let short: String = s.chars().take(20).collect();
                format!("string \"{short}{}\"", if s.chars().count() > 20 { "..." } else { "" })
            }
            Tok::Sym(s) => format!("`{s}`"),
            Tok::Comment => "a comment".to_string(),
            Tok::Error(m) => m.clone(),
            Tok::Eof => "the end of the query".to_string(),
        }
    }

    fn error_here(&self, expected: &str) -> QueryError {
        let token = self.peek();
        QueryError::syntax(token.span, format!("expected {expected}, found {}", self.describe(token)))
    }

    fn expect_sym(&mut self, sym: &str, expected: &str) -> PResult<Span> {
        if self.is_sym(sym) { Ok(self.advance().span) } else { Err(self.error_here(expected)) }
    }

    fn expect_word(&mut self, word: &str, expected: &str) -> PResult<Span> {
        if self.is_word(word) { Ok(self.advance().span) } else { Err(self.error_here(expected)) }
    }

    /// Runs `f` one nesting level deeper, refusing past [`MAX_DEPTH`].
    fn nested<T>(&mut self, f: impl FnOnce(&mut Self) -> PResult<T>) -> PResult<T> {
        if self.depth >= MAX_DEPTH {
            return Err(QueryError::limit(self.peek().span, format!("the query nests deeper than {MAX_DEPTH} levels")));
        }
        self.depth += 1;
        let result = f(self);
        self.depth -= 1;
        result
    }

    // ---- names and bindings ----

    fn lookup(&self, name: &str) -> Option<Binding> {
        self.scopes.iter().rev().find_map(|scope| scope.get(name).copied())
    }

    fn bind(&mut self, name: &str, binding: Binding) {
        if let Some(scope) = self.scopes.last_mut() {
            scope.insert(name.to_string(), binding);
        }
    }

    /// An identifier or a quoted name `['Col Name']` / `["x"]`.
    fn is_name_at(&self, n: usize) -> bool {
        match self.tok_at(n) {
            Tok::Ident(_) => true,
            Tok::Sym("[") => matches!(self.tok_at(n + 1), Tok::Str(_)) && self.is_sym_at(n + 2, "]"),
            _ => false,
        }
    }

    fn name(&mut self, expected: &str) -> PResult<Ident> {
        match self.tok_at(0).clone() {
            Tok::Ident(w) => {
                let span = self.advance().span;
                Ok(Ident { name: w, span })
            }
            Tok::Sym("[") if self.is_name_at(0) => {
                let start = self.start();
                self.advance();
                let Tok::Str(s) = self.advance().tok else {
                    return Err(self.error_here(expected));
                };
                self.advance();
                Ok(Ident { name: s, span: self.span_from(start) })
            }
            _ => Err(self.error_here(expected)),
        }
    }

    /// A name that may hold `*` wildcards (`VM*`, `*Ip`, `Links*ed`): adjacent words and `*`s.
    fn name_pattern(&mut self, expected: &str) -> PResult<Ident> {
        if self.is_sym("[") {
            return self.name(expected);
        }
        let start = self.start();
        let mut text = String::new();
        loop {
            match self.tok_at(0) {
                Tok::Ident(w) => text.push_str(w),
                Tok::Sym("*") => text.push('*'),
                _ => break,
            }
            let joined = self.adjacent(0);
            self.advance();
            if !joined || !matches!(self.tok_at(0), Tok::Ident(_) | Tok::Sym("*")) {
                break;
            }
        }
        if text.is_empty() {
            return Err(self.error_here(expected));
        }
        Ok(Ident { name: text, span: self.span_from(start) })
    }

    /// A type name (`long`, `string`, `typeof(long)` written bare).
    fn type_name(&mut self) -> PResult<Type> {
        let token = self.peek().clone();
        match &token.tok {
            Tok::Ident(w) => match Type::from_name(w) {
                Some(ty) => {
                    self.advance();
                    Ok(ty)
                }
                None => Err(QueryError::syntax(
                    token.span,
                    format!(
                        "unknown type `{w}` (expected bool, int, long, real, decimal, string, datetime, timespan, guid or dynamic)"
                    ),
                )),
            },
            _ => Err(self.error_here("a type name")),
        }
    }

    /// Whether the text at token `n` is a tabular expression, judged from its first tokens
    /// and the `let` names in scope; `unknown_is_table` says whether a lone unknown name is
    /// a table (in `let x = T`) or a column (in `in (Computer)`).
    fn looks_tabular(&self, n: usize, unknown_is_table: bool) -> bool {
        let mut n = n;
        let mut opened = 0;
        while self.is_sym_at(n, "(") && opened < MAX_DEPTH {
            n += 1;
            opened += 1;
        }
        let Tok::Ident(word) = self.tok_at(n) else {
            return false;
        };
        let next_is = |sym: &str| self.is_sym_at(n + 1, sym);
        match word.as_str() {
            "datatable" | "materialize" | "externaldata" | "table" => return next_is("("),
            "print" | "union" | "search" | "evaluate" | "find" => return true,
            "range" => return matches!(self.tok_at(n + 1), Tok::Ident(_)) && self.is_word_at(n + 2, "from"),
            w if REMOTE_SOURCES.contains(&w) && next_is("(") => return true,
            _ => {}
        }
        match self.lookup(word) {
            Some(Binding::Tabular | Binding::TabularFn) => true,
            Some(Binding::Scalar | Binding::ScalarFn) => false,
            None => {
                if next_is("|") {
                    return true;
                }
                if next_is("*") && self.adjacent(n) {
                    // A table wildcard `VM*` followed by the end or a pipe.
                    return matches!(self.tok_at(n + 2), Tok::Sym("|" | ")" | ";" | ",") | Tok::Eof);
                }
                unknown_is_table && matches!(self.tok_at(n + 1), Tok::Sym(";" | ")" | "," | "}") | Tok::Eof)
            }
        }
    }

    // ---- statements ----

    fn script(&mut self) -> PResult<Script> {
        let mut statements = Vec::new();
        loop {
            while self.eat_sym(";") {}
            if matches!(self.tok_at(0), Tok::Eof) {
                break;
            }
            statements.push(self.statement()?);
            if matches!(self.tok_at(0), Tok::Eof) {
                break;
            }
            if !self.is_sym(";") {
                if let Some(Statement::Let(l)) = statements.last() {
                    let token = self.peek();
                    return Err(QueryError::syntax(
                        token.span,
                        format!("expected `;` after `let {} = ...`, found {}", l.name.name, self.describe(token)),
                    ));
                }
                return Err(self.after_statement_error());
            }
        }
        if statements.is_empty() {
            return Err(QueryError::syntax(self.peek().span, "the query is empty"));
        }
        if !statements.iter().any(|s| matches!(s, Statement::Query(_))) {
            let message = if statements.iter().any(|s| matches!(s, Statement::Let(_))) {
                "the query has no statement after its `let`s"
            } else {
                "the query has no tabular statement"
            };
            return Err(QueryError::syntax(self.peek().span, message));
        }
        let end = self.last_end;
        Ok(Script { statements, span: Span::new(0, end) })
    }

    fn after_statement_error(&self) -> QueryError {
        let token = self.peek();
        if let Tok::Ident(w) = &token.tok
            && OPERATORS.contains(&w.as_str())
        {
            return QueryError::syntax(token.span, format!("expected `|` before `{w}`"));
        }
        if self.is_sym("(") {
            return QueryError::syntax(token.span, "expected `|` or `;`, found `(`");
        }
        QueryError::syntax(
            token.span,
            format!(
                "expected `|`, `;` or the end of the query, found {}{}",
                self.describe(token),
                typo_hint(&token.tok)
            ),
        )
    }

    fn statement(&mut self) -> PResult<Statement> {
        let start = self.start();
        if self.is_word("let") && self.is_name_at(1) {
            return Ok(Statement::Let(self.let_stmt()?));
        }
        if self.is_word("set") && matches!(self.tok_at(1), Tok::Ident(_)) {
            self.advance();
            let name = self.name("a request property name after `set`")?;
            let value = if self.eat_sym("=") { Some(self.expr()?) } else { None };
            return Ok(Statement::Set { name, value, span: self.span_from(start) });
        }
        if self.is_word("declare") && self.is_word_at(1, "query_parameters") {
            return Err(QueryError::unsupported(
                self.peek().span.to(self.peek_at(1).span),
                "`declare query_parameters` is not supported: write the values as workbook parameters ({Name}) instead",
            ));
        }
        if (self.is_word("declare") && self.is_word_at(1, "pattern"))
            || (self.is_word("alias") && self.is_word_at(1, "database"))
        {
            let words = format!("{} {}", self.word_at(0).unwrap_or(""), self.word_at(1).unwrap_or(""));
            return Err(QueryError::unsupported(
                self.peek().span.to(self.peek_at(1).span),
                format!("`{words}` statements are not supported by this engine"),
            ));
        }
        Ok(Statement::Query(self.tabular()?))
    }

    fn let_stmt(&mut self) -> PResult<LetStmt> {
        let start = self.start();
        self.advance(); // let
        let name = self.name("a name after `let`")?;
        self.expect_sym("=", &format!("`=` after `let {}`", name.name))?;
        let value = self.let_value()?;
        let binding = match &value {
            LetValue::Scalar(_) => Binding::Scalar,
            LetValue::Tabular(_) => Binding::Tabular,
            LetValue::Function(f) => match f.body.result {
                FunctionResult::Scalar(_) => Binding::ScalarFn,
                FunctionResult::Tabular(_) => Binding::TabularFn,
            },
        };
        self.bind(&name.name, binding);
        Ok(LetStmt { name, value, span: self.span_from(start) })
    }

    fn let_value(&mut self) -> PResult<LetValue> {
        if self.is_word("view") && self.is_sym_at(1, "(") {
            let start = self.start();
            self.advance();
            return Ok(LetValue::Function(self.function_def(start, true)?));
        }
        if self.is_function_def() {
            let start = self.start();
            return Ok(LetValue::Function(self.function_def(start, false)?));
        }
        if self.looks_tabular(0, true) {
            Ok(LetValue::Tabular(self.tabular()?))
        } else {
            let expr = self.expr()?;
            if self.is_sym("|") {
                return Err(QueryError::syntax(
                    self.peek().span,
                    "`|` after a scalar value: a `let` holding a query must start with a table, a tabular `let` name or a tabular source",
                ));
            }
            Ok(LetValue::Scalar(expr))
        }
    }

    /// `(` `)` `{` or `(` name `:` starts a function definition.
    fn is_function_def(&self) -> bool {
        if !self.is_sym("(") {
            return false;
        }
        (self.is_sym_at(1, ")") && self.is_sym_at(2, "{")) || (self.is_name_at(1) && self.is_sym_at(2, ":"))
    }

    fn function_def(&mut self, start: usize, is_view: bool) -> PResult<FunctionDef> {
        self.nested(|p| p.function_def_inner(start, is_view))
    }

    fn function_def_inner(&mut self, start: usize, is_view: bool) -> PResult<FunctionDef> {
        self.expect_sym("(", "`(` to start the parameter list")?;
        let mut params = Vec::new();
        if !self.is_sym(")") {
            loop {
                params.push(self.param()?);
                if !self.eat_sym(",") {
                    break;
                }
            }
        }
        self.expect_sym(")", "`,` or `)` in the parameter list")?;
        let body_start = self.start();
        self.expect_sym("{", "`{` to start the function body")?;
        self.scopes.push(HashMap::new());
        for p in &params {
            let binding = match p.ty {
                ParamType::Scalar(_) => Binding::Scalar,
                ParamType::Tabular { .. } => Binding::Tabular,
            };
            self.bind(&p.name.name, binding);
        }
        let body = self.function_body(body_start);
        self.scopes.pop();
        let body = body?;
        Ok(FunctionDef { params, body, is_view, span: self.span_from(start) })
    }

    fn param(&mut self) -> PResult<Param> {
        let start = self.start();
        let name = self.name("a parameter name")?;
        self.expect_sym(":", &format!("`:` and a type after parameter `{}`", name.name))?;
        let ty = if self.is_sym("(") {
            self.advance();
            let mut columns = Vec::new();
            let mut any = false;
            loop {
                if self.eat_sym("*") {
                    any = true;
                } else {
                    columns.push(self.column_decl()?);
                }
                if !self.eat_sym(",") {
                    break;
                }
            }
            self.expect_sym(")", "`,` or `)` in the tabular parameter's schema")?;
            ParamType::Tabular { columns, any }
        } else {
            ParamType::Scalar(self.type_name()?)
        };
        let default = if self.eat_sym("=") { Some(self.expr()?) } else { None };
        Ok(Param { name, ty, default, span: self.span_from(start) })
    }

    fn function_body(&mut self, start: usize) -> PResult<FunctionBody> {
        let mut lets = Vec::new();
        loop {
            while self.eat_sym(";") {}
            if self.is_word("let") && self.is_name_at(1) {
                lets.push(self.let_stmt()?);
                continue;
            }
            break;
        }
        let result = if self.looks_tabular(0, true) {
            FunctionResult::Tabular(self.tabular()?)
        } else {
            FunctionResult::Scalar(self.expr()?)
        };
        while self.eat_sym(";") {}
        self.expect_sym("}", "`}` to close the function body")?;
        Ok(FunctionBody { lets, result, span: self.span_from(start) })
    }

    fn column_decl(&mut self) -> PResult<ColumnDecl> {
        let start = self.start();
        let name = self.name("a column name")?;
        self.expect_sym(":", &format!("`:` and a type after column `{}`", name.name))?;
        let ty = self.type_name()?;
        Ok(ColumnDecl { name, ty, span: self.span_from(start) })
    }

    // ---- tabular expressions ----

    fn tabular(&mut self) -> PResult<TabularExpr> {
        self.nested(|p| {
            let start = p.start();
            let source = p.source()?;
            let mut ops = Vec::new();
            while p.eat_sym("|") {
                ops.push(p.operator()?);
                if !p.at_end_of_tabular() {
                    return Err(p.after_operator_error(ops.last()));
                }
            }
            Ok(TabularExpr { source, ops, span: p.span_from(start) })
        })
    }

    fn after_operator_error(&self, op: Option<&Operator>) -> QueryError {
        let token = self.peek();
        if let Tok::Ident(w) = &token.tok
            && OPERATORS.contains(&w.as_str())
        {
            return QueryError::syntax(token.span, format!("expected `|` before `{w}`"));
        }
        let what = match op.map(|o| &o.kind) {
            Some(OpKind::Summarize(s)) if s.by.is_empty() => "`,`, `by` or `|` after the aggregation",
            Some(OpKind::Summarize(_)) => "`,` or `|` after the group key",
            Some(OpKind::Project(_) | OpKind::Extend(_)) => "`,` or `|` after the column",
            Some(OpKind::Sort(_) | OpKind::Top { .. }) => "`asc`, `desc`, `nulls`, `,` or `|` after the sort key",
            _ => "`|` or the end of the query",
        };
        QueryError::syntax(
            token.span,
            format!("expected {what}, found {}{}", self.describe(token), typo_hint(&token.tok)),
        )
    }

    fn source(&mut self) -> PResult<Source> {
        let start = self.start();
        if self.is_sym("(") {
            self.advance();
            let inner = self.tabular()?;
            self.expect_sym(")", "`|` or `)` to close the sub-query")?;
            return Ok(Source::Paren(Box::new(inner)));
        }
        if self.is_sym("[") && self.is_name_at(0) {
            return Ok(Source::Table(self.name("a table name")?));
        }
        let Some(word) = self.word_at(0).map(str::to_string) else {
            return Err(
                self.error_here("a table name or a tabular source (`datatable`, `print`, `range`, `union`, ...)")
            );
        };
        let next_paren = self.is_sym_at(1, "(");
        match word.as_str() {
            "datatable" if next_paren => return self.datatable().map(Source::Datatable),
            "print" => return self.print().map(Source::Print),
            "range" if matches!(self.tok_at(1), Tok::Ident(_)) && self.is_word_at(2, "from") => {
                return self.range().map(Source::Range);
            }
            "union" => {
                self.advance();
                return self.union_body(start).map(Source::Union);
            }
            "search" => {
                self.advance();
                return self.search_body(start).map(Source::Search);
            }
            "materialize" if next_paren => {
                self.advance();
                self.advance();
                let inner = self.tabular()?;
                self.expect_sym(")", "`|` or `)` to close `materialize(`")?;
                return Ok(Source::Materialize(Box::new(inner), self.span_from(start)));
            }
            "let" => {
                return Err(QueryError::syntax(
                    self.peek().span,
                    "a `let` statement must end with `;` before the next statement",
                ));
            }
            w if REMOTE_SOURCES.contains(&w) && next_paren => {
                return Err(QueryError::unsupported(
                    self.peek().span,
                    format!("`{w}()` addresses another cluster, workspace or app: not available offline"),
                ));
            }
            w => {
                if let Some((_, why)) = UNSUPPORTED_OPERATORS.iter().find(|(name, _)| *name == w) {
                    return Err(QueryError::unsupported(self.peek().span, format!("`{w}` {why}")));
                }
            }
        }
        // A name followed by `(` at a source position calls a user function or view.
        if next_paren {
            let name = self.name("a function name")?;
            let args = self.call_args()?;
            return Ok(Source::Call { name, args, span: self.span_from(start) });
        }
        let name = self.name_pattern("a table name")?;
        Ok(Source::Table(name))
    }

    /// The operator name after `|`, with its `-` parts joined (`project-away`).
    fn operator_name(&mut self) -> PResult<Ident> {
        let start = self.start();
        let Tok::Ident(first) = self.tok_at(0).clone() else {
            return Err(self.error_here("a tabular operator after `|`"));
        };
        let mut name = first;
        self.advance();
        while self.is_sym("-")
            && self.peek_at(0).span.start == self.last_end
            && self.adjacent(0)
            && matches!(self.tok_at(1), Tok::Ident(_))
        {
            let Some(part) = self.word_at(1).map(str::to_string) else {
                break;
            };
            name.push('-');
            name.push_str(&part);
            self.advance();
            self.advance();
        }
        Ok(Ident { name, span: self.span_from(start) })
    }

    fn operator(&mut self) -> PResult<Operator> {
        let start = self.start();
        let name = self.operator_name()?;
        let kind = match name.name.as_str() {
            "where" | "filter" => OpKind::Where(self.expr()?),
            "project" => OpKind::Project(self.named_list("a column or `Name = expression` after `project`")?),
            "project-away" => OpKind::ProjectAway(self.pattern_list("a column name after `project-away`")?),
            "project-keep" => OpKind::ProjectKeep(self.pattern_list("a column name after `project-keep`")?),
            "project-rename" => OpKind::ProjectRename(self.renames()?),
            "project-reorder" => OpKind::ProjectReorder(self.reorder_keys()?),
            "extend" => OpKind::Extend(self.named_list("`Name = expression` after `extend`")?),
            "summarize" => OpKind::Summarize(self.summarize(start)?),
            "count" => OpKind::Count,
            "take" | "limit" => OpKind::Take(self.expr()?),
            "top" => {
                let count = self.expr()?;
                self.expect_word("by", "`by` after the number of rows of `top`")?;
                OpKind::Top { count, by: self.sort_keys()? }
            }
            "sort" | "order" => {
                self.expect_word("by", &format!("`by` after `{}`", name.name))?;
                OpKind::Sort(self.sort_keys()?)
            }
            "distinct" => OpKind::Distinct(self.distinct()?),
            "join" => OpKind::Join(self.join(start)?),
            "lookup" => OpKind::Lookup(self.lookup_op(start)?),
            "union" => OpKind::Union(self.union_body(start)?),
            "mv-expand" | "mvexpand" => OpKind::MvExpand(self.mv_expand(start)?),
            "parse" => OpKind::Parse(self.parse_op(start, false)?),
            "parse-where" => OpKind::Parse(self.parse_op(start, true)?),
            "make-series" => OpKind::MakeSeries(self.make_series(start)?),
            "search" => OpKind::Search(self.search_body(start)?),
            "as" => {
                self.skip_hints()?;
                let alias = self.name("a name after `as`")?;
                self.bind(&alias.name, Binding::Tabular);
                OpKind::As(alias)
            }
            "getschema" => OpKind::GetSchema,
            "render" => OpKind::Render(self.render(start)?),
            "serialize" => {
                let items = if self.at_end_of_tabular() {
                    Vec::new()
                } else {
                    self.named_list("`Name = expression` after `serialize`")?
                };
                OpKind::Serialize(items)
            }
            other => {
                if let Some((_, why)) = UNSUPPORTED_OPERATORS.iter().find(|(n, _)| *n == other) {
                    return Err(QueryError::unsupported(name.span, format!("`{other}` {why}")));
                }
                let hint =
                    did_you_mean(other, &OPERATORS).map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default();
                return Err(QueryError::syntax(name.span, format!("unknown tabular operator `{other}`{hint}")));
            }
        };
        Ok(Operator { kind, span: self.span_from(start) })
    }

    /// `hint.strategy=shuffle`, `hint.remote=auto`, ...: accepted and ignored.
    fn skip_hints(&mut self) -> PResult<()> {
        while self.is_word("hint") && self.is_sym_at(1, ".") {
            self.advance();
            self.advance();
            self.name("a hint name after `hint.`")?;
            self.expect_sym("=", "`=` after the hint name")?;
            self.advance_value("a hint value")?;
        }
        Ok(())
    }

    /// One word, number or string as an operator parameter's value.
    fn advance_value(&mut self, expected: &str) -> PResult<Token> {
        match self.tok_at(0) {
            Tok::Ident(_) | Tok::Number(_) | Tok::Str(_) => Ok(self.advance()),
            _ => Err(self.error_here(expected)),
        }
    }

    /// `name=value` operator parameters (`kind=inner`, `withsource=T`): the lowercase name
    /// and the value token, while the cursor is at `word =`.
    fn operator_param(&mut self, names: &[&str]) -> PResult<Option<(String, Token)>> {
        self.skip_hints()?;
        let Some(word) = self.word_at(0) else {
            return Ok(None);
        };
        if !names.contains(&word) || !self.is_sym_at(1, "=") {
            return Ok(None);
        }
        let word = word.to_string();
        self.advance();
        self.advance();
        let value = self.advance_value(&format!("a value after `{word}=`"))?;
        Ok(Some((word, value)))
    }

    fn token_word(token: &Token) -> String {
        match &token.tok {
            Tok::Ident(w) | Tok::Number(w) | Tok::Str(w) => w.clone(),
            _ => String::new(),
        }
    }

    // ---- operators ----

    fn named_list(&mut self, expected: &str) -> PResult<Vec<NamedExpr>> {
        let mut items = Vec::new();
        loop {
            items.push(self.named_expr(expected)?);
            if !self.eat_sym(",") {
                break;
            }
        }
        Ok(items)
    }

    /// `expr`, `Name = expr` or `(A, B) = expr`.
    fn named_expr(&mut self, expected: &str) -> PResult<NamedExpr> {
        let start = self.start();
        let mut names = Vec::new();
        if self.is_name_at(0) {
            let width = if self.is_sym("[") { 3 } else { 1 };
            if self.is_sym_at(width, "=") {
                names.push(self.name(expected)?);
                self.advance();
            }
        } else if self.is_sym("(") && self.is_tuple_target() {
            self.advance();
            loop {
                names.push(self.name("a column name in the `( ... ) =` list")?);
                if !self.eat_sym(",") {
                    break;
                }
            }
            self.expect_sym(")", "`,` or `)`")?;
            self.expect_sym("=", "`=` after the `( ... )` names")?;
        }
        if self.at_end_of_tabular() || self.is_sym(",") {
            return Err(self.error_here(expected));
        }
        let expr = self.expr()?;
        Ok(NamedExpr { names, expr, span: self.span_from(start) })
    }

    /// `( name, name ) =` at the cursor.
    fn is_tuple_target(&self) -> bool {
        let mut n = 1;
        loop {
            if !matches!(self.tok_at(n), Tok::Ident(_)) {
                return false;
            }
            n += 1;
            if self.is_sym_at(n, ",") {
                n += 1;
                continue;
            }
            return self.is_sym_at(n, ")") && self.is_sym_at(n + 1, "=");
        }
    }

    fn pattern_list(&mut self, expected: &str) -> PResult<Vec<Ident>> {
        let mut items = Vec::new();
        loop {
            items.push(self.name_pattern(expected)?);
            if !self.eat_sym(",") {
                break;
            }
        }
        Ok(items)
    }

    fn renames(&mut self) -> PResult<Vec<Rename>> {
        let mut items = Vec::new();
        loop {
            let start = self.start();
            let new = self.name("`NewName = OldName` after `project-rename`")?;
            self.expect_sym("=", &format!("`=` and the old name after `{}`", new.name))?;
            let old = self.name("the column to rename")?;
            items.push(Rename { new, old, span: self.span_from(start) });
            if !self.eat_sym(",") {
                break;
            }
        }
        Ok(items)
    }

    fn reorder_keys(&mut self) -> PResult<Vec<ReorderKey>> {
        let mut items = Vec::new();
        loop {
            let start = self.start();
            let column = self.name_pattern("a column name after `project-reorder`")?;
            let order = if self.eat_word("asc") {
                Some(ReorderOrder::Asc)
            } else if self.eat_word("desc") {
                Some(ReorderOrder::Desc)
            } else if self.is_word("granny") && self.is_sym_at(1, "-") {
                self.advance();
                self.advance();
                if self.eat_word("asc") {
                    Some(ReorderOrder::GrannyAsc)
                } else {
                    self.expect_word("desc", "`asc` or `desc` after `granny-`")?;
                    Some(ReorderOrder::GrannyDesc)
                }
            } else {
                None
            };
            items.push(ReorderKey { column, order, span: self.span_from(start) });
            if !self.eat_sym(",") {
                break;
            }
        }
        Ok(items)
    }

    fn summarize(&mut self, start: usize) -> PResult<Summarize> {
        self.skip_hints()?;
        let aggregates = if self.is_word("by") || self.at_end_of_tabular() {
            Vec::new()
        } else {
            self.named_list("an aggregation (`count()`, `Name = sum(x)`, ...) after `summarize`")?
        };
        let by = if self.eat_word("by") { self.named_list("a group key after `by`")? } else { Vec::new() };
        if aggregates.is_empty() && by.is_empty() {
            return Err(self.error_here("an aggregation or `by` after `summarize`"));
        }
        Ok(Summarize { aggregates, by, span: self.span_from(start) })
    }

    fn sort_keys(&mut self) -> PResult<Vec<SortKey>> {
        let mut keys = Vec::new();
        loop {
            let start = self.start();
            let expr = self.expr()?;
            let order = if self.eat_word("asc") {
                Some(SortOrder::Asc)
            } else if self.eat_word("desc") {
                Some(SortOrder::Desc)
            } else {
                None
            };
            let nulls = if self.eat_word("nulls") {
                if self.eat_word("first") {
                    Some(NullsOrder::First)
                } else {
                    self.expect_word("last", "`first` or `last` after `nulls`")?;
                    Some(NullsOrder::Last)
                }
            } else {
                None
            };
            keys.push(SortKey { expr, order, nulls, span: self.span_from(start) });
            if !self.eat_sym(",") {
                break;
            }
        }
        Ok(keys)
    }

    fn distinct(&mut self) -> PResult<Distinct> {
        self.skip_hints()?;
        if self.is_sym("*") {
            self.advance();
            return Ok(Distinct { columns: Vec::new(), all: true });
        }
        let mut columns = Vec::new();
        loop {
            columns.push(self.name("a column name or `*` after `distinct`")?);
            if !self.eat_sym(",") {
                break;
            }
        }
        Ok(Distinct { columns, all: false })
    }

    /// The right side of `join` / `lookup`: `( tabular )` or a table / `let` name.
    fn right_side(&mut self, op: &str) -> PResult<TabularExpr> {
        let start = self.start();
        if self.is_sym("(") {
            self.advance();
            let inner = self.tabular()?;
            self.expect_sym(")", &format!("`|` or `)` to close the right side of `{op}`"))?;
            return Ok(inner);
        }
        if !self.is_name_at(0) {
            return Err(self.error_here(&format!("`(` or a table name for the right side of `{op}`")));
        }
        let source = self.source()?;
        Ok(TabularExpr { source, ops: Vec::new(), span: self.span_from(start) })
    }

    fn join(&mut self, start: usize) -> PResult<Join> {
        let mut kind = JoinKind::InnerUnique;
        let mut kind_span = None;
        while let Some((param, value)) = self.operator_param(&["kind", "withsource"])? {
            if param == "kind" {
                let text = Self::token_word(&value);
                kind = JoinKind::from_name(&text).ok_or_else(|| {
                    let hint = did_you_mean(&text, &JoinKind::NAMES)
                        .map(|s| format!(" (did you mean `{s}`?)"))
                        .unwrap_or_default();
                    QueryError::syntax(
                        value.span,
                        format!("unknown join kind `{text}`{hint}: expected one of {}", JoinKind::NAMES.join(", ")),
                    )
                })?;
                kind_span = Some(value.span);
            }
        }
        let right = self.right_side("join")?;
        self.expect_word("on", "`on` and the join keys after the right side of `join`")?;
        let on = self.join_keys("join")?;
        Ok(Join { kind, kind_span, right: Box::new(right), on, span: self.span_from(start) })
    }

    fn lookup_op(&mut self, start: usize) -> PResult<Lookup> {
        let mut kind = LookupKind::LeftOuter;
        while let Some((_, value)) = self.operator_param(&["kind"])? {
            kind = match Self::token_word(&value).to_ascii_lowercase().as_str() {
                "leftouter" => LookupKind::LeftOuter,
                "inner" => LookupKind::Inner,
                other => {
                    return Err(QueryError::syntax(
                        value.span,
                        format!("unknown lookup kind `{other}`: expected `leftouter` or `inner`"),
                    ));
                }
            };
        }
        let right = self.right_side("lookup")?;
        self.expect_word("on", "`on` and the keys after the right side of `lookup`")?;
        let on = self.join_keys("lookup")?;
        Ok(Lookup { kind, right: Box::new(right), on, span: self.span_from(start) })
    }

    fn join_keys(&mut self, op: &str) -> PResult<Vec<JoinKey>> {
        let mut keys = Vec::new();
        loop {
            keys.push(self.join_key(op)?);
            if !(self.eat_sym(",") || self.eat_word("and")) {
                break;
            }
        }
        Ok(keys)
    }

    fn side_column(&mut self) -> Option<PResult<(Side, Ident)>> {
        let side = match self.word_at(0) {
            Some("$left") => Side::Left,
            Some("$right") => Side::Right,
            _ => return None,
        };
        self.advance();
        Some(
            self.expect_sym(".", "`.` and a column name after `$left`/`$right`")
                .and_then(|_| self.name("a column name after `$left.`/`$right.`"))
                .map(|column| (side, column)),
        )
    }

    fn join_key(&mut self, op: &str) -> PResult<JoinKey> {
        let start = self.start();
        let expected = format!("a column name or `$left.Column == $right.Column` after `{op} ... on`");
        let Some(first) = self.side_column() else {
            return Ok(JoinKey::Same(self.name(&expected)?));
        };
        let (first_side, first_col) = first?;
        self.expect_sym("==", "`==` between `$left.Column` and `$right.Column`")?;
        let Some(second) = self.side_column() else {
            return Err(self.error_here("`$left.Column` or `$right.Column` after `==`"));
        };
        let (second_side, second_col) = second?;
        let span = self.span_from(start);
        match (first_side, second_side) {
            (Side::Left, Side::Right) => Ok(JoinKey::LeftRight { left: first_col, right: second_col, span }),
            (Side::Right, Side::Left) => Ok(JoinKey::LeftRight { left: second_col, right: first_col, span }),
            _ => Err(QueryError::syntax(span, "a join condition compares `$left.Column` with `$right.Column`")),
        }
    }

    fn union_body(&mut self, start: usize) -> PResult<Union> {
        let mut kind = UnionKind::Outer;
        let mut with_source = None;
        let mut is_fuzzy = false;
        while let Some((param, value)) = self.operator_param(&["kind", "withsource", "isfuzzy"])? {
            let text = Self::token_word(&value);
            match param.as_str() {
                "kind" => {
                    kind = match text.to_ascii_lowercase().as_str() {
                        "inner" => UnionKind::Inner,
                        "outer" => UnionKind::Outer,
                        _ => {
                            return Err(QueryError::syntax(
                                value.span,
                                format!("unknown union kind `{text}`: expected `inner` or `outer`"),
                            ));
                        }
                    }
                }
                "withsource" => with_source = Some(Ident { name: text, span: value.span }),
                _ => {
                    is_fuzzy = match text.to_ascii_lowercase().as_str() {
                        "true" => true,
                        "false" => false,
                        _ => return Err(QueryError::syntax(value.span, "expected `true` or `false` after `isfuzzy=`")),
                    }
                }
            }
        }
        let mut tables = Vec::new();
        loop {
            let leg_start = self.start();
            if self.is_sym("(") {
                self.advance();
                let inner = self.tabular()?;
                self.expect_sym(")", "`|` or `)` to close the `union` sub-query")?;
                tables.push(TabularExpr {
                    source: Source::Paren(Box::new(inner)),
                    ops: Vec::new(),
                    span: self.span_from(leg_start),
                });
            } else if self.is_name_at(0) || self.is_sym("*") {
                let source = if matches!(self.tok_at(0), Tok::Ident(_)) && self.is_sym_at(1, "(") && self.adjacent(0) {
                    let name = self.name("a function name")?;
                    let args = self.call_args()?;
                    Source::Call { name, args, span: self.span_from(leg_start) }
                } else {
                    Source::Table(self.name_pattern("a table name")?)
                };
                tables.push(TabularExpr { source, ops: Vec::new(), span: self.span_from(leg_start) });
            } else {
                return Err(self.error_here("a table name or `(` sub-query after `union`"));
            }
            if !self.eat_sym(",") {
                break;
            }
        }
        Ok(Union { kind, with_source, is_fuzzy, tables, span: self.span_from(start) })
    }

    fn mv_expand(&mut self, start: usize) -> PResult<MvExpand> {
        let mut bag_expansion = None;
        let mut with_itemindex = None;
        while let Some((param, value)) = self.operator_param(&["bagexpansion", "with_itemindex", "kind"])? {
            let text = Self::token_word(&value);
            match param.as_str() {
                "bagexpansion" | "kind" => {
                    bag_expansion = Some(match text.as_str() {
                        "bag" => BagExpansion::Bag,
                        "array" => BagExpansion::Array,
                        _ => {
                            return Err(QueryError::syntax(
                                value.span,
                                format!("expected `bag` or `array`, found `{text}`"),
                            ));
                        }
                    })
                }
                _ => with_itemindex = Some(Ident { name: text, span: value.span }),
            }
        }
        let mut items = Vec::new();
        loop {
            let item_start = self.start();
            let named = self.named_expr("a column to expand after `mv-expand`")?;
            let to_type = if self.eat_word("to") {
                self.expect_word("typeof", "`typeof(` after `to`")?;
                self.expect_sym("(", "`(` after `typeof`")?;
                let ty = self.type_name()?;
                self.expect_sym(")", "`)` after the type")?;
                Some(ty)
            } else {
                None
            };
            if named.names.len() > 1 {
                return Err(QueryError::syntax(named.span, "`mv-expand` takes one name per column"));
            }
            items.push(MvExpandItem {
                name: named.names.into_iter().next(),
                expr: named.expr,
                to_type,
                span: self.span_from(item_start),
            });
            if !self.eat_sym(",") {
                break;
            }
        }
        let limit = if self.eat_word("limit") { Some(self.expr()?) } else { None };
        Ok(MvExpand { bag_expansion, with_itemindex, items, limit, span: self.span_from(start) })
    }

    fn parse_op(&mut self, start: usize, keep_matching_only: bool) -> PResult<Parse> {
        let mut kind = ParseKind::Simple;
        let mut flags = None;
        while let Some((param, value)) = self.operator_param(&["kind", "flags"])? {
            let text = Self::token_word(&value);
            if param == "flags" {
                flags = Some(text);
                continue;
            }
            kind = match text.as_str() {
                "simple" => ParseKind::Simple,
                "regex" => ParseKind::Regex,
                "relaxed" => ParseKind::Relaxed,
                _ => {
                    return Err(QueryError::syntax(
                        value.span,
                        format!("unknown parse kind `{text}`: expected `simple`, `regex` or `relaxed`"),
                    ));
                }
            };
        }
        let source = self.expr()?;
        self.expect_word("with", "`with` and the pattern after the parsed expression")?;
        let mut pattern = Vec::new();
        while !self.at_end_of_tabular() {
            let part_start = self.start();
            match self.tok_at(0).clone() {
                Tok::Str(mut text) => {
                    self.advance();
                    while let Tok::Str(more) = self.tok_at(0).clone() {
                        self.advance();
                        text.push_str(&more);
                    }
                    pattern.push(ParsePart::Literal { text, span: self.span_from(part_start) });
                }
                Tok::Sym("*") => {
                    let span = self.advance().span;
                    pattern.push(ParsePart::Wildcard(span));
                }
                Tok::Sym(",") => {
                    self.advance();
                }
                _ if self.is_name_at(0) => {
                    let name = self.name("a column name")?;
                    let ty = if self.eat_sym(":") { Some(self.type_name()?) } else { None };
                    pattern.push(ParsePart::Column { name, ty, span: self.span_from(part_start) });
                }
                _ => return Err(self.error_here("a string, `*` or a column name in the `parse` pattern")),
            }
        }
        if pattern.is_empty() {
            return Err(self.error_here("a pattern after `with`"));
        }
        Ok(Parse { kind, flags, keep_matching_only, source, pattern, span: self.span_from(start) })
    }

    fn make_series(&mut self, start: usize) -> PResult<MakeSeries> {
        while self.operator_param(&["kind"])?.is_some() {}
        let mut aggregates = Vec::new();
        loop {
            let agg_start = self.start();
            let agg = self.named_expr("an aggregation after `make-series`")?;
            let default = if self.is_word("default") && self.is_sym_at(1, "=") {
                self.advance();
                self.advance();
                Some(self.expr()?)
            } else {
                None
            };
            aggregates.push(SeriesAggregate { agg, default, span: self.span_from(agg_start) });
            if !self.eat_sym(",") {
                break;
            }
        }
        self.expect_word("on", "`on` and the axis column after the `make-series` aggregations")?;
        let on = self.expr()?;
        let (from, to, step);
        if self.is_word("in") && self.is_word_at(1, "range") {
            self.advance();
            self.advance();
            self.expect_sym("(", "`(` after `in range`")?;
            let start_expr = self.expr()?;
            self.expect_sym(",", "`,` after the range start")?;
            let stop = self.expr()?;
            self.expect_sym(",", "`,` after the range stop")?;
            step = self.expr()?;
            self.expect_sym(")", "`)` to close `range(`")?;
            from = Some(start_expr);
            to = Some(stop);
        } else {
            from = if self.eat_word("from") { Some(self.expr()?) } else { None };
            to = if self.eat_word("to") { Some(self.expr()?) } else { None };
            self.expect_word("step", "`from`, `to` or `step` after the `make-series` axis")?;
            step = self.expr()?;
        }
        let by = if self.eat_word("by") { self.named_list("a group key after `by`")? } else { Vec::new() };
        Ok(MakeSeries { aggregates, on, from, to, step, by, span: self.span_from(start) })
    }

    fn search_body(&mut self, start: usize) -> PResult<Search> {
        let mut case_sensitive = false;
        while let Some((_, value)) = self.operator_param(&["kind"])? {
            case_sensitive = match Self::token_word(&value).as_str() {
                "case_sensitive" => true,
                "case_insensitive" => false,
                other => {
                    return Err(QueryError::syntax(
                        value.span,
                        format!("unknown search kind `{other}`: expected `case_sensitive` or `case_insensitive`"),
                    ));
                }
            };
        }
        let tables = if self.is_word("in") && self.is_sym_at(1, "(") {
            self.advance();
            self.advance();
            let mut names = Vec::new();
            loop {
                names.push(self.name_pattern("a table name in `search in (...)`")?);
                if !self.eat_sym(",") {
                    break;
                }
            }
            self.expect_sym(")", "`,` or `)` after the table names")?;
            Some(names)
        } else {
            None
        };
        let predicate = self.search_or()?;
        Ok(Search { case_sensitive, tables, predicate, span: self.span_from(start) })
    }

    fn search_or(&mut self) -> PResult<Expr> {
        self.nested(|p| {
            let mut lhs = p.search_and()?;
            while p.eat_word("or") {
                let rhs = p.search_and()?;
                let span = lhs.span.to(rhs.span);
                lhs = Expr::new(ExprKind::Binary { op: BinaryOp::Or, lhs: Box::new(lhs), rhs: Box::new(rhs) }, span);
            }
            Ok(lhs)
        })
    }

    fn search_and(&mut self) -> PResult<Expr> {
        let mut lhs = self.search_term()?;
        while self.eat_word("and") {
            let rhs = self.search_term()?;
            let span = lhs.span.to(rhs.span);
            lhs = Expr::new(ExprKind::Binary { op: BinaryOp::And, lhs: Box::new(lhs), rhs: Box::new(rhs) }, span);
        }
        Ok(lhs)
    }

    /// A search term (`"x"`, `Col:"x"`, `*`), `not(...)`, `( ... )` or an ordinary predicate.
    fn search_term(&mut self) -> PResult<Expr> {
        let start = self.start();
        match self.tok_at(0).clone() {
            Tok::Str(term) if !self.next_is_comparison(1) => {
                self.advance();
                Ok(Expr::new(ExprKind::SearchTerm { column: None, term }, self.span_from(start)))
            }
            Tok::Sym("*") => {
                self.advance();
                Ok(Expr::new(ExprKind::SearchTerm { column: None, term: "*".to_string() }, self.span_from(start)))
            }
            Tok::Sym("(") => {
                self.advance();
                let inner = self.search_or()?;
                self.expect_sym(")", "`)`")?;
                Ok(Expr::new(inner.kind, self.span_from(start)))
            }
            Tok::Ident(w) if w == "not" && self.is_sym_at(1, "(") => {
                self.advance();
                self.advance();
                let inner = self.search_or()?;
                self.expect_sym(")", "`)` to close `not(`")?;
                Ok(Expr::new(ExprKind::Unary { op: UnaryOp::Not, operand: Box::new(inner) }, self.span_from(start)))
            }
            _ if self.is_name_at(0) && self.is_sym_at(if self.is_sym("[") { 3 } else { 1 }, ":") => {
                let column = self.name("a column name")?;
                self.advance(); // :
                let Tok::Str(term) = self.tok_at(0).clone() else {
                    return Err(self.error_here("a string after `Column:` in `search`"));
                };
                self.advance();
                Ok(Expr::new(ExprKind::SearchTerm { column: Some(column), term }, self.span_from(start)))
            }
            _ => self.comparison(),
        }
    }

    fn next_is_comparison(&self, n: usize) -> bool {
        match self.tok_at(n) {
            Tok::Sym(s) => matches!(
                *s,
                "==" | "!=" | "<>" | "=~" | "!~" | "<" | "<=" | ">" | ">=" | "+" | "-" | "*" | "/" | "%" | "!"
            ),
            Tok::Ident(w) => {
                matches!(w.as_str(), "in" | "has_any" | "has_all" | "between" | "matches")
                    || StrOp::from_text(w).is_some()
            }
            _ => false,
        }
    }

    fn render(&mut self, start: usize) -> PResult<Render> {
        let chart = self.name("a chart kind after `render` (timechart, barchart, piechart, table, ...)")?;
        let mut properties = Vec::new();
        if self.eat_word("with") {
            self.expect_sym("(", "`(` after `render ... with`")?;
            if !self.is_sym(")") {
                properties = self.render_properties()?;
            }
            self.expect_sym(")", "`,` or `)` after the render property")?;
        } else if self.is_name_at(0) && self.is_sym_at(1, "=") {
            properties = self.render_properties()?;
        }
        Ok(Render { chart, properties, span: self.span_from(start) })
    }

    fn render_properties(&mut self) -> PResult<Vec<RenderProperty>> {
        let mut properties = Vec::new();
        loop {
            let start = self.start();
            let name = self.name("a render property (`title=`, `kind=`, `xtitle=`, ...)")?;
            self.expect_sym("=", &format!("`=` after `{}`", name.name))?;
            let mut values = vec![self.expr()?];
            // `ycolumns=a, b, title="x"`: a value list runs until the next `name =`.
            let mut next_property = false;
            while self.is_sym(",") {
                if self.is_name_at(1) && self.is_sym_at(2, "=") {
                    self.advance();
                    next_property = true;
                    break;
                }
                self.advance();
                values.push(self.expr()?);
            }
            properties.push(RenderProperty { name, values, span: self.span_from(start) });
            if !next_property {
                break;
            }
        }
        Ok(properties)
    }

    fn datatable(&mut self) -> PResult<Datatable> {
        let start = self.start();
        self.advance(); // datatable
        self.expect_sym("(", "`(` after `datatable`")?;
        let mut columns = Vec::new();
        loop {
            columns.push(self.column_decl()?);
            if !self.eat_sym(",") {
                break;
            }
        }
        self.expect_sym(")", "`,` or `)` after the column")?;
        self.expect_sym("[", "`[` and the values after the `datatable` schema")?;
        let mut values = Vec::new();
        while !self.is_sym("]") {
            values.push(self.expr()?);
            if !self.eat_sym(",") {
                break;
            }
        }
        self.expect_sym("]", "`,` or `]` after the value")?;
        let span = self.span_from(start);
        if !columns.is_empty() && values.len() % columns.len() != 0 {
            return Err(QueryError::syntax(
                span,
                format!("`datatable` has {} values, not a multiple of its {} columns", values.len(), columns.len()),
            ));
        }
        Ok(Datatable { columns, values, span })
    }

    fn print(&mut self) -> PResult<Print> {
        let start = self.start();
        self.advance(); // print
        let items = self.named_list("an expression after `print`")?;
        Ok(Print { items, span: self.span_from(start) })
    }

    fn range(&mut self) -> PResult<Range> {
        let start = self.start();
        self.advance(); // range
        let column = self.name("a column name after `range`")?;
        self.expect_word("from", "`from` after the `range` column")?;
        let from = self.expr()?;
        self.expect_word("to", "`to` after the `range` start")?;
        let to = self.expr()?;
        self.expect_word("step", "`step` after the `range` stop")?;
        let step = self.expr()?;
        Ok(Range { column, from, to, step, span: self.span_from(start) })
    }

    // ---- scalar expressions ----

    fn expr(&mut self) -> PResult<Expr> {
        self.nested(|p| p.or())
    }

    fn or(&mut self) -> PResult<Expr> {
        let mut lhs = self.and()?;
        while self.eat_word("or") {
            let rhs = self.and()?;
            lhs = binary(BinaryOp::Or, lhs, rhs);
        }
        Ok(lhs)
    }

    fn and(&mut self) -> PResult<Expr> {
        let mut lhs = self.comparison()?;
        while self.eat_word("and") {
            let rhs = self.comparison()?;
            lhs = binary(BinaryOp::And, lhs, rhs);
        }
        Ok(lhs)
    }

    /// The comparison-level operator at the cursor and how many tokens it takes.
    fn comparison_op(&self) -> Option<(CmpOp, usize)> {
        let binary_sym = |s: &str| {
            Some(match s {
                "==" => BinaryOp::Eq,
                "!=" | "<>" => BinaryOp::Ne,
                "=~" => BinaryOp::EqCi,
                "!~" => BinaryOp::NeCi,
                "<" => BinaryOp::Lt,
                "<=" => BinaryOp::Le,
                ">" => BinaryOp::Gt,
                ">=" => BinaryOp::Ge,
                _ => return None,
            })
        };
        match self.tok_at(0) {
            Tok::Sym("!") => {
                let word = self.word_at(1)?;
                match word {
                    "in" if self.is_sym_at(2, "~") && self.adjacent(1) => Some((CmpOp::List(ListOp::NotInCi), 3)),
                    "in" => Some((CmpOp::List(ListOp::NotIn), 2)),
                    "between" => Some((CmpOp::Between { negated: true }, 2)),
                    _ => StrOp::from_text(&format!("!{word}")).map(|op| (CmpOp::Binary(BinaryOp::Str(op)), 2)),
                }
            }
            Tok::Sym(s) => binary_sym(s).map(|op| (CmpOp::Binary(op), 1)),
            Tok::Ident(word) => match word.as_str() {
                "in" if self.is_sym_at(1, "~") && self.adjacent(0) => Some((CmpOp::List(ListOp::InCi), 2)),
                // `on T in range(...)` of make-series is not a list operator.
                "in" if !self.is_word_at(1, "range") => Some((CmpOp::List(ListOp::In), 1)),
                "has_any" => Some((CmpOp::List(ListOp::HasAny), 1)),
                "has_all" => Some((CmpOp::List(ListOp::HasAll), 1)),
                "between" => Some((CmpOp::Between { negated: false }, 1)),
                "matches" if self.is_word_at(1, "regex") => Some((CmpOp::Binary(BinaryOp::MatchesRegex), 2)),
                w => StrOp::from_text(w).map(|op| (CmpOp::Binary(BinaryOp::Str(op)), 1)),
            },
            _ => None,
        }
    }

    fn comparison(&mut self) -> PResult<Expr> {
        let mut lhs = self.additive()?;
        while let Some((op, width)) = self.comparison_op() {
            let op_span = self.peek().span;
            for _ in 0..width {
                self.advance();
            }
            lhs = match op {
                CmpOp::Binary(op) => {
                    let rhs = self.additive()?;
                    binary(op, lhs, rhs)
                }
                CmpOp::List(op) => {
                    let rhs = self.in_rhs(op_span)?;
                    let span = Span::new(lhs.span.start, self.last_end);
                    Expr::new(ExprKind::InList { op, lhs: Box::new(lhs), rhs }, span)
                }
                CmpOp::Between { negated } => {
                    self.expect_sym("(", "`(` after `between`")?;
                    let low = self.additive()?;
                    self.expect_sym("..", "`..` between the low and high bounds")?;
                    let high = self.additive()?;
                    self.expect_sym(")", "`)` after the high bound")?;
                    let span = Span::new(lhs.span.start, self.last_end);
                    Expr::new(
                        ExprKind::Between { lhs: Box::new(lhs), low: Box::new(low), high: Box::new(high), negated },
                        span,
                    )
                }
            };
        }
        Ok(lhs)
    }

    /// `( values )` or `( tabular )` after `in`, `has_any`, ...
    fn in_rhs(&mut self, op_span: Span) -> PResult<InRhs> {
        if !self.is_sym("(") {
            return Err(QueryError::syntax(
                self.peek().span,
                format!(
                    "expected `(` and a list after `{}`, found {}",
                    op_text(op_span, self),
                    self.describe(self.peek())
                ),
            ));
        }
        if self.looks_tabular(1, false) {
            self.advance();
            let inner = self.tabular()?;
            self.expect_sym(")", "`|` or `)` to close the sub-query")?;
            return Ok(InRhs::Tabular(Box::new(inner)));
        }
        self.advance();
        let mut items = Vec::new();
        while !self.is_sym(")") {
            items.push(self.expr()?);
            if !self.eat_sym(",") {
                break;
            }
        }
        self.expect_sym(")", "`,` or `)` in the list")?;
        Ok(InRhs::List(items))
    }

    fn additive(&mut self) -> PResult<Expr> {
        let mut lhs = self.multiplicative()?;
        loop {
            let op = if self.is_sym("+") {
                BinaryOp::Add
            } else if self.is_sym("-") {
                BinaryOp::Sub
            } else {
                break;
            };
            self.advance();
            let rhs = self.multiplicative()?;
            lhs = binary(op, lhs, rhs);
        }
        Ok(lhs)
    }

    fn multiplicative(&mut self) -> PResult<Expr> {
        let mut lhs = self.unary()?;
        loop {
            let op = if self.is_sym("*") {
                BinaryOp::Mul
            } else if self.is_sym("/") {
                BinaryOp::Div
            } else if self.is_sym("%") {
                BinaryOp::Mod
            } else {
                break;
            };
            self.advance();
            let rhs = self.unary()?;
            lhs = binary(op, lhs, rhs);
        }
        Ok(lhs)
    }

    fn unary(&mut self) -> PResult<Expr> {
        let start = self.start();
        let op = if self.is_sym("-") {
            UnaryOp::Neg
        } else if self.is_sym("+") {
            UnaryOp::Plus
        } else {
            return self.postfix();
        };
        self.advance();
        let operand = self.nested(|p| p.unary())?;
        let span = self.span_from(start);
        if op == UnaryOp::Plus {
            return Ok(Expr::new(operand.kind, span));
        }
        // `-5`, `-1.5`, `-1d` are literals (datatable values must be literals).
        if let ExprKind::Literal { value, ty } = &operand.kind {
            let negated = match value {
                Value::Int(i) => i.checked_neg().map(Value::Int),
                Value::Real(r) => Some(Value::Real(-r)),
                Value::TimeSpan(t) => t.checked_neg().map(Value::TimeSpan),
                _ => None,
            };
            if let Some(value) = negated {
                return Ok(Expr::new(ExprKind::Literal { value, ty: *ty }, span));
            }
        }
        Ok(Expr::new(ExprKind::Unary { op, operand: Box::new(operand) }, span))
    }

    fn postfix(&mut self) -> PResult<Expr> {
        let start = self.start();
        let mut expr = self.primary()?;
        loop {
            if self.is_sym(".") && (self.is_name_at(1) || matches!(self.tok_at(1), Tok::Number(_))) {
                self.advance();
                let key = match self.tok_at(0).clone() {
                    Tok::Number(n) => {
                        let span = self.advance().span;
                        Ident { name: n, span }
                    }
                    _ => self.name("a property name after `.`")?,
                };
                expr = Expr::new(ExprKind::Member { target: Box::new(expr), key }, self.span_from(start));
            } else if self.is_sym("[") {
                self.advance();
                let index = self.expr()?;
                self.expect_sym("]", "`]` to close the index")?;
                expr = Expr::new(
                    ExprKind::Index { target: Box::new(expr), index: Box::new(index) },
                    self.span_from(start),
                );
            } else {
                break;
            }
        }
        Ok(expr)
    }

    fn primary(&mut self) -> PResult<Expr> {
        let start = self.start();
        let token = self.peek().clone();
        let literal = |value: Value, ty: Type, span: Span| Ok(Expr::new(ExprKind::Literal { value, ty }, span));
        match token.tok {
            Tok::Number(text) => {
                self.advance();
                let (value, ty) = number_value(&text)
                    .ok_or_else(|| QueryError::syntax(token.span, format!("invalid number `{text}`")))?;
                literal(value, ty, token.span)
            }
            Tok::Timespan(ticks) => {
                self.advance();
                literal(Value::TimeSpan(ticks), Type::TimeSpan, token.span)
            }
            Tok::Str(mut text) => {
                self.advance();
                // Adjacent string literals are one string.
                while let Tok::Str(more) = self.tok_at(0).clone() {
                    self.advance();
                    text.push_str(&more);
                }
                literal(Value::str(&text), Type::String, self.span_from(start))
            }
            Tok::TypedLiteral { type_name, raw } => {
                self.advance();
                let (value, ty) = typed_literal(&type_name, &raw).map_err(|m| QueryError::syntax(token.span, m))?;
                literal(value, ty, token.span)
            }
            Tok::Sym("(") => {
                self.advance();
                let inner = self.expr()?;
                self.expect_sym(")", "`)` to close `(`")?;
                Ok(Expr::new(inner.kind, self.span_from(start)))
            }
            Tok::Sym("[") if self.is_name_at(0) => {
                let name = self.name("a column name")?;
                Ok(Expr::new(ExprKind::Name(name.clone()), name.span))
            }
            Tok::Ident(word) => self.word_expr(start, word),
            // `where * has "x"`: any column.
            Tok::Sym("*") if matches!(self.tok_at(1), Tok::Ident(w) if StrOp::from_text(w).is_some()) => {
                self.advance();
                Ok(Expr::new(ExprKind::Star, token.span))
            }
            _ => Err(self.error_here("an expression")),
        }
    }

    fn word_expr(&mut self, start: usize, word: String) -> PResult<Expr> {
        let call = self.is_sym_at(1, "(");
        if (word == "$left" || word == "$right") && self.is_sym_at(1, ".") {
            let Some(side) = self.side_column() else {
                return Err(self.error_here("`$left` or `$right`"));
            };
            let (side, column) = side?;
            return Ok(Expr::new(ExprKind::SideColumn { side, column }, self.span_from(start)));
        }
        if !call {
            let name = self.name("a name")?;
            return match word.to_ascii_lowercase().as_str() {
                "true" => Ok(Expr::new(ExprKind::Literal { value: Value::Bool(true), ty: Type::Bool }, name.span)),
                "false" => Ok(Expr::new(ExprKind::Literal { value: Value::Bool(false), ty: Type::Bool }, name.span)),
                _ => Ok(Expr::new(ExprKind::Name(name), self.span_from(start))),
            };
        }
        match word.as_str() {
            "dynamic" => {
                self.advance();
                self.advance();
                let value = self.dynamic_value()?;
                self.expect_sym(")", "`)` to close `dynamic(`")?;
                let value = match value {
                    serde_json::Value::Null => Value::Null,
                    other => Value::Dynamic(std::sync::Arc::new(other)),
                };
                Ok(Expr::new(ExprKind::Literal { value, ty: Type::Dynamic }, self.span_from(start)))
            }
            "typeof" => {
                self.advance();
                self.advance();
                let ty = self.type_name()?;
                self.expect_sym(")", "`)` after the type")?;
                Ok(Expr::new(ExprKind::TypeOf(ty), self.span_from(start)))
            }
            "toscalar" => {
                self.advance();
                self.advance();
                while self.operator_param(&["kind"])?.is_some() {}
                let inner = self.tabular()?;
                self.expect_sym(")", "`|` or `)` to close `toscalar(`")?;
                Ok(Expr::new(ExprKind::ToScalar(Box::new(inner)), self.span_from(start)))
            }
            "not" => {
                self.advance();
                self.advance();
                let operand = self.expr()?;
                self.expect_sym(")", "`)` to close `not(`")?;
                Ok(Expr::new(ExprKind::Unary { op: UnaryOp::Not, operand: Box::new(operand) }, self.span_from(start)))
            }
            _ => {
                let name = self.name("a function name")?;
                let args = self.call_args()?;
                Ok(Expr::new(ExprKind::Call { name, args }, self.span_from(start)))
            }
        }
    }

    /// `( arg, ... )` of a call; `*` is an argument (`arg_max(T, *)`).
    fn call_args(&mut self) -> PResult<Vec<Expr>> {
        self.expect_sym("(", "`(`")?;
        let mut args = Vec::new();
        while !self.is_sym(")") {
            if self.is_sym("*") && (self.is_sym_at(1, ",") || self.is_sym_at(1, ")")) {
                let span = self.advance().span;
                args.push(Expr::new(ExprKind::Star, span));
            } else {
                args.push(self.expr()?);
            }
            if !self.eat_sym(",") {
                break;
            }
        }
        self.expect_sym(")", "`,` or `)` after the argument")?;
        Ok(args)
    }

    /// The JSON-like text of `dynamic(...)`: arrays, property bags, strings of any quoting,
    /// numbers, `true`/`false`/`null`, and typed literals (kept as their Kusto text forms).
    fn dynamic_value(&mut self) -> PResult<serde_json::Value> {
        self.nested(|p| {
            let token = p.peek().clone();
            match token.tok {
                Tok::Sym("[") => {
                    p.advance();
                    let mut items = Vec::new();
                    while !p.is_sym("]") {
                        items.push(p.dynamic_value()?);
                        if !p.eat_sym(",") {
                            break;
                        }
                    }
                    p.expect_sym("]", "`,` or `]` in the dynamic array")?;
                    Ok(serde_json::Value::Array(items))
                }
                Tok::Sym("{") => {
                    p.advance();
                    let mut map = serde_json::Map::new();
                    while !p.is_sym("}") {
                        let key = match p.tok_at(0).clone() {
                            Tok::Str(s) | Tok::Ident(s) => {
                                p.advance();
                                s
                            }
                            _ => return Err(p.error_here("a property name in the dynamic bag")),
                        };
                        p.expect_sym(":", "`:` after the property name")?;
                        let value = p.dynamic_value()?;
                        map.insert(key, value);
                        if !p.eat_sym(",") {
                            break;
                        }
                    }
                    p.expect_sym("}", "`,` or `}` in the dynamic bag")?;
                    Ok(serde_json::Value::Object(map))
                }
                Tok::Str(s) => {
                    p.advance();
                    Ok(serde_json::Value::String(s))
                }
                Tok::Sym("-") | Tok::Number(_) => {
                    let negative = p.eat_sym("-");
                    let Tok::Number(text) = p.tok_at(0).clone() else {
                        return Err(p.error_here("a number after `-`"));
                    };
                    p.advance();
                    let json = match number_value(&text) {
                        Some((Value::Int(i), _)) => {
                            serde_json::Value::from(if negative { i.saturating_neg() } else { i })
                        }
                        Some((Value::Real(r), _)) => serde_json::Number::from_f64(if negative { -r } else { r })
                            .map_or(serde_json::Value::Null, serde_json::Value::Number),
                        _ => return Err(QueryError::syntax(token.span, format!("invalid number `{text}`"))),
                    };
                    Ok(json)
                }
                Tok::Ident(w) => {
                    p.advance();
                    match w.to_ascii_lowercase().as_str() {
                        "true" => Ok(serde_json::Value::Bool(true)),
                        "false" => Ok(serde_json::Value::Bool(false)),
                        "null" => Ok(serde_json::Value::Null),
                        _ => Err(QueryError::syntax(
                            token.span,
                            format!("expected a value in `dynamic(...)`, found `{w}` (strings need quotes)"),
                        )),
                    }
                }
                Tok::Timespan(ticks) => {
                    p.advance();
                    Ok(serde_json::Value::String(super::temporal::format_timespan(ticks)))
                }
                Tok::TypedLiteral { type_name, raw } => {
                    p.advance();
                    let (value, _) = typed_literal(&type_name, &raw).map_err(|m| QueryError::syntax(token.span, m))?;
                    Ok(match value {
                        Value::Null => serde_json::Value::Null,
                        Value::Bool(b) => serde_json::Value::Bool(b),
                        Value::Int(i) => serde_json::Value::from(i),
                        Value::Real(r) => {
                            serde_json::Number::from_f64(r).map_or(serde_json::Value::Null, serde_json::Value::Number)
                        }
                        Value::String(s) => serde_json::Value::String(s.to_string()),
                        Value::DateTime(t) => serde_json::Value::String(super::temporal::format_datetime_full(t)),
                        Value::TimeSpan(t) => serde_json::Value::String(super::temporal::format_timespan(t)),
                        Value::Dynamic(d) => (*d).clone(),
                    })
                }
                _ => Err(p.error_here("a value in `dynamic(...)`")),
            }
        })
    }
}

/// Words that may follow an expression, for "did you mean" on a misspelled one.
const WORDS_AFTER_EXPRESSION: [&str; 24] = [
    "and",
    "or",
    "by",
    "asc",
    "desc",
    "in",
    "between",
    "has_any",
    "has_all",
    "matches",
    "contains",
    "contains_cs",
    "has",
    "has_cs",
    "hasprefix",
    "hasprefix_cs",
    "hassuffix",
    "hassuffix_cs",
    "startswith",
    "startswith_cs",
    "endswith",
    "endswith_cs",
    "on",
    "with",
];

/// ` (did you mean ...?)` for a token found where an operator was expected: `=` for `==`, a
/// misspelled word operator.
fn typo_hint(tok: &Tok) -> String {
    match tok {
        Tok::Sym("=") => " (did you mean `==`?)".to_string(),
        // Short names (`B`, `x2`) are more likely columns than typos.
        Tok::Ident(w) if w.chars().count() >= 3 => {
            did_you_mean(w, &WORDS_AFTER_EXPRESSION).map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default()
        }
        _ => String::new(),
    }
}

fn binary(op: BinaryOp, lhs: Expr, rhs: Expr) -> Expr {
    let span = lhs.span.to(rhs.span);
    Expr::new(ExprKind::Binary { op, lhs: Box::new(lhs), rhs: Box::new(rhs) }, span)
}

/// The operator text under `span` for messages (`in`, `has_any`).
fn op_text(span: Span, parser: &Parser<'_>) -> String {
    parser
        .tokens
        .iter()
        .find(|t| t.span == span)
        .map(|t| match &t.tok {
            Tok::Ident(w) => w.clone(),
            Tok::Sym(s) => (*s).to_string(),
            _ => String::new(),
        })
        .unwrap_or_default()
}

/// A number token's value: `long` unless it has a fraction or exponent (`real`); hex is
/// `long`; integers past `long` become `real`.
fn number_value(text: &str) -> Option<(Value, Type)> {
    if let Some(hex) = text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        return i64::from_str_radix(hex, 16).ok().map(|i| (Value::Int(i), Type::Long));
    }
    if text.contains(['.', 'e', 'E']) {
        return text.parse::<f64>().ok().map(|r| (Value::Real(r), Type::Real));
    }
    match text.parse::<i64>() {
        Ok(i) => Some((Value::Int(i), Type::Long)),
        Err(_) => text.parse::<f64>().ok().map(|r| (Value::Real(r), Type::Real)),
    }
}

/// `type(raw)` literals: `datetime(2020-01-01)`, `time(1.02:00:00)`, `int(null)`,
/// `real(+inf)`, `bool(true)`, `guid(...)`.
fn typed_literal(type_name: &str, raw: &str) -> Result<(Value, Type), String> {
    let unquoted = raw
        .strip_prefix('"')
        .and_then(|r| r.strip_suffix('"'))
        .or_else(|| raw.strip_prefix('\'').and_then(|r| r.strip_suffix('\'')))
        .unwrap_or(raw)
        .trim();
    let ty = Type::from_name(type_name).ok_or_else(|| format!("unknown literal type `{type_name}`"))?;
    if unquoted.eq_ignore_ascii_case("null") {
        return Ok((Value::Null, ty));
    }
    let bad = || format!("invalid {type_name} literal `{type_name}({raw})`");
    let value = match ty {
        Type::DateTime => Value::DateTime(parse_datetime(unquoted).ok_or_else(bad)?),
        Type::TimeSpan => Value::TimeSpan(parse_timespan(unquoted).ok_or_else(bad)?),
        Type::Int | Type::Long => {
            let i: i64 = match number_value(unquoted.trim_start_matches('+')) {
                Some((Value::Int(i), _)) => i,
                _ => match unquoted.strip_prefix('-').and_then(number_value) {
                    Some((Value::Int(i), _)) => i.checked_neg().ok_or_else(bad)?,
                    _ => return Err(bad()),
                },
            };
            if ty == Type::Int && i32::try_from(i).is_err() {
                return Err(format!("`{type_name}({raw})` does not fit a 32-bit int"));
            }
            Value::Int(i)
        }
        Type::Real => Value::Real(match unquoted.to_ascii_lowercase().as_str() {
            "nan" => f64::NAN,
            "inf" | "+inf" => f64::INFINITY,
            "-inf" => f64::NEG_INFINITY,
            other => other.parse::<f64>().map_err(|_| bad())?,
        }),
        Type::Bool => Value::Bool(match unquoted.to_ascii_lowercase().as_str() {
            "true" | "1" => true,
            "false" | "0" => false,
            _ => return Err(bad()),
        }),
        Type::String => {
            // guid(...): 32 hex digits, in the usual 8-4-4-4-12 groups or bare.
            let hex: String = unquoted.chars().filter(|c| *c != '-').collect();
            if hex.len() != 32 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
                return Err(bad());
            }
            Value::str(&unquoted.to_ascii_lowercase())
        }
        Type::Dynamic => return Err(bad()),
    };
    Ok((value, ty))
}

#[cfg(test)]
#[path = "parser_tests.rs"]
mod tests;
