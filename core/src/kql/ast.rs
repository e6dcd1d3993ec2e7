//! The syntax tree of a KQL script, as the parser builds it and the planner reads it.
//!
//! Every node carries a [`Span`] (byte offsets into the query text after workbook parameters
//! were substituted) so the planner and executor can point their errors at the exact text.
//! The tree is syntactic: names are not resolved (a [`ExprKind::Name`] may be a column, a
//! `let`-bound scalar, or, inside `in (...)`, a table), types are not checked, and optional
//! clauses keep what was written (`None` when left out) with helpers giving Kusto's defaults.
//!
//! This module only grows: variants and fields are added, never renamed, because the
//! planner and executor are written against it.

use super::value::{Type, Value};

/// Byte offsets `start..end` into the query text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span { start: self.start.min(other.start), end: self.end.max(other.end) }
    }

    pub fn len(self) -> usize {
        self.end.saturating_sub(self.start)
    }

    pub fn is_empty(self) -> bool {
        self.end <= self.start
    }

    /// The text under the span, or `""` when it does not fall on character boundaries.
    pub fn text(self, query: &str) -> &str {
        query.get(self.start..self.end).unwrap_or("")
    }
}

/// A name as written, unquoted (`['Col Name']` gives `Col Name`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

impl Ident {
    /// Whether the name holds a `*` wildcard (`union VM*`, `project-away Links*`).
    pub fn is_wildcard(&self) -> bool {
        self.name.contains('*')
    }
}

