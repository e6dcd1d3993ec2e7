//! Typing of scalar expressions: names resolved to columns or `let` values, functions to
//! the library (or to user functions, inlined), operand types checked, result types fixed.

use super::super::aggregates;
use super::super::ast::{BinaryOp, Expr, ExprKind, FunctionResult, InRhs, ListOp, Span, UnaryOp};
use super::super::error::{QueryError, did_you_mean};
use super::super::functions;
use super::super::value::{Type, Value};
use super::{Agg, Binding, Plan, Planner, Schema, SearchKind, TExpr, TKind};
use std::rc::Rc;

/// Summarize context: aggregations met while typing an expression become slots of the
/// grouped table, and the expression reads them as columns.
pub struct AggContext {
    /// The summarize's input columns (what aggregation arguments read).
    pub input: Schema,
    /// Columns of the grouped table before the first slot (the keys).
    pub first_slot_column: usize,
    pub slots: Vec<Agg>,
    /// Columns the slots made so far.
    pub slot_columns: Vec<(String, Type)>,
}

impl AggContext {
    pub fn next_column(&self) -> usize {
        self.first_slot_column + self.slot_columns.len()
    }
}

/// Whether an expression runs a tabular expression (left to run time).
fn contains_plan(e: &TExpr) -> bool {
    match &e.kind {
        TKind::ToScalar(_) | TKind::InPlan(..) => true,
        TKind::Const(_) | TKind::Column(_) | TKind::RowNumber(_) | TKind::SearchAny { .. } => false,
        TKind::Call(_, args) | TKind::InList(_, _, args) if args.iter().any(contains_plan) => true,
        TKind::InList(_, a, _) => contains_plan(a),
        TKind::Call(..) => false,
        TKind::Neg(a) | TKind::Not(a) | TKind::Convert(a) => contains_plan(a),
        TKind::Binary(_, a, b)
        | TKind::And(a, b)
        | TKind::Or(a, b)
        | TKind::Str(_, a, b)
        | TKind::MatchesRegex(a, b)
        | TKind::Index(a, b) => contains_plan(a) || contains_plan(b),
        TKind::Between { value, low, high, .. } => contains_plan(value) || contains_plan(low) || contains_plan(high),
        TKind::Shift { value, default, .. } => contains_plan(value) || contains_plan(default),
    }
}

/// `e` converted to `ty` (no-op when it has that type).
pub fn convert(e: TExpr, ty: Type) -> TExpr {
    if e.ty == ty {
        return e;
    }
    let span = e.span;
    TExpr::new(TKind::Convert(Box::new(e)), ty, span)
}

fn is_integer(t: Type) -> bool {
    matches!(t, Type::Int | Type::Long)
}

/// The result type of arithmetic, or `None` when the operands do not combine.
pub fn arithmetic_type(op: BinaryOp, a: Type, b: Type) -> Option<Type> {
    use Type::{DateTime, Dynamic, Int, Long, Real, TimeSpan};
    Some(match (op, a, b) {
        (_, Dynamic, _) | (_, _, Dynamic) => Dynamic,
        (_, Int, Int) => Int,
        (_, x, y) if is_integer(x) && is_integer(y) => Long,
        (_, x, y) if x.is_numeric() && y.is_numeric() => Real,
        (BinaryOp::Sub, DateTime, DateTime) => TimeSpan,
        (BinaryOp::Add | BinaryOp::Sub, DateTime, TimeSpan) | (BinaryOp::Add, TimeSpan, DateTime) => DateTime,
        (BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mod, TimeSpan, TimeSpan) => TimeSpan,
        (BinaryOp::Div, TimeSpan, TimeSpan) => Real,
        (BinaryOp::Mul, TimeSpan, n) | (BinaryOp::Mul, n, TimeSpan) if n.is_numeric() => TimeSpan,
        (BinaryOp::Div, TimeSpan, n) if n.is_numeric() => TimeSpan,
        _ => return None,
    })
}

