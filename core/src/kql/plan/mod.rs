//! The typed plan: what the executor runs. Planning resolves every table, column, `let`
//! name and function, checks operand types and fixes every output column's name and type,
//! before any row is read; a misspelled name is reported with a "did you mean".
//!
//! [`expr`] types scalar expressions, [`ops`] the tabular operators, [`naming`] gives
//! unnamed columns the names Kusto gives them. This module holds the plan types and the
//! statement-level planner (`let`, functions, materialize).

pub mod expr;
pub mod naming;
pub mod ops;

use super::aggregates::AggFn;
use super::ast::{self, BinaryOp, FunctionDef, JoinKind, LetValue, ListOp, Span, Statement, StrOp};
use super::error::QueryError;
use super::functions::ScalarFn;
use super::value::{Type, Value};
use crate::model::TableKind;
use crate::store::Store;
use std::collections::HashMap;
use std::rc::Rc;

/// Output columns of a plan node: names and types, in order.
pub type Schema = Vec<(String, Type)>;

/// A typed scalar expression over the columns of its input.
#[derive(Clone, Debug)]
pub struct TExpr {
    pub kind: TKind,
    pub ty: Type,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum TKind {
    Const(Value),
    /// A column of the input, by position.
    Column(usize),
    Call(&'static ScalarFn, Vec<TExpr>),
    Neg(Box<TExpr>),
    Not(Box<TExpr>),
    /// Arithmetic and comparisons (`BinaryOp` other than `And`, `Or`, `Str`, regex).
    Binary(BinaryOp, Box<TExpr>, Box<TExpr>),
    And(Box<TExpr>, Box<TExpr>),
    Or(Box<TExpr>, Box<TExpr>),
    Str(StrOp, Box<TExpr>, Box<TExpr>),
    MatchesRegex(Box<TExpr>, Box<TExpr>),
    /// `in`, `!in`, `in~`, `has_any`, `has_all` over a list of expressions (dynamic arrays
    /// in it are flattened).
    InList(ListOp, Box<TExpr>, Vec<TExpr>),
    /// The same over the first column of a tabular expression.
    InPlan(ListOp, Box<TExpr>, Box<Plan>),
    Between {
        value: Box<TExpr>,
        low: Box<TExpr>,
        high: Box<TExpr>,
        negated: bool,
    },
    /// `d[i]`, `d["key"]`, `d.key`.
    Index(Box<TExpr>, Box<TExpr>),
    /// The first column of the first row of a tabular expression.
    ToScalar(Box<Plan>),
    /// A value converted to another type (mv-expand `to typeof()`, implicit widening).
    Convert(Box<TExpr>),
    /// `row_number([start])`.
    RowNumber(i64),
    /// `prev(expr, offset, default)` (negative offset: `next`).
    Shift {
        value: Box<TExpr>,
        offset: i64,
        default: Box<TExpr>,
    },
    /// A `search` term over every string and dynamic column.
    SearchAny {
        kind: SearchKind,
        term: String,
        case_sensitive: bool,
    },
}

/// How a `search` term matches (Kusto: `*x*` contains, `x*` prefix, `*x` suffix, a bare
/// term is `has`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SearchKind {
    Has,
    Contains,
    HasPrefix,
    HasSuffix,
    Everything,
}

impl TExpr {
    pub fn new(kind: TKind, ty: Type, span: Span) -> TExpr {
        TExpr { kind, ty, span }
    }

    pub fn constant(value: Value, ty: Type, span: Span) -> TExpr {
        TExpr::new(TKind::Const(value), ty, span)
    }

    pub fn column(index: usize, ty: Type, span: Span) -> TExpr {
        TExpr::new(TKind::Column(index), ty, span)
    }

    /// The constant value, when the expression is a literal.
    pub fn as_const(&self) -> Option<&Value> {
        match &self.kind {
            TKind::Const(v) => Some(v),
            _ => None,
        }
    }