/// A whole query text: `;`-separated statements.
#[derive(Clone, Debug)]
pub struct Script {
    pub statements: Vec<Statement>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum Statement {
    Let(LetStmt),
    /// A tabular expression whose result is returned (one result table per such statement).
    Query(TabularExpr),
    /// `set name [= value]`: a request property; accepted and ignored offline.
    Set {
        name: Ident,
        value: Option<Expr>,
        span: Span,
    },
}

impl Statement {
    pub fn span(&self) -> Span {
        match self {
            Statement::Let(l) => l.span,
            Statement::Query(q) => q.span,
            Statement::Set { span, .. } => *span,
        }
    }
}

/// `let name = value`.
#[derive(Clone, Debug)]
pub struct LetStmt {
    pub name: Ident,
    pub value: LetValue,
    pub span: Span,
}

/// What a `let` binds. The parser decides scalar or tabular from the syntax and the names
/// bound before it: a right side with a `|`, a tabular source (`datatable`, `materialize`,
/// `union`, `range`, `print`, `search`, ...), a tabular `let` name or a name bound nowhere
/// (a table) is tabular; anything else is scalar.
#[derive(Clone, Debug)]
pub enum LetValue {
    Scalar(Expr),
    /// A tabular expression; `materialize(...)` shows as [`Source::Materialize`].
    Tabular(TabularExpr),
    /// A user function `(a: string, b: long = 5) { ... }` or a `view () { ... }`.
    Function(FunctionDef),
}

#[derive(Clone, Debug)]
pub struct FunctionDef {
    pub params: Vec<Param>,
    pub body: FunctionBody,
    /// Declared with `view`: a parameterless function that also takes part in `union *`.
    pub is_view: bool,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Param {
    pub name: Ident,
    pub ty: ParamType,
    /// `b: long = 5`.
    pub default: Option<Expr>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum ParamType {
    Scalar(Type),
    /// `T: (*)` (any columns: `columns` empty, `any` true) or `T: (x: long, y: string)`.
    Tabular {
        columns: Vec<ColumnDecl>,
        any: bool,
    },
}

/// `{ let ...; let ...; result }`.
#[derive(Clone, Debug)]
pub struct FunctionBody {
    pub lets: Vec<LetStmt>,
    pub result: FunctionResult,
    pub span: Span,
}

#[allow(clippy::large_enum_variant, reason = "built once per query and matched by value; boxing only adds indirection")]
#[derive(Clone, Debug)]
pub enum FunctionResult {
    Scalar(Expr),
    Tabular(TabularExpr),
}

/// `name: type` in `datatable(...)`, tabular parameters and `parse` captures.
#[derive(Clone, Debug)]
pub struct ColumnDecl {
    pub name: Ident,
    pub ty: Type,
    pub span: Span,
}

/// A source followed by `| operator`s.
#[derive(Clone, Debug)]
pub struct TabularExpr {
    pub source: Source,
    pub ops: Vec<Operator>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum Source {
    /// A table, a tabular `let` name or a tabular function parameter; the name may hold
    /// `*` wildcards only under `union`.
    Table(Ident),
    /// `( tabular )`.
    Paren(Box<TabularExpr>),
    /// A user function or view call `f(1, "x")` (a tabular result).
    Call {
        name: Ident,
        args: Vec<Expr>,
        span: Span,
    },
    /// `materialize( tabular )`: evaluated once however often it is used.
    Materialize(Box<TabularExpr>, Span),
    Datatable(Datatable),
    Print(Print),
    Range(Range),
    /// `union` at the start of a pipe: every leg is in [`Union::tables`].
    Union(Union),
    /// `search` at the start of a pipe (over `in (...)` tables, or all tables).
    Search(Search),
}

impl Source {
    pub fn span(&self) -> Span {
        match self {
            Source::Table(i) => i.span,
            Source::Paren(t) => t.span,
            Source::Call { span, .. } | Source::Materialize(_, span) => *span,
            Source::Datatable(d) => d.span,
            Source::Print(p) => p.span,
            Source::Range(r) => r.span,
            Source::Union(u) => u.span,
            Source::Search(s) => s.span,
        }
    }
}

/// `datatable(a: string, b: long) ["x", 1, "y", 2]`: values row by row.
#[derive(Clone, Debug)]
pub struct Datatable {
    pub columns: Vec<ColumnDecl>,
    pub values: Vec<Expr>,
    pub span: Span,
}

/// `print [Name =] expr, ...`.
#[derive(Clone, Debug)]
pub struct Print {
    pub items: Vec<NamedExpr>,
    pub span: Span,
}

/// `range column from start to stop step step`.
#[derive(Clone, Debug)]
pub struct Range {
    pub column: Ident,
    pub from: Expr,
    pub to: Expr,
    pub step: Expr,
    pub span: Span,
}

/// One `| operator`.
#[derive(Clone, Debug)]
pub struct Operator {
    pub kind: OpKind,
    pub span: Span,
}

#[allow(clippy::large_enum_variant, reason = "built once per query and matched by value; boxing only adds indirection")]
#[derive(Clone, Debug)]
pub enum OpKind {
    /// `where` / `filter`.
    Where(Expr),
    Project(Vec<NamedExpr>),
    /// Column names, possibly with `*` wildcards.
    ProjectAway(Vec<Ident>),
    /// Column names, possibly with `*` wildcards.
    ProjectKeep(Vec<Ident>),
    /// `project-rename New = Old, ...`.
    ProjectRename(Vec<Rename>),
    ProjectReorder(Vec<ReorderKey>),
    Extend(Vec<NamedExpr>),
    Summarize(Summarize),
    /// `count`: one row, one column `Count`.
    Count,
    /// `take` / `limit`.
    Take(Expr),
    /// `top N by key [asc|desc] [nulls first|last]`.
    Top {
        count: Expr,
        by: Vec<SortKey>,
    },
    /// `sort by` / `order by`.
    Sort(Vec<SortKey>),
    Distinct(Distinct),
    Join(Join),
    Lookup(Lookup),
    /// `| union ...`: the pipe's input is the first leg, [`Union::tables`] the others.
    Union(Union),
    MvExpand(MvExpand),
    Parse(Parse),
    MakeSeries(MakeSeries),
    /// `| search ...` over the pipe's input.
    Search(Search),
    /// `as Name`: binds the result to a name for the rest of the query.
    As(Ident),
    GetSchema,
    Render(Render),
    /// `serialize [Name = expr, ...]`: marks the row order as kept (for `row_number`, `prev`,
    /// `next`) and optionally extends.
    Serialize(Vec<NamedExpr>),
}

/// `expr` or `Name = expr` or `(A, B) = expr` (several names for several result columns).
#[derive(Clone, Debug)]
pub struct NamedExpr {
    /// Empty when unnamed (Kusto derives the name), one name, or the names of a tuple.
    pub names: Vec<Ident>,
    pub expr: Expr,
    pub span: Span,
}

impl NamedExpr {
    /// The single given name, if exactly one.
    pub fn name(&self) -> Option<&Ident> {
        match self.names.as_slice() {
            [one] => Some(one),
            _ => None,
        }
    }
}

/// `New = Old` of `project-rename`.
#[derive(Clone, Debug)]
pub struct Rename {
    pub new: Ident,
    pub old: Ident,
    pub span: Span,
}

/// A `project-reorder` column (wildcards allowed) with its optional order.
#[derive(Clone, Debug)]
pub struct ReorderKey {
    pub column: Ident,
    pub order: Option<ReorderOrder>,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReorderOrder {
    Asc,
    Desc,
    GrannyAsc,
    GrannyDesc,
}

#[derive(Clone, Debug)]
pub struct Summarize {
    /// Aggregations (`count()`, `Name = sum(x)`, `(A, B) = arg_max(...)`); empty in
    /// `summarize by X`.
    pub aggregates: Vec<NamedExpr>,
    /// Group keys (`bin(TimeGenerated, 1h)`, `Name = expr`); empty without `by`.
    pub by: Vec<NamedExpr>,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SortOrder {
    Asc,
    Desc,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NullsOrder {
    First,
    Last,
}

/// A `sort by` / `top by` key as written.
#[derive(Clone, Debug)]
pub struct SortKey {
    pub expr: Expr,
    pub order: Option<SortOrder>,
    pub nulls: Option<NullsOrder>,
    pub span: Span,
}

impl SortKey {
    /// Kusto sorts descending unless `asc` is written.
    pub fn descending(&self) -> bool {
        self.order != Some(SortOrder::Asc)
    }

    /// Kusto puts nulls first when ascending and last when descending, unless written.
    pub fn nulls_first(&self) -> bool {
        match self.nulls {
            Some(NullsOrder::First) => true,
            Some(NullsOrder::Last) => false,
            None => !self.descending(),
        }
    }
}

/// `distinct *` (`all`) or `distinct A, B`.
#[derive(Clone, Debug)]
pub struct Distinct {
    pub columns: Vec<Ident>,
    pub all: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JoinKind {
    /// The default: the left side de-duplicated on the keys, then inner.
    InnerUnique,
    Inner,
    LeftOuter,
    RightOuter,
    FullOuter,
    /// Also written `anti` and `leftantisemi`.
    LeftAnti,
    /// Also written `rightantisemi`.
    RightAnti,
    LeftSemi,
    RightSemi,
}

impl JoinKind {
    /// A `kind=` value (matched case-insensitively, a lenient superset of Kusto).
    pub fn from_name(name: &str) -> Option<JoinKind> {
        Some(match name.to_ascii_lowercase().as_str() {
            "innerunique" => JoinKind::InnerUnique,
            "inner" => JoinKind::Inner,
            "leftouter" => JoinKind::LeftOuter,
            "rightouter" => JoinKind::RightOuter,
            "fullouter" => JoinKind::FullOuter,
            "leftanti" | "anti" | "leftantisemi" => JoinKind::LeftAnti,
            "rightanti" | "rightantisemi" => JoinKind::RightAnti,
            "leftsemi" => JoinKind::LeftSemi,
            "rightsemi" => JoinKind::RightSemi,
            _ => return None,
        })
    }

    pub const NAMES: [&'static str; 9] = [
        "innerunique",
        "inner",
        "leftouter",
        "rightouter",
        "fullouter",
        "leftanti",
        "rightanti",
        "leftsemi",
        "rightsemi",
    ];
}

/// A join/lookup key: `on A` (same name both sides) or `on $left.A == $right.B`.
#[derive(Clone, Debug)]
pub enum JoinKey {
    Same(Ident),
    LeftRight { left: Ident, right: Ident, span: Span },
}

#[derive(Clone, Debug)]
pub struct Join {
    /// [`JoinKind::InnerUnique`] when no `kind=` was written.
    pub kind: JoinKind,
    /// The `kind=...` text, when written.
    pub kind_span: Option<Span>,
    pub right: Box<TabularExpr>,
    pub on: Vec<JoinKey>,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LookupKind {
    /// The default.
    LeftOuter,
    Inner,
}

#[derive(Clone, Debug)]
pub struct Lookup {
    pub kind: LookupKind,
    pub right: Box<TabularExpr>,
    pub on: Vec<JoinKey>,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnionKind {
    /// The default: every column of every leg.
    Outer,
    /// Only the columns all legs have.
    Inner,
}

#[derive(Clone, Debug)]
pub struct Union {
    pub kind: UnionKind,
    /// `withsource=Name`: a column naming each row's leg.
    pub with_source: Option<Ident>,
    /// `isfuzzy=true`: legs that do not resolve are left out instead of failing.
    pub is_fuzzy: bool,
    /// Table names (possibly wildcards like `VM*`), `let` names and `( subqueries )`.
    pub tables: Vec<TabularExpr>,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BagExpansion {
    Bag,
    Array,
}

/// One expanded column: `[Name =] expr [to typeof(T)]`.
#[derive(Clone, Debug)]
pub struct MvExpandItem {
    pub name: Option<Ident>,
    pub expr: Expr,
    pub to_type: Option<Type>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct MvExpand {
    pub bag_expansion: Option<BagExpansion>,
    pub with_itemindex: Option<Ident>,
    pub items: Vec<MvExpandItem>,
    /// `limit N`: at most N rows per input row.
    pub limit: Option<Expr>,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParseKind {
    /// The default: string literals and columns in turn, a capture stops at the next literal.
    Simple,
    Regex,
    Relaxed,
}

#[derive(Clone, Debug)]
pub enum ParsePart {
    /// A string literal (a regex fragment under `kind=regex`).
    Literal { text: String, span: Span },
    /// A capture `Col` or `Col: long` (string when untyped).
    Column { name: Ident, ty: Option<Type>, span: Span },
    /// `*`: skip text up to the next literal.
    Wildcard(Span),
}

#[derive(Clone, Debug)]
pub struct Parse {
    pub kind: ParseKind,
    /// `flags=Ui` of `kind=regex`.
    pub flags: Option<String>,
    /// `parse-where`: rows that do not match are dropped.
    pub keep_matching_only: bool,
    pub source: Expr,
    pub pattern: Vec<ParsePart>,
    pub span: Span,
}

/// One `make-series` aggregation: `[Name =] agg(...) [default = value]`.
#[derive(Clone, Debug)]
pub struct SeriesAggregate {
    pub agg: NamedExpr,
    pub default: Option<Expr>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct MakeSeries {
    pub aggregates: Vec<SeriesAggregate>,
    /// The axis column (`on TimeGenerated`).
    pub on: Expr,
    /// `from` (or `in range(start, ...)`); `None` = the smallest axis value.
    pub from: Option<Expr>,
    /// `to` (or `in range(_, stop, _)`); `None` = past the largest axis value.
    pub to: Option<Expr>,
    pub step: Expr,
    pub by: Vec<NamedExpr>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Search {
    /// `kind=case_sensitive`.
    pub case_sensitive: bool,
    /// `in (T1, T2)`; `None` = the pipe's input (operator) or every table (source).
    pub tables: Option<Vec<Ident>>,
    /// Terms ([`ExprKind::SearchTerm`]) and ordinary predicates joined by and/or/not.
    pub predicate: Expr,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Render {
    /// `timechart`, `linechart`, `areachart`, `barchart`, `columnchart`, `piechart`,
    /// `table`, `scatterchart`, ... as written.
    pub chart: Ident,
    /// `with (title="...", kind=stacked, ycolumns=a, b)`: the values as expressions (a bare
    /// word such as `stacked` is an [`ExprKind::Name`]).
    pub properties: Vec<RenderProperty>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct RenderProperty {
    pub name: Ident,
    pub values: Vec<Expr>,
    pub span: Span,
}

/// A scalar expression.
#[derive(Clone, Debug)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Left,
    Right,
}

#[derive(Clone, Debug)]
pub enum ExprKind {
    /// Every literal, already converted: `5` (long), `int(5)`, `1.5`, `1e3`, strings of
    /// every quoting style, `datetime(...)`, timespans (`1d`, `time(...)`), `dynamic(...)`,
    /// `true`, and typed nulls (`int(null)`: `Value::Null` with `ty` `Int`).
    Literal {
        value: Value,
        ty: Type,
    },
    /// A column, a `let`-bound scalar, a function parameter or (inside `in (...)` and as a
    /// single name) a table: the planner resolves it.
    Name(Ident),
    /// `$left.X` / `$right.X` (join conditions).
    SideColumn {
        side: Side,
        column: Ident,
    },
    /// `*` as a function argument (`arg_max(T, *)`, `count(*)`), or as the left side of a
    /// string operator meaning "any column" (`where * has "x"`).
    Star,
    /// `typeof(long)` as a function argument.
    TypeOf(Type),
    /// A function call by name (scalar, aggregate or user function); `not(x)` is
    /// [`UnaryOp::Not`], `toscalar(...)` is [`ExprKind::ToScalar`].
    Call {
        name: Ident,
        args: Vec<Expr>,
    },
    /// `d.key`.
    Member {
        target: Box<Expr>,
        key: Ident,
    },
    /// `d["key"]`, `d[0]`.
    Index {
        target: Box<Expr>,
        index: Box<Expr>,
    },
    Unary {
        op: UnaryOp,
        operand: Box<Expr>,
    },
    Binary {
        op: BinaryOp,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    /// `in`, `!in`, `in~`, `!in~`, `has_any`, `has_all` with a list or a subquery.
    InList {
        op: ListOp,
        lhs: Box<Expr>,
        rhs: InRhs,
    },
    /// `x between (low .. high)` / `!between`.
    Between {
        lhs: Box<Expr>,
        low: Box<Expr>,
        high: Box<Expr>,
        negated: bool,
    },
    /// `toscalar( tabular )`: the first column of the first row.
    ToScalar(Box<TabularExpr>),
    /// A `search` term: `"x"` (a bare term: `has`; `*x*` contains, `x*` prefix, `*x`
    /// suffix) or column-restricted `Col:"x"`.
    SearchTerm {
        column: Option<Ident>,
        term: String,
    },
}

#[derive(Clone, Debug)]
pub enum InRhs {
    /// `("a", "b", col)`; a single bare name here may still be a table (the planner
    /// resolves it); dynamic arrays in the list are flattened by the executor as Kusto does.
    List(Vec<Expr>),
    /// `(T | where ...)` or a tabular `let` name: the values of its first column.
    Tabular(Box<TabularExpr>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    Neg,
    Plus,
    /// `not(x)`.
    Not,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListOp {
    In,
    NotIn,
    /// `in~`: case-insensitive.
    InCi,
    NotInCi,
    HasAny,
    HasAll,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinaryOp {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Lt,
    Le,
    Gt,
    Ge,
    /// `==` (case-sensitive on strings).
    Eq,
    /// `!=`.
    Ne,
    /// `=~`: case-insensitive equality.
    EqCi,
    /// `!~`.
    NeCi,
    And,
    Or,
    /// `contains`, `!has_cs`, `startswith`, ... (see [`StrOp`]).
    Str(StrOp),
    /// `matches regex`.
    MatchesRegex,
}

/// A string operator: its kind, case rule and negation (`!contains_cs` =
/// `Contains`, case-sensitive, negated).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StrOp {
    pub kind: StrOpKind,
    pub case_sensitive: bool,
    pub negated: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StrOpKind {
    Contains,
    Has,
    HasPrefix,
    HasSuffix,
    StartsWith,
    EndsWith,
}

impl StrOp {
    /// The operator as written (`!contains_cs`).
    pub fn text(self) -> String {
        let base = match self.kind {
            StrOpKind::Contains => "contains",
            StrOpKind::Has => "has",
            StrOpKind::HasPrefix => "hasprefix",
            StrOpKind::HasSuffix => "hassuffix",
            StrOpKind::StartsWith => "startswith",
            StrOpKind::EndsWith => "endswith",
        };
        format!("{}{base}{}", if self.negated { "!" } else { "" }, if self.case_sensitive { "_cs" } else { "" })
    }

    /// `contains`, `!hasprefix_cs`, ... (and the legacy `containscs`, `notcontains`,
    /// `notcontainscs`, `nothas`); `None` for anything else.
    pub fn from_text(text: &str) -> Option<StrOp> {
        let legacy = |negated, case_sensitive, kind| Some(StrOp { kind, case_sensitive, negated });
        match text {
            "containscs" => return legacy(false, true, StrOpKind::Contains),
            "notcontains" => return legacy(true, false, StrOpKind::Contains),
            "notcontainscs" => return legacy(true, true, StrOpKind::Contains),
            "nothas" => return legacy(true, false, StrOpKind::Has),
            _ => {}
        }
        let (negated, rest) = match text.strip_prefix('!') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (case_sensitive, base) = match rest.strip_suffix("_cs") {
            Some(base) => (true, base),
            None => (false, rest),
        };
        let kind = match base {
            "contains" => StrOpKind::Contains,
            "has" => StrOpKind::Has,
            "hasprefix" => StrOpKind::HasPrefix,
            "hassuffix" => StrOpKind::HasSuffix,
            "startswith" => StrOpKind::StartsWith,
            "endswith" => StrOpKind::EndsWith,
            _ => return None,
        };
        Some(StrOp { kind, case_sensitive, negated })
    }
}

impl Expr {
    pub fn new(kind: ExprKind, span: Span) -> Expr {
        Expr { kind, span }
    }
}