/// Whether two types can be compared with `<`, `==`...
pub fn comparable(a: Type, b: Type) -> bool {
    a == b || (a.is_numeric() && b.is_numeric()) || a == Type::Dynamic || b == Type::Dynamic
}

fn op_text(op: BinaryOp) -> String {
    match op {
        BinaryOp::Add => "+".into(),
        BinaryOp::Sub => "-".into(),
        BinaryOp::Mul => "*".into(),
        BinaryOp::Div => "/".into(),
        BinaryOp::Mod => "%".into(),
        BinaryOp::Lt => "<".into(),
        BinaryOp::Le => "<=".into(),
        BinaryOp::Gt => ">".into(),
        BinaryOp::Ge => ">=".into(),
        BinaryOp::Eq => "==".into(),
        BinaryOp::Ne => "!=".into(),
        BinaryOp::EqCi => "=~".into(),
        BinaryOp::NeCi => "!~".into(),
        BinaryOp::And => "and".into(),
        BinaryOp::Or => "or".into(),
        BinaryOp::Str(s) => s.text(),
        BinaryOp::MatchesRegex => "matches regex".into(),
    }
}

impl Planner<'_> {
    /// Types a scalar expression over `schema`.
    pub fn expr(&mut self, e: &Expr, schema: &Schema) -> Result<TExpr, QueryError> {
        self.expr_in(e, schema, &mut None)
    }

    /// Types an expression that may hold aggregations (a summarize's result expressions).
    pub fn expr_in(&mut self, e: &Expr, schema: &Schema, aggs: &mut Option<AggContext>) -> Result<TExpr, QueryError> {
        let typed = self.expr_unfolded(e, schema, aggs)?;
        self.fold(typed)
    }

    /// An expression that reads no column, computed once now (`ago(1d)`, `2 * 3`), so rows
    /// compare against a constant.
    fn fold(&self, e: TExpr) -> Result<TExpr, QueryError> {
        let foldable = match &e.kind {
            TKind::Const(_) | TKind::ToScalar(_) | TKind::InPlan(..) => false,
            TKind::Call(f, _) => !matches!(f.name, "rand" | "new_guid"),
            _ => true,
        };
        if !foldable || !e.is_constant() || contains_plan(&e) {
            return Ok(e);
        }
        let value = self.const_value(&e)?;
        Ok(TExpr::constant(value, e.ty, e.span))
    }

    fn expr_unfolded(&mut self, e: &Expr, schema: &Schema, aggs: &mut Option<AggContext>) -> Result<TExpr, QueryError> {
        let span = e.span;
        Ok(match &e.kind {
            ExprKind::Literal { value, ty } => TExpr::constant(value.clone(), *ty, span),
            ExprKind::Name(ident) => self.name(&ident.name, span, schema)?,
            ExprKind::SideColumn { column, .. } => {
                return Err(QueryError::syntax(
                    span,
                    format!("`$left.{0}`/`$right.{0}` can only be used in a join's `on` clause", column.name),
                ));
            }
            ExprKind::Star => {
                return Err(QueryError::syntax(span, "`*` can only be an argument of an aggregation"));
            }
            ExprKind::TypeOf(t) => TExpr::constant(Value::str(t.name()), Type::String, span),
            ExprKind::Call { name, args } => self.call(&name.name, name.span, args, span, schema, aggs)?,
            ExprKind::Member { target, key } => {
                let target = self.expr_in(target, schema, aggs)?;
                let key = TExpr::constant(Value::str(&key.name), Type::String, key.span);
                self.index(target, key, span)?
            }
            ExprKind::Index { target, index } => {
                let target = self.expr_in(target, schema, aggs)?;
                let index = self.expr_in(index, schema, aggs)?;
                self.index(target, index, span)?
            }
            ExprKind::Unary { op, operand } => {
                let operand = self.expr_in(operand, schema, aggs)?;
                match op {
                    UnaryOp::Plus => operand,
                    UnaryOp::Neg => {
                        if !(operand.ty.is_numeric() || matches!(operand.ty, Type::TimeSpan | Type::Dynamic)) {
                            return Err(QueryError::type_error(
                                span,
                                format!("cannot negate a value of type {}", operand.ty.name()),
                            ));
                        }
                        let ty = operand.ty;
                        TExpr::new(TKind::Neg(Box::new(operand)), ty, span)
                    }
                    UnaryOp::Not => {
                        let operand = self.boolean(operand, "not")?;
                        TExpr::new(TKind::Not(Box::new(operand)), Type::Bool, span)
                    }
                }
            }
            ExprKind::Binary { op, lhs, rhs } => {
                let l = self.expr_in(lhs, schema, aggs)?;
                let r = self.expr_in(rhs, schema, aggs)?;
                self.binary(*op, l, r, span)?
            }
            ExprKind::InList { op, lhs, rhs } => {
                let l = self.expr_in(lhs, schema, aggs)?;
                match rhs {
                    InRhs::Tabular(t) => {
                        let plan = self.tabular(t)?;
                        self.in_plan(*op, l, plan, span)?
                    }
                    InRhs::List(items) => {
                        // `x in (T)`: a single name that is a table or a tabular let.
                        if let [one] = items.as_slice()
                            && let ExprKind::Name(ident) = &one.kind
                            && !schema.iter().any(|(n, _)| n == &ident.name)
                            && let Some(plan) = self.tabular_name(&ident.name, one.span)?
                        {
                            return self.in_plan(*op, l, plan, span);
                        }
                        let list =
                            items.iter().map(|i| self.expr_in(i, schema, aggs)).collect::<Result<Vec<_>, _>>()?;
                        TExpr::new(TKind::InList(*op, Box::new(l), list), Type::Bool, span)
                    }
                }
            }
            ExprKind::Between { lhs, low, high, negated } => {
                let value = self.expr_in(lhs, schema, aggs)?;
                let low = self.expr_in(low, schema, aggs)?;
                let mut high = self.expr_in(high, schema, aggs)?;
                // `t between (start .. 1d)`: the high end is a length from the low end.
                if value.ty == Type::DateTime && high.ty == Type::TimeSpan {
                    let hspan = high.span;
                    high = TExpr::new(
                        TKind::Binary(BinaryOp::Add, Box::new(low.clone()), Box::new(high)),
                        Type::DateTime,
                        hspan,
                    );
                }
                for bound in [&low, &high] {
                    if !comparable(value.ty, bound.ty) {
                        return Err(QueryError::type_error(
                            bound.span,
                            format!("`between` cannot compare {} with {}", value.ty.name(), bound.ty.name()),
                        ));
                    }
                }
                TExpr::new(
                    TKind::Between {
                        value: Box::new(value),
                        low: Box::new(low),
                        high: Box::new(high),
                        negated: *negated,
                    },
                    Type::Bool,
                    span,
                )
            }
            ExprKind::ToScalar(t) => {
                let plan = self.tabular(t)?;
                let ty = plan.schema.first().map_or(Type::Dynamic, |c| c.1);
                TExpr::new(TKind::ToScalar(Box::new(plan)), ty, span)
            }
            ExprKind::SearchTerm { column, term } => {
                self.search_term(column.as_ref().map(|c| c.name.as_str()), term, false, span, schema)?
            }
        })
    }

    /// A `search` term: over one column (`Col:"x"`) or every column.
    pub fn search_term(
        &mut self,
        column: Option<&str>,
        term: &str,
        case_sensitive: bool,
        span: Span,
        schema: &Schema,
    ) -> Result<TExpr, QueryError> {
        let (kind, needle) = match (term.strip_prefix('*'), term.strip_suffix('*')) {
            _ if term == "*" => (SearchKind::Everything, ""),
            (Some(rest), _) if rest.ends_with('*') => (SearchKind::Contains, &rest[..rest.len() - 1]),
            (Some(rest), _) => (SearchKind::HasSuffix, rest),
            (None, Some(rest)) => (SearchKind::HasPrefix, rest),
            (None, None) => (SearchKind::Has, term),
        };
        match column {
            None => {
                Ok(TExpr::new(TKind::SearchAny { kind, term: needle.to_string(), case_sensitive }, Type::Bool, span))
            }
            Some(name) => {
                let col = self.name(name, span, schema)?;
                let str_kind = match kind {
                    SearchKind::Everything => return Ok(TExpr::constant(Value::Bool(true), Type::Bool, span)),
                    SearchKind::Has => super::super::ast::StrOpKind::Has,
                    SearchKind::Contains => super::super::ast::StrOpKind::Contains,
                    SearchKind::HasPrefix => super::super::ast::StrOpKind::HasPrefix,
                    SearchKind::HasSuffix => super::super::ast::StrOpKind::HasSuffix,
                };
                let op = super::super::ast::StrOp { kind: str_kind, case_sensitive, negated: false };
                let needle = TExpr::constant(Value::str(needle), Type::String, span);
                Ok(TExpr::new(TKind::Str(op, Box::new(col), Box::new(needle)), Type::Bool, span))
            }
        }
    }

    /// A tabular `let` name or a table, as a plan (`None` when the name is neither).
    pub fn tabular_name(&mut self, name: &str, span: Span) -> Result<Option<Plan>, QueryError> {
        match self.lookup(name) {
            Some(Binding::Tabular(p)) => Ok(Some((**p).clone())),
            Some(_) => Ok(None),
            None => Ok(super::super::source::table_kind(name).map(|kind| self.table_plan(kind, span))),
        }
    }

    fn in_plan(&mut self, op: ListOp, l: TExpr, plan: Plan, span: Span) -> Result<TExpr, QueryError> {
        if plan.schema.is_empty() {
            return Err(QueryError::type_error(span, "the table after `in` has no columns"));
        }
        Ok(TExpr::new(TKind::InPlan(op, Box::new(l), Box::new(plan)), Type::Bool, span))
    }

    /// A name in scalar context: a column of the input, else a scalar `let`.
    pub fn name(&mut self, name: &str, span: Span, schema: &Schema) -> Result<TExpr, QueryError> {
        if let Some(i) = schema.iter().position(|(n, _)| n == name) {
            return Ok(TExpr::column(i, schema[i].1, span));
        }
        match self.lookup(name) {
            Some(Binding::Scalar(e)) => {
                let mut e = e.clone();
                e.span = span;
                Ok(e)
            }
            Some(Binding::Tabular(_)) => Err(QueryError::type_error(
                span,
                format!("`{name}` is a table; use it as a source or with `in`, `toscalar()`"),
            )),
            Some(Binding::Function(_)) => {
                Err(QueryError::type_error(span, format!("`{name}` is a function; call it as `{name}()`")))
            }
            None => {
                let mut candidates: Vec<String> = schema.iter().map(|(n, _)| n.clone()).collect();
                candidates.extend(self.bound_names());
                let hint = did_you_mean(name, &candidates).map_or(String::new(), |m| format!("; did you mean `{m}`?"));
                Err(QueryError::name(span, format!("unknown column or name `{name}`{hint}")))
            }
        }
    }

    fn boolean(&self, e: TExpr, what: &str) -> Result<TExpr, QueryError> {
        match e.ty {
            Type::Bool => Ok(e),
            Type::Dynamic => Ok(convert(e, Type::Bool)),
            other => Err(QueryError::type_error(
                e.span,
                format!("`{what}` needs a bool, found a value of type {}", other.name()),
            )),
        }
    }

    fn index(&self, target: TExpr, index: TExpr, span: Span) -> Result<TExpr, QueryError> {
        if !matches!(target.ty, Type::Dynamic) {
            return Err(QueryError::type_error(
                target.span,
                format!(
                    "only dynamic values can be indexed, this is a {} (convert it with todynamic() or parse_json())",
                    target.ty.name()
                ),
            ));
        }
        Ok(TExpr::new(TKind::Index(Box::new(target), Box::new(index)), Type::Dynamic, span))
    }

    pub fn binary(&self, op: BinaryOp, l: TExpr, r: TExpr, span: Span) -> Result<TExpr, QueryError> {
        let mismatch = |l: &TExpr, r: &TExpr| {
            QueryError::type_error(
                span,
                format!("cannot apply `{}` to {} and {}", op_text(op), l.ty.name(), r.ty.name()),
            )
        };
        Ok(match op {
            BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div | BinaryOp::Mod => {
                let ty = arithmetic_type(op, l.ty, r.ty).ok_or_else(|| mismatch(&l, &r))?;
                TExpr::new(TKind::Binary(op, Box::new(l), Box::new(r)), ty, span)
            }
            BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge | BinaryOp::Eq | BinaryOp::Ne => {
                if !comparable(l.ty, r.ty) {
                    return Err(mismatch(&l, &r));
                }
                TExpr::new(TKind::Binary(op, Box::new(l), Box::new(r)), Type::Bool, span)
            }
            BinaryOp::EqCi | BinaryOp::NeCi => {
                TExpr::new(TKind::Binary(op, Box::new(l), Box::new(r)), Type::Bool, span)
            }
            BinaryOp::And | BinaryOp::Or => {
                let l = self.boolean(l, &op_text(op))?;
                let r = self.boolean(r, &op_text(op))?;
                let kind = if op == BinaryOp::And {
                    TKind::And(Box::new(l), Box::new(r))
                } else {
                    TKind::Or(Box::new(l), Box::new(r))
                };
                TExpr::new(kind, Type::Bool, span)
            }
            BinaryOp::Str(s) => TExpr::new(TKind::Str(s, Box::new(l), Box::new(r)), Type::Bool, span),
            BinaryOp::MatchesRegex => {
                if r.ty != Type::String {
                    return Err(mismatch(&l, &r));
                }
                TExpr::new(TKind::MatchesRegex(Box::new(l), Box::new(r)), Type::Bool, span)
            }
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn call(
        &mut self,
        name: &str,
        name_span: Span,
        args: &[Expr],
        span: Span,
        schema: &Schema,
        aggs: &mut Option<AggContext>,
    ) -> Result<TExpr, QueryError> {
        // A user function bound by `let`.
        if let Some(Binding::Function(def)) = self.lookup(name).cloned() {
            let mut bound = Vec::with_capacity(args.len());
            for a in args {
                bound.push(Binding::Scalar(self.expr_in(a, schema, aggs)?));
            }
            let ident = super::super::ast::Ident { name: name.to_string(), span: name_span };
            let bindings = self.call_bindings(&ident, &def, bound, span)?;
            let def = Rc::clone(&def);
            return self.scoped(bindings, span, |p| {
                for l in &def.body.lets {
                    p.bind_let(l)?;
                }
                match &def.body.result {
                    FunctionResult::Scalar(e) => {
                        let empty = Vec::new();
                        p.expr(e, &empty)
                    }
                    FunctionResult::Tabular(_) => Err(QueryError::type_error(
                        span,
                        format!("`{name}` returns a table; use it as a source, with `in` or in `toscalar()`"),
                    )),
                }
            });
        }
        match name {
            "row_number" => {
                let start = match args.first() {
                    None => 1,
                    Some(a) => {
                        let e = self.expr(a, schema)?;
                        self.const_int(&e)?
                    }
                };
                return Ok(TExpr::new(TKind::RowNumber(start), Type::Long, span));
            }
            "prev" | "next" => {
                let Some(first) = args.first() else {
                    return Err(QueryError::type_error(span, format!("`{name}` needs a column")));
                };
                let value = self.expr_in(first, schema, aggs)?;
                let offset = match args.get(1) {
                    Some(a) => {
                        let e = self.expr(a, schema)?;
                        self.const_int(&e)?
                    }
                    None => 1,
                };
                let default = match args.get(2) {
                    Some(a) => convert(self.expr_in(a, schema, aggs)?, value.ty),
                    None => TExpr::constant(Value::Null, value.ty, span),
                };
                let offset = if name == "prev" { offset } else { offset.saturating_neg() };
                let ty = value.ty;
                return Ok(TExpr::new(
                    TKind::Shift { value: Box::new(value), offset, default: Box::new(default) },
                    ty,
                    span,
                ));
            }
            _ => {}
        }
        if aggregates::aggregate(name).is_some()
            || matches!(name, "count" | "arg_max" | "arg_min" | "percentiles" | "percentiles_array")
        {
            let Some(ctx) = aggs.as_mut() else {
                return Err(QueryError::type_error(
                    span,
                    format!("`{name}` is an aggregation: it can only be used in `summarize` or `make-series`"),
                ));
            };
            let input = ctx.input.clone();
            let (agg, columns) = self.aggregate(name, args, span, &input, None)?;
            if columns.len() != 1 {
                return Err(QueryError::type_error(
                    span,
                    format!("`{name}` gives several columns: it cannot be part of an expression"),
                ));
            }
            let index = ctx.next_column();
            let ty = columns[0].1;
            ctx.slots.push(agg);
            ctx.slot_columns.extend(columns);
            return Ok(TExpr::column(index, ty, span));
        }
        let Some(func) = functions::scalar(name) else {
            let mut names: Vec<String> = functions::scalar_names().iter().map(|s| s.to_string()).collect();
            names.extend(self.bound_names());
            if aggs.is_some() {
                names.extend(aggregates::aggregate_names().iter().map(|s| s.to_string()));
            }
            let hint = did_you_mean(name, &names).map_or(String::new(), |m| format!("; did you mean `{m}`?"));
            return Err(QueryError::name(name_span, format!("unknown function `{name}`{hint}")));
        };
        if args.len() < func.min_args || args.len() > func.max_args {
            let wanted = if func.min_args == func.max_args {
                format!("{}", func.min_args)
            } else if func.max_args == usize::MAX {
                format!("at least {}", func.min_args)
            } else {
                format!("{} to {}", func.min_args, func.max_args)
            };
            return Err(QueryError::type_error(
                span,
                format!("`{name}` takes {wanted} argument(s), {} given", args.len()),
            ));
        }
        let mut typed = Vec::with_capacity(args.len());
        for a in args {
            typed.push(self.expr_in(a, schema, aggs)?);
        }
        let types: Vec<Type> = typed.iter().map(|t| t.ty).collect();
        // `typeof(T)` at the function's type argument names the result type.
        let type_name = func.typeof_arg.and_then(|i| args.get(i)).and_then(|a| match &a.kind {
            ExprKind::TypeOf(t) => Some(t.name()),
            _ => None,
        });
        let ty =
            func.result_type(&types, type_name).map_err(|m| QueryError::type_error(span, format!("{name}(): {m}")))?;
        Ok(TExpr::new(TKind::Call(func, typed), ty, span))
    }

    /// The integer value of a constant expression (a `take` count, an offset).
    pub fn const_int(&self, e: &TExpr) -> Result<i64, QueryError> {
        match self.const_value(e)? {
            Value::Int(i) => Ok(i),
            Value::Real(r) if r.is_finite() => Ok(r as i64),
            _ => Err(QueryError::type_error(e.span, "expected a constant whole number")),
        }
    }

    /// The value of an expression that reads no column, computed now.
    pub fn const_value(&self, e: &TExpr) -> Result<Value, QueryError> {
        if !e.is_constant() {
            return Err(QueryError::type_error(e.span, "expected a constant, not an expression over columns"));
        }
        super::super::exec::constant(self.store, self.now, e)
    }
}