    /// Whether the expression reads no column (it can be computed once).
    pub fn is_constant(&self) -> bool {
        match &self.kind {
            TKind::Const(_) | TKind::ToScalar(_) => true,
            TKind::Column(_) | TKind::RowNumber(_) | TKind::Shift { .. } | TKind::SearchAny { .. } => false,
            TKind::Call(f, args) => !matches!(f.name, "rand" | "new_guid") && args.iter().all(TExpr::is_constant),
            TKind::Neg(a) | TKind::Not(a) | TKind::Convert(a) => a.is_constant(),
            TKind::Binary(_, a, b)
            | TKind::And(a, b)
            | TKind::Or(a, b)
            | TKind::Str(_, a, b)
            | TKind::MatchesRegex(a, b)
            | TKind::Index(a, b) => a.is_constant() && b.is_constant(),
            TKind::InList(_, a, list) => a.is_constant() && list.iter().all(TExpr::is_constant),
            TKind::InPlan(_, a, _) => a.is_constant(),
            TKind::Between { value, low, high, .. } => value.is_constant() && low.is_constant() && high.is_constant(),
        }
    }
}

/// A planned tabular expression: its node and its output schema.
#[derive(Clone, Debug)]
pub struct Plan {
    pub node: Node,
    pub schema: Schema,
    pub span: Span,
}

/// A sort key: expression, descending, nulls first.
#[derive(Clone, Debug)]
pub struct SortSpec {
    pub expr: TExpr,
    pub descending: bool,
    pub nulls_first: bool,
}

/// One aggregation slot of a summarize: it adds one or more columns to the grouped table.
#[derive(Clone, Debug)]
pub enum Agg {
    /// `count()`.
    Count,
    /// An aggregation of the library over evaluated arguments; `consts` are the constant
    /// arguments passed to its constructor (a percentile's 50, a make_set's size).
    Library { func: &'static AggFn, args: Vec<TExpr>, arg_types: Vec<Type>, consts: Vec<Value> },
    /// `arg_max`/`arg_min`: the row with the largest/smallest `by`, its `outputs`.
    ArgExtreme { by: TExpr, max: bool, outputs: Vec<TExpr> },
    /// `take_any(*)`, `take_any(a, b)`: the columns of one row of the group.
    AnyRow { outputs: Vec<TExpr> },
    /// `percentiles(x, p1, p2...)`: one column per percentile.
    Percentiles { func: &'static AggFn, value: TExpr, arg_types: Vec<Type>, percents: Vec<Value> },
}

#[derive(Clone, Debug)]
pub struct SummarizePlan {
    pub keys: Vec<TExpr>,
    pub aggs: Vec<Agg>,
    /// The output columns, computed over the grouped table (keys, then each slot's columns).
    pub outputs: Vec<TExpr>,
}

#[derive(Clone, Debug)]
pub struct JoinPlan {
    pub kind: JoinKind,
    /// Key column positions: (left, right).
    pub keys: Vec<(usize, usize)>,
    /// Output columns: which side and which column.
    pub outputs: Vec<(Side, usize)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Left,
    Right,
}

#[derive(Clone, Debug)]
pub struct MvExpandPlan {
    /// The expanded columns: (expression, position in the output, converted to).
    pub items: Vec<(TExpr, usize, Type)>,
    /// Input columns carried along (position in the output = position in this list, with
    /// expanded columns at their own positions).
    pub carried: Vec<Option<usize>>,
    pub item_index: bool,
    pub limit: Option<usize>,
    pub bag: bool,
}

#[derive(Clone, Debug)]
pub struct ParsePlan {
    pub source: TExpr,
    pub regex: Rc<regex::Regex>,
    /// Capture group i+1 goes to output column `targets[i].0` as type `.1`.
    pub targets: Vec<(usize, Type)>,
    pub keep_matching_only: bool,
    /// Input columns kept (output position = index).
    pub input_columns: usize,
}

#[derive(Clone, Debug)]
pub struct SeriesPlan {
    pub axis: TExpr,
    pub from: Option<TExpr>,
    pub to: Option<TExpr>,
    pub step: TExpr,
    pub keys: Vec<TExpr>,
    /// Each series: its aggregation and the default for empty bins.
    pub aggs: Vec<(Agg, Value)>,
}

#[derive(Clone, Debug)]
pub enum Node {
    Table(TableKind),
    /// Rows given in the query (`datatable`, `getschema` results), already typed.
    Rows(Vec<Vec<Value>>),
    /// `print`: one row of expressions.
    Print(Vec<TExpr>),
    Range {
        from: TExpr,
        to: TExpr,
        step: TExpr,
    },
    /// Computed once per query however often it is used.
    Materialized {
        id: usize,
        plan: Rc<Plan>,
    },
    /// The legs' columns placed in the output: `columns[leg][out]` is the leg's column for
    /// output column `out`, if it has one; `source` names each leg for `withsource=`.
    Union {
        legs: Vec<Plan>,
        columns: Vec<Vec<Option<usize>>>,
        source: Option<Vec<String>>,
    },
    Where(Box<Plan>, TExpr),
    /// The output columns computed over the input.
    Project(Box<Plan>, Vec<TExpr>),
    Summarize(Box<Plan>, SummarizePlan),
    Sort(Box<Plan>, Vec<SortSpec>),
    Top(Box<Plan>, usize, Vec<SortSpec>),
    Take(Box<Plan>, usize),
    Distinct(Box<Plan>, Vec<usize>),
    Count(Box<Plan>),
    Join(Box<Plan>, Box<Plan>, JoinPlan),
    MvExpand(Box<Plan>, MvExpandPlan),
    Parse(Box<Plan>, ParsePlan),
    MakeSeries(Box<Plan>, SeriesPlan),
}

impl Plan {
    pub fn new(node: Node, schema: Schema, span: Span) -> Plan {
        Plan { node, schema, span }
    }

    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.schema.iter().position(|(n, _)| n == name)
    }
}

/// What a `let` name (or a function parameter) stands for.
#[derive(Clone, Debug)]
pub enum Binding {
    Scalar(TExpr),
    Tabular(Rc<Plan>),
    Function(Rc<FunctionDef>),
}

/// A chart request of `render`.
#[derive(Clone, Debug, Default)]
pub struct RenderSpec {
    pub kind: String,
    pub properties: Vec<(String, Vec<Value>)>,
}

/// One tabular statement ready to run.
#[derive(Clone, Debug)]
pub struct Query {
    pub plan: Plan,
    pub render: Option<RenderSpec>,
}

/// The planner's state: the store (for table schemas), the `let` scopes, the query time.
pub struct Planner<'s> {
    pub store: &'s Store,
    pub now: i64,
    scopes: Vec<HashMap<String, Binding>>,
    next_materialized: usize,
    /// Nesting depth of function calls (a recursive function stops with a Limit error).
    depth: usize,
}

/// Deepest user-function nesting before planning stops.
const MAX_DEPTH: usize = 64;

impl<'s> Planner<'s> {
    pub fn new(store: &'s Store, now: i64) -> Planner<'s> {
        Planner { store, now, scopes: vec![HashMap::new()], next_materialized: 0, depth: 0 }
    }

    /// Plans every statement of a script: one query per tabular statement.
    pub fn script(&mut self, script: &ast::Script) -> Result<Vec<Query>, QueryError> {
        let mut queries = Vec::new();
        for statement in &script.statements {
            match statement {
                Statement::Let(l) => self.bind_let(l)?,
                Statement::Set { .. } => {}
                Statement::Query(t) => {
                    let (plan, render) = self.tabular_with_render(t)?;
                    queries.push(Query { plan, render });
                }
            }
        }
        Ok(queries)
    }

    pub fn lookup(&self, name: &str) -> Option<&Binding> {
        self.scopes.iter().rev().find_map(|s| s.get(name))
    }

    fn bind(&mut self, name: &str, binding: Binding) {
        if let Some(scope) = self.scopes.last_mut() {
            scope.insert(name.to_string(), binding);
        }
    }

    /// Every name bound by `let` in scope (for "did you mean").
    pub fn bound_names(&self) -> Vec<String> {
        self.scopes.iter().flat_map(|s| s.keys().cloned()).collect()
    }

    pub fn bind_let(&mut self, l: &ast::LetStmt) -> Result<(), QueryError> {
        let binding = match &l.value {
            LetValue::Scalar(e) => {
                let empty = Vec::new();
                let typed = self.expr(e, &empty)?;
                // A scalar `let` is computed once (`toscalar()` runs once, not per use).
                if typed.is_constant() {
                    let value = self.const_value(&typed)?;
                    Binding::Scalar(TExpr::constant(value, typed.ty, typed.span))
                } else {
                    Binding::Scalar(typed)
                }
            }
            LetValue::Tabular(t) => Binding::Tabular(Rc::new(self.tabular(t)?)),
            LetValue::Function(f) => Binding::Function(Rc::new(f.clone())),
        };
        self.bind(&l.name.name, binding);
        Ok(())
    }

    /// A materialized tabular expression: one id, so the executor computes it once.
    pub fn materialize(&mut self, plan: Plan, span: Span) -> Plan {
        let id = self.next_materialized;
        self.next_materialized += 1;
        let schema = plan.schema.clone();
        Plan::new(Node::Materialized { id, plan: Rc::new(plan) }, schema, span)
    }

    /// Runs `f` in a new `let` scope holding `bindings` (a function call's parameters).
    pub fn scoped<T>(
        &mut self,
        bindings: Vec<(String, Binding)>,
        span: Span,
        f: impl FnOnce(&mut Self) -> Result<T, QueryError>,
    ) -> Result<T, QueryError> {
        if self.depth >= MAX_DEPTH {
            return Err(QueryError::limit(span, "functions call each other too deeply (recursion?)"));
        }
        self.depth += 1;
        self.scopes.push(bindings.into_iter().collect());
        let result = f(self);
        self.scopes.pop();
        self.depth -= 1;
        result
    }

    /// Binds a user function's arguments to its parameters (defaults filled in, types
    /// checked) and plans its body's lets; returns the bindings.
    pub fn call_bindings(
        &mut self,
        name: &ast::Ident,
        def: &FunctionDef,
        args: Vec<Binding>,
        span: Span,
    ) -> Result<Vec<(String, Binding)>, QueryError> {
        if args.len() > def.params.len() {
            return Err(QueryError::type_error(
                span,
                format!("`{}` takes {} argument(s), {} given", name.name, def.params.len(), args.len()),
            ));
        }
        let mut bindings = Vec::new();
        let mut args = args.into_iter();
        for param in &def.params {
            let binding = match args.next() {
                Some(b) => b,
                None => match &param.default {
                    Some(d) => {
                        let empty = Vec::new();
                        Binding::Scalar(self.expr(d, &empty)?)
                    }
                    None => {
                        return Err(QueryError::type_error(
                            span,
                            format!("`{}` needs a value for its parameter `{}`", name.name, param.name.name),
                        ));
                    }
                },
            };
            match (&param.ty, &binding) {
                (ast::ParamType::Scalar(_), Binding::Scalar(_))
                | (ast::ParamType::Tabular { .. }, Binding::Tabular(_)) => {}
                _ => {
                    return Err(QueryError::type_error(
                        span,
                        format!(
                            "argument `{}` of `{}` is of the wrong kind (scalar or table)",
                            param.name.name, name.name
                        ),
                    ));
                }
            }
            let binding = match (&param.ty, binding) {
                (ast::ParamType::Scalar(ty), Binding::Scalar(e)) if e.ty != *ty => {
                    Binding::Scalar(expr::convert(e, *ty))
                }
                (_, b) => b,
            };
            bindings.push((param.name.name.clone(), binding));
        }
        Ok(bindings)
    }
}
