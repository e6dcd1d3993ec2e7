//! Planning of sources and tabular operators: each checks its names and types against its
//! input's schema and fixes its output schema (Kusto's names for unnamed columns, the `1`
//! suffix of clashing join columns, union's merged columns).

use super::super::aggregates;
use super::super::ast::{
    self, Expr, ExprKind, FunctionResult, Ident, JoinKey, JoinKind, LookupKind, NamedExpr, OpKind, ParseKind,
    ParsePart, Source, Span, TabularExpr, UnionKind,
};
use super::super::error::{QueryError, did_you_mean};
use super::super::source;
use super::super::value::{Type, Value};
use super::expr::{AggContext, convert};
use super::naming::{self, Names};
use super::{
    Agg, Binding, JoinPlan, MvExpandPlan, Node, ParsePlan, Plan, Planner, RenderSpec, Schema, SeriesPlan, Side,
    SortSpec, SummarizePlan, TExpr, TKind,
};
use crate::model::TableKind;
use std::rc::Rc;

/// Whether `name` matches a pattern with `*` wildcards.
pub fn wildcard_match(pattern: &str, name: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    let (Some(first), Some(last)) = (parts.first(), parts.last()) else {
        return pattern == name;
    };
    if parts.len() == 1 {
        return pattern == name;
    }
    if !name.starts_with(first) || name.len() < first.len() + last.len() || !name.ends_with(last) {
        return false;
    }
    let mut rest = &name[first.len()..name.len() - last.len()];
    for part in &parts[1..parts.len() - 1] {
        match rest.find(part) {
            Some(i) => rest = &rest[i + part.len()..],
            None => return false,
        }
    }
    true
}

fn unknown_column(name: &Ident, schema: &Schema) -> QueryError {
    let names: Vec<&str> = schema.iter().map(|(n, _)| n.as_str()).collect();
    let hint = did_you_mean(&name.name, &names).map_or(String::new(), |m| format!("; did you mean `{m}`?"));
    QueryError::name(name.span, format!("unknown column `{}`{hint}", name.name))
}

/// The positions of the columns a list of names (with wildcards) picks, in schema order
/// for wildcards and list order otherwise.
fn pick_columns(names: &[Ident], schema: &Schema) -> Result<Vec<usize>, QueryError> {
    let mut picked = Vec::new();
    for name in names {
        if name.is_wildcard() {
            for (i, (n, _)) in schema.iter().enumerate() {
                if wildcard_match(&name.name, n) && !picked.contains(&i) {
                    picked.push(i);
                }
            }
        } else {
            let i = schema.iter().position(|(n, _)| n == &name.name).ok_or_else(|| unknown_column(name, schema))?;
            if !picked.contains(&i) {
                picked.push(i);
            }
        }
    }
    Ok(picked)
}

fn project(input: Plan, columns: Vec<(String, TExpr)>, span: Span) -> Plan {
    let schema = columns.iter().map(|(n, e)| (n.clone(), e.ty)).collect();
    let exprs = columns.into_iter().map(|(_, e)| e).collect();
    Plan::new(Node::Project(Box::new(input), exprs), schema, span)
}

fn keep_columns(input: Plan, indices: &[usize], span: Span) -> Plan {
    let columns = indices
        .iter()
        .map(|&i| {
            let (name, ty) = input.schema[i].clone();
            (name, TExpr::column(i, ty, span))
        })
        .collect();
    project(input, columns, span)
}

/// Formats a percentile for a column name: `50`, `99_5`.
fn percent_name(v: &Value) -> String {
    v.to_display().replace('.', "_")
}

impl Planner<'_> {
    pub fn table_plan(&self, kind: TableKind, span: Span) -> Plan {
        Plan::new(Node::Table(kind), source::schema(self.store, kind), span)
    }

    /// A tabular expression with its `render` (the chart request), if any.
    pub fn tabular_with_render(&mut self, t: &TabularExpr) -> Result<(Plan, Option<RenderSpec>), QueryError> {
        let mut plan = self.source(&t.source)?;
        let mut render = None;
        for op in &t.ops {
            if let OpKind::Render(r) = &op.kind {
                let mut properties = Vec::new();
                for p in &r.properties {
                    let mut values = Vec::new();
                    for v in &p.values {
                        values.push(match &v.kind {
                            ExprKind::Name(i) => Value::str(&i.name),
                            _ => {
                                let e = self.expr(v, &plan.schema)?;
                                self.const_value(&e)?
                            }
                        });
                    }
                    properties.push((p.name.name.clone(), values));
                }
                render = Some(RenderSpec { kind: r.chart.name.clone(), properties });
                continue;
            }
            plan = self.operator(plan, op)?;
        }
        Ok((plan, render))
    }

    pub fn tabular(&mut self, t: &TabularExpr) -> Result<Plan, QueryError> {
        self.tabular_with_render(t).map(|(p, _)| p)
    }

    fn source(&mut self, s: &Source) -> Result<Plan, QueryError> {
        let span = s.span();
        match s {
            Source::Table(ident) => self.named_table(ident),
            Source::Paren(t) => self.tabular(t),
            Source::Materialize(t, span) => {
                let plan = self.tabular(t)?;
                Ok(self.materialize(plan, *span))
            }
            Source::Call { name, args, span } => self.call_tabular(name, args, *span),
            Source::Datatable(d) => {
                let schema: Schema = d.columns.iter().map(|c| (c.name.name.clone(), c.ty)).collect();
                if schema.is_empty() {
                    return Err(QueryError::syntax(d.span, "`datatable` needs at least one column"));
                }
                if d.values.len() % schema.len() != 0 {
                    return Err(QueryError::type_error(
                        d.span,
                        format!(
                            "`datatable` has {} values, not a whole number of rows of {} columns",
                            d.values.len(),
                            schema.len()
                        ),
                    ));
                }
                let empty = Vec::new();
                let mut rows = Vec::new();
                for chunk in d.values.chunks(schema.len()) {
                    let mut row = Vec::with_capacity(chunk.len());
                    for (v, (_, ty)) in chunk.iter().zip(&schema) {
                        let e = self.expr(v, &empty)?;
                        row.push(self.const_value(&e)?.convert_to(*ty));
                    }
                    rows.push(row);
                }
                Ok(Plan::new(Node::Rows(rows), schema, d.span))
            }
            Source::Print(p) => {
                let empty = Vec::new();
                let mut names = Names::default();
                let mut columns = Vec::new();
                for (i, item) in p.items.iter().enumerate() {
                    let e = self.expr(&item.expr, &empty)?;
                    let name = match item.name() {
                        Some(n) => names.unique(&n.name),
                        None => names.unique(&format!("print_{i}")),
                    };
                    columns.push((name, e));
                }
                let schema = columns.iter().map(|(n, e)| (n.clone(), e.ty)).collect();
                Ok(Plan::new(Node::Print(columns.into_iter().map(|c| c.1).collect()), schema, p.span))
            }
            Source::Range(r) => {
                let empty = Vec::new();
                let from = self.expr(&r.from, &empty)?;
                let to = self.expr(&r.to, &empty)?;
                let step = self.expr(&r.step, &empty)?;
                let ty = if from.ty == Type::DateTime {
                    Type::DateTime
                } else if from.ty == Type::TimeSpan {
                    Type::TimeSpan
                } else if from.ty == Type::Real || to.ty == Type::Real || step.ty == Type::Real {
                    Type::Real
                } else {
                    Type::Long
                };
                for e in [&from, &to, &step] {
                    if !e.is_constant() {
                        return Err(QueryError::type_error(e.span, "`range` bounds must be constants"));
                    }
                }
                let schema = vec![(r.column.name.clone(), ty)];
                Ok(Plan::new(Node::Range { from, to, step }, schema, r.span))
            }
            Source::Union(u) => {
                let legs = self.union_legs(&u.tables, u.is_fuzzy)?;
                self.union(legs, u, span)
            }
            Source::Search(s) => {
                let legs = match &s.tables {
                    Some(names) => {
                        let mut legs = Vec::new();
                        for n in names {
                            legs.extend(self.table_legs(n, false)?);
                        }
                        legs
                    }
                    None => {
                        TableKind::ALL.into_iter().map(|k| (k.name().to_string(), self.table_plan(k, span))).collect()
                    }
                };
                // The search runs on each table before the union (only matching rows are put
                // together); a predicate naming a column one table lacks runs after it.
                let mut filtered = Vec::with_capacity(legs.len());
                for (name, leg) in &legs {
                    match self.search(leg.clone(), s) {
                        Ok(plan) => filtered.push((name.clone(), plan)),
                        Err(_) => {
                            let union = self.union_of(legs, UnionKind::Outer, Some("$table".to_string()), span)?;
                            return self.search(union, s);
                        }
                    }
                }
                self.union_of(filtered, UnionKind::Outer, Some("$table".to_string()), span)
            }
        }
    }

    /// A table or tabular `let` by name.
    fn named_table(&mut self, ident: &Ident) -> Result<Plan, QueryError> {
        if let Some(plan) = self.tabular_name(&ident.name, ident.span)? {
            return Ok(plan);
        }
        if let Some(Binding::Function(def)) = self.lookup(&ident.name).cloned()
            && def.params.is_empty()
        {
            return self.call_tabular(ident, &[], ident.span);
        }
        if matches!(self.lookup(&ident.name), Some(Binding::Scalar(_))) {
            return Err(QueryError::type_error(ident.span, format!("`{}` is a scalar, not a table", ident.name)));
        }
        let mut names = source::table_names();
        names.extend(self.bound_names());
        let hint = did_you_mean(&ident.name, &names).map_or(String::new(), |m| format!("; did you mean `{m}`?"));
        Err(QueryError::name(ident.span, format!("unknown table `{}`{hint}", ident.name)))
    }

    fn call_tabular(&mut self, name: &Ident, args: &[Expr], span: Span) -> Result<Plan, QueryError> {
        if matches!(
            name.name.as_str(),
            "externaldata" | "external_table" | "cluster" | "database" | "workspace" | "app" | "adx"
        ) {
            return Err(QueryError::unsupported(
                span,
                format!("`{}` reads data from elsewhere: not available offline", name.name),
            ));
        }
        let Some(Binding::Function(def)) = self.lookup(&name.name).cloned() else {
            let mut names = self.bound_names();
            names.extend(source::table_names());
            let hint = did_you_mean(&name.name, &names).map_or(String::new(), |m| format!("; did you mean `{m}`?"));
            return Err(QueryError::name(name.span, format!("unknown function `{}`{hint}", name.name)));
        };
        let mut bound = Vec::new();
        for (i, a) in args.iter().enumerate() {
            let tabular_param = matches!(def.params.get(i).map(|p| &p.ty), Some(ast::ParamType::Tabular { .. }));
            if tabular_param {
                let plan = match &a.kind {
                    ExprKind::Name(ident) => self.named_table(ident)?,
                    _ => return Err(QueryError::type_error(a.span, "expected a table here")),
                };
                bound.push(Binding::Tabular(Rc::new(plan)));
            } else {
                let empty = Vec::new();
                bound.push(Binding::Scalar(self.expr(a, &empty)?));
            }
        }
        let bindings = self.call_bindings(name, &def, bound, span)?;
        self.scoped(bindings, span, |p| {
            for l in &def.body.lets {
                p.bind_let(l)?;
            }
            match &def.body.result {
                FunctionResult::Tabular(t) => p.tabular(t),
                FunctionResult::Scalar(_) => {
                    Err(QueryError::type_error(span, format!("`{}` returns a scalar, not a table", name.name)))
                }
            }
        })
    }

    /// A leg name (possibly a wildcard) as (name, plan) legs.
    fn table_legs(&mut self, ident: &Ident, fuzzy: bool) -> Result<Vec<(String, Plan)>, QueryError> {
        if ident.is_wildcard() {
            let legs: Vec<(String, Plan)> = TableKind::ALL
                .into_iter()
                .filter(|k| wildcard_match(&ident.name, k.name()))
                .map(|k| (k.name().to_string(), self.table_plan(k, ident.span)))
                .collect();
            return Ok(legs);
        }
        match self.named_table(ident) {
            Ok(plan) => Ok(vec![(ident.name.clone(), plan)]),
            Err(_) if fuzzy => Ok(Vec::new()),
            Err(e) => Err(e),
        }
    }

    fn union_legs(&mut self, tables: &[TabularExpr], fuzzy: bool) -> Result<Vec<(String, Plan)>, QueryError> {
        let mut legs = Vec::new();
        for (i, t) in tables.iter().enumerate() {
            match (&t.source, t.ops.is_empty()) {
                (Source::Table(ident), true) => legs.extend(self.table_legs(ident, fuzzy)?),
                _ => legs.push((format!("union_arg{i}"), self.tabular(t)?)),
            }
        }
        Ok(legs)
    }

    fn union(&mut self, legs: Vec<(String, Plan)>, u: &ast::Union, span: Span) -> Result<Plan, QueryError> {
        self.union_of(legs, u.kind, u.with_source.as_ref().map(|i| i.name.clone()), span)
    }

    /// Legs merged by column name: a name with one type is one column; a name with several
    /// types becomes one column per type (`x_long`, `x_string`), as Kusto does.
    pub fn union_of(
        &mut self,
        legs: Vec<(String, Plan)>,
        kind: UnionKind,
        with_source: Option<String>,
        span: Span,
    ) -> Result<Plan, QueryError> {
        let mut merged: Vec<(String, Type)> = Vec::new();
        for (_, leg) in &legs {
            for col in &leg.schema {
                if !merged.contains(col) {
                    merged.push(col.clone());
                }
            }
        }
        if kind == UnionKind::Inner {
            merged.retain(|col| legs.iter().all(|(_, leg)| leg.schema.contains(col)));
        }
        let mut schema: Schema = Vec::new();
        for (name, ty) in &merged {
            let several = merged.iter().filter(|(n, _)| n == name).count() > 1;
            let out = if several { format!("{name}_{}", ty.name()) } else { name.clone() };
            schema.push((out, *ty));
        }
        let columns: Vec<Vec<Option<usize>>> = legs
            .iter()
            .map(|(_, leg)| merged.iter().map(|col| leg.schema.iter().position(|c| c == col)).collect())
            .collect();
        let source = with_source.as_ref().map(|_| legs.iter().map(|(n, _)| n.clone()).collect());
        if let Some(name) = with_source {
            schema.insert(0, (name, Type::String));
        }
        let legs = legs.into_iter().map(|(_, p)| p).collect();
        Ok(Plan::new(Node::Union { legs, columns, source }, schema, span))
    }

    fn search(&mut self, input: Plan, s: &ast::Search) -> Result<Plan, QueryError> {
        let predicate = self.search_predicate(&s.predicate, s.case_sensitive, &input.schema)?;
        let span = s.span;
        Ok(Plan::new(Node::Where(Box::new(input.clone()), predicate), input.schema, span))
    }

    fn search_predicate(&mut self, e: &Expr, case_sensitive: bool, schema: &Schema) -> Result<TExpr, QueryError> {
        match &e.kind {
            ExprKind::SearchTerm { column, term } => {
                self.search_term(column.as_ref().map(|c| c.name.as_str()), term, case_sensitive, e.span, schema)
            }
            ExprKind::Binary { op: op @ (ast::BinaryOp::And | ast::BinaryOp::Or), lhs, rhs } => {
                let l = self.search_predicate(lhs, case_sensitive, schema)?;
                let r = self.search_predicate(rhs, case_sensitive, schema)?;
                self.binary(*op, l, r, e.span)
            }
            ExprKind::Unary { op: ast::UnaryOp::Not, operand } => {
                let inner = self.search_predicate(operand, case_sensitive, schema)?;
                Ok(TExpr::new(TKind::Not(Box::new(inner)), Type::Bool, e.span))
            }
            _ => {
                let p = self.expr(e, schema)?;
                Ok(convert(p, Type::Bool))
            }
        }
    }

    fn operator(&mut self, input: Plan, op: &ast::Operator) -> Result<Plan, QueryError> {
        let span = op.span;
        match &op.kind {
            OpKind::Where(e) => {
                let p = self.expr(e, &input.schema)?;
                if !matches!(p.ty, Type::Bool | Type::Dynamic) {
                    return Err(QueryError::type_error(
                        e.span,
                        format!("`where` needs a bool condition, this is a {}", p.ty.name()),
                    ));
                }
                let p = convert(p, Type::Bool);
                let schema = input.schema.clone();
                Ok(Plan::new(Node::Where(Box::new(input), p), schema, span))
            }
            OpKind::Project(items) => {
                let mut names = Names::default();
                let mut columns = Vec::new();
                for item in items {
                    let e = self.expr(&item.expr, &input.schema)?;
                    let name = match item.name() {
                        Some(n) => n.name.clone(),
                        None => naming::expr_name(&item.expr).unwrap_or_else(|| names.column()),
                    };
                    if names.is_taken(&name) && item.name().is_some() {
                        return Err(QueryError::type_error(item.span, format!("column `{name}` is projected twice")));
                    }
                    let name = names.unique(&name);
                    columns.push((name, e));
                }
                Ok(project(input, columns, span))
            }
            OpKind::ProjectAway(list) => {
                let away = pick_columns(list, &input.schema)?;
                let keep: Vec<usize> = (0..input.schema.len()).filter(|i| !away.contains(i)).collect();
                Ok(keep_columns(input, &keep, span))
            }
            OpKind::ProjectKeep(list) => {
                let picked = pick_columns(list, &input.schema)?;
                let keep: Vec<usize> = (0..input.schema.len()).filter(|i| picked.contains(i)).collect();
                Ok(keep_columns(input, &keep, span))
            }
            OpKind::ProjectRename(renames) => {
                let mut columns: Vec<(String, TExpr)> = input
                    .schema
                    .iter()
                    .enumerate()
                    .map(|(i, (n, t))| (n.clone(), TExpr::column(i, *t, span)))
                    .collect();
                for r in renames {
                    let i = input.index_of(&r.old.name).ok_or_else(|| unknown_column(&r.old, &input.schema))?;
                    columns[i].0 = r.new.name.clone();
                }
                Ok(project(input, columns, span))
            }
            OpKind::ProjectReorder(keys) => {
                let mut order: Vec<usize> = Vec::new();
                for key in keys {
                    let mut picked = pick_columns(std::slice::from_ref(&key.column), &input.schema)?;
                    match key.order {
                        Some(ast::ReorderOrder::Asc | ast::ReorderOrder::GrannyAsc) => {
                            picked.sort_by(|a, b| input.schema[*a].0.cmp(&input.schema[*b].0));
                        }
                        Some(ast::ReorderOrder::Desc | ast::ReorderOrder::GrannyDesc) => {
                            picked.sort_by(|a, b| input.schema[*b].0.cmp(&input.schema[*a].0));
                        }
                        None => {}
                    }
                    for p in picked {
                        if !order.contains(&p) {
                            order.push(p);
                        }
                    }
                }
                let rest: Vec<usize> = (0..input.schema.len()).filter(|i| !order.contains(i)).collect();
                order.extend(rest);
                Ok(keep_columns(input, &order, span))
            }
            OpKind::Extend(items) | OpKind::Serialize(items) => {
                let mut plan = input;
                let mut names = Names::new(plan.schema.iter().map(|c| c.0.clone()));
                for item in items {
                    plan = self.extend_one(plan, item, &mut names, span)?;
                }
                Ok(plan)
            }
            OpKind::Summarize(s) => self.summarize(input, s, span),
            OpKind::Count => Ok(Plan::new(Node::Count(Box::new(input)), vec![("Count".to_string(), Type::Long)], span)),
            OpKind::Take(n) => {
                let e = self.expr(n, &Vec::new())?;
                let n = usize::try_from(self.const_int(&e)?.max(0)).unwrap_or(usize::MAX);
                let schema = input.schema.clone();
                Ok(Plan::new(Node::Take(Box::new(input), n), schema, span))
            }
            OpKind::Top { count, by } => {
                let e = self.expr(count, &Vec::new())?;
                let n = usize::try_from(self.const_int(&e)?.max(0)).unwrap_or(usize::MAX);
                let keys = self.sort_keys(by, &input.schema)?;
                let schema = input.schema.clone();
                Ok(Plan::new(Node::Top(Box::new(input), n, keys), schema, span))
            }
            OpKind::Sort(by) => {
                let keys = self.sort_keys(by, &input.schema)?;
                let schema = input.schema.clone();
                Ok(Plan::new(Node::Sort(Box::new(input), keys), schema, span))
            }
            OpKind::Distinct(d) => {
                let columns: Vec<usize> =
                    if d.all { (0..input.schema.len()).collect() } else { pick_columns(&d.columns, &input.schema)? };
                let schema = columns.iter().map(|&i| input.schema[i].clone()).collect();
                Ok(Plan::new(Node::Distinct(Box::new(input), columns), schema, span))
            }
            OpKind::Join(j) => {
                let right = self.tabular(&j.right)?;
                self.join(input, right, j.kind, &j.on, span, false)
            }
            OpKind::Lookup(l) => {
                let right = self.tabular(&l.right)?;
                let kind = match l.kind {
                    LookupKind::LeftOuter => JoinKind::LeftOuter,
                    LookupKind::Inner => JoinKind::Inner,
                };
                self.join(input, right, kind, &l.on, span, true)
            }
            OpKind::Union(u) => {
                let mut legs = vec![("union_arg0".to_string(), input)];
                let more = self.union_legs(&u.tables, u.is_fuzzy)?;
                legs.extend(more);
                self.union(legs, u, span)
            }
            OpKind::MvExpand(m) => self.mv_expand(input, m, span),
            OpKind::Parse(p) => self.parse(input, p, span),
            OpKind::MakeSeries(m) => self.make_series(input, m, span),
            OpKind::Search(s) => {
                if s.tables.is_some() {
                    return Err(QueryError::syntax(s.span, "`| search in (...)`: `in` only starts a query"));
                }
                self.search(input, s)
            }
            OpKind::As(name) => {
                self.bind(&name.name, Binding::Tabular(Rc::new(input.clone())));
                Ok(input)
            }
            OpKind::GetSchema => {
                let rows = input
                    .schema
                    .iter()
                    .enumerate()
                    .map(|(i, (n, t))| {
                        vec![Value::str(n), Value::Int(i as i64), Value::str(t.dotnet_name()), Value::str(t.name())]
                    })
                    .collect();
                let schema = vec![
                    ("ColumnName".to_string(), Type::String),
                    ("ColumnOrdinal".to_string(), Type::Int),
                    ("DataType".to_string(), Type::String),
                    ("ColumnType".to_string(), Type::String),
                ];
                Ok(Plan::new(Node::Rows(rows), schema, span))
            }
            OpKind::Render(_) => Ok(input),
        }
    }

    fn extend_one(&mut self, input: Plan, item: &NamedExpr, names: &mut Names, span: Span) -> Result<Plan, QueryError> {
        let e = self.expr(&item.expr, &input.schema)?;
        let mut columns: Vec<(String, TExpr)> =
            input.schema.iter().enumerate().map(|(i, (n, t))| (n.clone(), TExpr::column(i, *t, span))).collect();
        if item.names.len() > 1 {
            return Err(QueryError::syntax(item.span, "only one name can be given to an `extend` expression"));
        }
        let name = match item.name() {
            Some(n) => n.name.clone(),
            None => naming::expr_name(&item.expr).unwrap_or_else(|| names.column()),
        };
        // A name that exists is removed and appended with its new values (Kusto's rule).
        if let Some(i) = columns.iter().position(|(n, _)| n == &name) {
            columns.remove(i);
        }
        names.take(&name);
        columns.push((name, e));
        Ok(project(input, columns, span))
    }

    fn sort_keys(&mut self, keys: &[ast::SortKey], schema: &Schema) -> Result<Vec<SortSpec>, QueryError> {
        keys.iter()
            .map(|k| {
                Ok(SortSpec {
                    expr: self.expr(&k.expr, schema)?,
                    descending: k.descending(),
                    nulls_first: k.nulls_first(),
                })
            })
            .collect()
    }

    /// An aggregation call: its slot and the (name, type) of each column it gives. `names`
    /// are the names written for it (`(A, B) = arg_max(...)`).
    pub fn aggregate(
        &mut self,
        name: &str,
        args: &[Expr],
        span: Span,
        input: &Schema,
        names: Option<&[Ident]>,
    ) -> Result<(Agg, Vec<(String, Type)>), QueryError> {
        let given = |i: usize| names.and_then(|n| n.get(i)).map(|n| n.name.clone());
        match name {
            "count" if args.is_empty() || matches!(args.first().map(|a| &a.kind), Some(ExprKind::Star)) => {
                Ok((Agg::Count, vec![(given(0).unwrap_or_else(|| "count_".into()), Type::Long)]))
            }
            "take_any" | "any" if args.len() > 1 || args.iter().any(|a| matches!(a.kind, ExprKind::Star)) => {
                let mut columns: Vec<(String, Type)> = Vec::new();
                let mut outputs = Vec::new();
                for a in args {
                    if let ExprKind::Star = a.kind {
                        for (i, (col, ty)) in input.iter().enumerate() {
                            if columns.iter().any(|c| &c.0 == col) {
                                continue;
                            }
                            outputs.push(TExpr::column(i, *ty, a.span));
                            columns.push((given(columns.len()).unwrap_or_else(|| col.clone()), *ty));
                        }
                    } else {
                        let e = self.expr(a, input)?;
                        let n = columns.len();
                        let col = given(n).or_else(|| naming::expr_name(a)).unwrap_or_else(|| format!("any_{n}"));
                        columns.push((col, e.ty));
                        outputs.push(e);
                    }
                }
                Ok((Agg::AnyRow { outputs }, columns))
            }
            "arg_max" | "arg_min" => {
                let Some(by_expr) = args.first() else {
                    return Err(QueryError::type_error(span, format!("`{name}` needs an expression to maximize")));
                };
                let by = self.expr(by_expr, input)?;
                let prefix = if name == "arg_max" { "max_" } else { "min_" };
                let by_name = naming::expr_name(by_expr).unwrap_or_else(|| format!("{prefix}{}", ""));
                let mut columns = vec![(given(0).unwrap_or(by_name.clone()), by.ty)];
                let mut outputs = Vec::new();
                let mut n = 1;
                for a in &args[1..] {
                    if let ExprKind::Star = a.kind {
                        for (i, (col, ty)) in input.iter().enumerate() {
                            if Some(col) == naming::expr_name(by_expr).as_ref() || columns.iter().any(|c| &c.0 == col) {
                                continue;
                            }
                            outputs.push(TExpr::column(i, *ty, a.span));
                            columns.push((given(n).unwrap_or_else(|| col.clone()), *ty));
                            n += 1;
                        }
                    } else {
                        let e = self.expr(a, input)?;
                        let col = given(n).or_else(|| naming::expr_name(a)).unwrap_or_else(|| format!("{prefix}{n}"));
                        columns.push((col, e.ty));
                        outputs.push(e);
                        n += 1;
                    }
                }
                Ok((Agg::ArgExtreme { by, max: name == "arg_max", outputs }, columns))
            }
            "percentiles" | "percentiles_array" => {
                let Some(func) = aggregates::aggregate("percentile") else {
                    return Err(QueryError::unsupported(span, "percentiles need the `percentile` aggregation"));
                };
                let Some(value_expr) = args.first() else {
                    return Err(QueryError::type_error(span, "`percentiles` needs a value and percentiles"));
                };
                let value = self.expr(value_expr, input)?;
                let base = naming::expr_name(value_expr).unwrap_or_default();
                let mut percents = Vec::new();
                let mut columns = Vec::new();
                for (i, a) in args[1..].iter().enumerate() {
                    let e = self.expr(a, &Vec::new())?;
                    let p = self.const_value(&e)?;
                    let ty = (func.result)(&[value.ty, e.ty]).map_err(|m| QueryError::type_error(span, m))?;
                    columns.push((given(i).unwrap_or_else(|| format!("percentile_{base}_{}", percent_name(&p))), ty));
                    percents.push(p);
                }
                if percents.is_empty() {
                    return Err(QueryError::type_error(span, "`percentiles` needs at least one percentile"));
                }
                let arg_types = vec![value.ty, Type::Real];
                Ok((Agg::Percentiles { func, value, arg_types, percents }, columns))
            }
            _ => {
                let Some(func) = aggregates::aggregate(name) else {
                    let names = aggregates::aggregate_names();
                    let hint =
                        did_you_mean(name, names.iter()).map_or(String::new(), |m| format!("; did you mean `{m}`?"));
                    return Err(QueryError::name(span, format!("unknown aggregation `{name}`{hint}")));
                };
                if args.len() < func.min_args || args.len() > func.max_args {
                    return Err(QueryError::type_error(
                        span,
                        format!(
                            "`{name}` takes {} to {} argument(s), {} given",
                            func.min_args,
                            func.max_args,
                            args.len()
                        ),
                    ));
                }
                let mut typed = Vec::new();
                for a in args {
                    if let ExprKind::Star = a.kind {
                        typed.push(TExpr::constant(Value::Bool(true), Type::Bool, a.span));
                    } else {
                        typed.push(self.expr(a, input)?);
                    }
                }
                let arg_types: Vec<Type> = typed.iter().map(|t| t.ty).collect();
                let ty =
                    (func.result)(&arg_types).map_err(|m| QueryError::type_error(span, format!("{name}(): {m}")))?;
                let mut consts = Vec::new();
                for t in typed.iter().skip(1) {
                    if t.is_constant() {
                        consts.push(self.const_value(t)?);
                    }
                }
                let column = match given(0) {
                    Some(n) => n,
                    None if name == "percentile" => {
                        let base = args.first().and_then(naming::expr_name).unwrap_or_default();
                        format!("percentile_{base}_{}", consts.first().map(percent_name).unwrap_or_default())
                    }
                    None => naming::aggregate_name(name, args),
                };
                Ok((Agg::Library { func, args: typed, arg_types, consts }, vec![(column, ty)]))
            }
        }
    }

    fn summarize(&mut self, input: Plan, s: &ast::Summarize, span: Span) -> Result<Plan, QueryError> {
        let mut names = Names::default();
        let mut keys = Vec::new();
        let mut key_schema: Schema = Vec::new();
        for k in &s.by {
            let e = self.expr(&k.expr, &input.schema)?;
            let name = match k.name() {
                Some(n) => n.name.clone(),
                None => naming::key_name(&k.expr).unwrap_or_else(|| names.column()),
            };
            let name = names.unique(&name);
            key_schema.push((name, e.ty));
            keys.push(e);
        }
        let mut ctx = Some(AggContext {
            input: input.schema.clone(),
            first_slot_column: keys.len(),
            slots: Vec::new(),
            slot_columns: Vec::new(),
        });
        let mut schema = key_schema.clone();
        let mut outputs: Vec<TExpr> =
            key_schema.iter().enumerate().map(|(i, (_, t))| TExpr::column(i, *t, span)).collect();
        for a in &s.aggregates {
            // A multi-column aggregation (arg_max, percentiles) stands alone.
            if let ExprKind::Call { name, args } = &a.expr.kind
                && (matches!(
                    name.name.as_str(),
                    "count" | "arg_max" | "arg_min" | "percentiles" | "percentiles_array" | "take_any" | "any"
                ) || (aggregates::aggregate(&name.name).is_some() && self.lookup(&name.name).is_none()))
                && let Some(c) = ctx.as_mut()
            {
                let (agg, columns) = self.aggregate(
                    &name.name,
                    args,
                    a.span,
                    &input.schema,
                    Some(&a.names).filter(|n| !n.is_empty()).map(|v| v.as_slice()),
                )?;
                let first = c.next_column();
                c.slots.push(agg);
                for (i, (col, ty)) in columns.into_iter().enumerate() {
                    c.slot_columns.push((col.clone(), ty));
                    // Key columns are not repeated (arg_max(..., *) by Key).
                    let whole_row = name.name.starts_with("arg_") || matches!(name.name.as_str(), "take_any" | "any");
                    if whole_row && key_schema.iter().any(|k| k.0 == col) && a.names.is_empty() {
                        continue;
                    }
                    let out = names.unique(&col);
                    schema.push((out, ty));
                    outputs.push(TExpr::column(first + i, ty, a.span));
                }
                continue;
            }
            let e = self.expr_in(&a.expr, &key_schema, &mut ctx)?;
            let name = match a.name() {
                Some(n) => n.name.clone(),
                None => naming::expr_name(&a.expr).unwrap_or_else(|| names.column()),
            };
            let name = names.unique(&name);
            schema.push((name, e.ty));
            outputs.push(e);
        }
        let aggs = ctx.map(|c| c.slots).unwrap_or_default();
        Ok(Plan::new(Node::Summarize(Box::new(input), SummarizePlan { keys, aggs, outputs }), schema, span))
    }

    fn join(
        &mut self,
        left: Plan,
        right: Plan,
        kind: JoinKind,
        on: &[JoinKey],
        span: Span,
        lookup: bool,
    ) -> Result<Plan, QueryError> {
        let mut keys = Vec::new();
        let mut same_name_keys = Vec::new();
        for key in on {
            let (l, r) = match key {
                JoinKey::Same(i) => {
                    same_name_keys.push(i.name.clone());
                    (i, i)
                }
                JoinKey::LeftRight { left, right, .. } => (left, right),
            };
            let li = left.index_of(&l.name).ok_or_else(|| unknown_column(l, &left.schema))?;
            let ri = right.index_of(&r.name).ok_or_else(|| unknown_column(r, &right.schema))?;
            let (lt, rt) = (left.schema[li].1, right.schema[ri].1);
            if !(lt == rt || (lt.is_numeric() && rt.is_numeric())) {
                return Err(QueryError::type_error(
                    span,
                    format!(
                        "join keys `{}` ({}) and `{}` ({}) have different types",
                        l.name,
                        lt.name(),
                        r.name,
                        rt.name()
                    ),
                ));
            }
            keys.push((li, ri));
        }
        if keys.is_empty() {
            return Err(QueryError::syntax(span, "`join` needs `on` keys"));
        }
        let mut outputs = Vec::new();
        let mut schema: Schema = Vec::new();
        let left_cols = |outputs: &mut Vec<(Side, usize)>, schema: &mut Schema| {
            for (i, c) in left.schema.iter().enumerate() {
                outputs.push((Side::Left, i));
                schema.push(c.clone());
            }
        };
        match kind {
            JoinKind::LeftAnti | JoinKind::LeftSemi => left_cols(&mut outputs, &mut schema),
            JoinKind::RightAnti | JoinKind::RightSemi => {
                for (i, c) in right.schema.iter().enumerate() {
                    outputs.push((Side::Right, i));
                    schema.push(c.clone());
                }
            }
            _ => {
                left_cols(&mut outputs, &mut schema);
                let mut names = Names::new(left.schema.iter().map(|c| c.0.clone()));
                for (i, (n, t)) in right.schema.iter().enumerate() {
                    // lookup does not repeat the right side's key columns.
                    if lookup && keys.iter().any(|&(_, r)| r == i) {
                        continue;
                    }
                    outputs.push((Side::Right, i));
                    schema.push((names.unique(n), *t));
                }
            }
        }
        Ok(Plan::new(Node::Join(Box::new(left), Box::new(right), JoinPlan { kind, keys, outputs }), schema, span))
    }

    fn mv_expand(&mut self, input: Plan, m: &ast::MvExpand, span: Span) -> Result<Plan, QueryError> {
        let mut schema = input.schema.clone();
        let mut carried: Vec<Option<usize>> = (0..schema.len()).map(Some).collect();
        let mut items = Vec::new();
        for item in &m.items {
            let e = self.expr(&item.expr, &input.schema)?;
            let name = match &item.name {
                Some(n) => n.name.clone(),
                None => naming::expr_name(&item.expr).ok_or_else(|| {
                    QueryError::syntax(item.span, "name the expanded expression: `mv-expand Name = expr`")
                })?,
            };
            let ty = item.to_type.unwrap_or(Type::Dynamic);
            let position = match schema.iter().position(|(n, _)| n == &name) {
                Some(i) => {
                    schema[i].1 = ty;
                    carried[i] = None;
                    i
                }
                None => {
                    schema.push((name, ty));
                    carried.push(None);
                    schema.len() - 1
                }
            };
            items.push((e, position, ty));
        }
        if let Some(index) = &m.with_itemindex {
            schema.push((index.name.clone(), Type::Long));
            carried.push(None);
        }
        let limit = match &m.limit {
            Some(l) => {
                let e = self.expr(l, &Vec::new())?;
                Some(usize::try_from(self.const_int(&e)?.max(0)).unwrap_or(usize::MAX))
            }
            None => None,
        };
        let plan = MvExpandPlan {
            items,
            carried,
            item_index: m.with_itemindex.is_some(),
            limit,
            bag: m.bag_expansion == Some(ast::BagExpansion::Array),
        };
        Ok(Plan::new(Node::MvExpand(Box::new(input), plan), schema, span))
    }

    fn parse(&mut self, input: Plan, p: &ast::Parse, span: Span) -> Result<Plan, QueryError> {
        let source = convert(self.expr(&p.source, &input.schema)?, Type::String);
        let mut pattern = String::new();
        let mut schema = input.schema.clone();
        let mut targets = Vec::new();
        let parts = &p.pattern;
        for (i, part) in parts.iter().enumerate() {
            match part {
                ParsePart::Literal { text, .. } => {
                    if p.kind == ParseKind::Regex {
                        pattern.push_str(text);
                    } else {
                        pattern.push_str(&regex::escape(text));
                    }
                }
                ParsePart::Wildcard(_) => pattern.push_str(".*?"),
                ParsePart::Column { name, ty, .. } => {
                    let ty = ty.unwrap_or(Type::String);
                    let last = i + 1 == parts.len();
                    let capture = match (p.kind, ty) {
                        (ParseKind::Regex, _) => "(.*?)",
                        (_, _) if last => "(.*)",
                        (_, Type::Int | Type::Long) => r"(-?\d+)",
                        (_, Type::Real) => r"(-?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)",
                        _ => "(.*?)",
                    };
                    pattern.push_str(capture);
                    let position = match schema.iter().position(|(n, _)| n == &name.name) {
                        Some(i) => {
                            schema[i].1 = ty;
                            i
                        }
                        None => {
                            schema.push((name.name.clone(), ty));
                            schema.len() - 1
                        }
                    };
                    targets.push((position, ty));
                }
            }
        }
        let flags = p.flags.as_deref().unwrap_or("");
        let mut prefix = String::new();
        for f in flags.chars() {
            match f {
                'i' => prefix.push('i'),
                'm' => prefix.push('m'),
                's' => prefix.push('s'),
                'U' => prefix.push('U'),
                _ => {}
            }
        }
        // Simple and relaxed patterns match from the start of the text (a leading `*` skips).
        let anchor = if p.kind == ParseKind::Regex { "" } else { "^" };
        let full =
            if prefix.is_empty() { format!("{anchor}{pattern}") } else { format!("(?{prefix}){anchor}{pattern}") };
        let regex = regex::Regex::new(&full)
            .map_err(|e| QueryError::type_error(span, format!("`parse` pattern is not a valid regex: {e}")))?;
        let input_columns = input.schema.len();
        let plan = ParsePlan {
            source,
            regex: Rc::new(regex),
            targets,
            keep_matching_only: p.keep_matching_only,
            input_columns,
        };
        Ok(Plan::new(Node::Parse(Box::new(input), plan), schema, span))
    }

    fn make_series(&mut self, input: Plan, m: &ast::MakeSeries, span: Span) -> Result<Plan, QueryError> {
        let axis = self.expr(&m.on, &input.schema)?;
        let axis_name = naming::expr_name(&m.on).unwrap_or_else(|| "Column1".to_string());
        let empty = Vec::new();
        let from = m.from.as_ref().map(|e| self.expr(e, &empty)).transpose()?;
        let to = m.to.as_ref().map(|e| self.expr(e, &empty)).transpose()?;
        let step = self.expr(&m.step, &empty)?;
        let mut names = Names::default();
        let mut schema = Vec::new();
        let mut keys = Vec::new();
        for k in &m.by {
            let e = self.expr(&k.expr, &input.schema)?;
            let name = match k.name() {
                Some(n) => n.name.clone(),
                None => naming::key_name(&k.expr).unwrap_or_else(|| names.column()),
            };
            schema.push((names.unique(&name), e.ty));
            keys.push(e);
        }
        let mut aggs = Vec::new();
        for a in &m.aggregates {
            let ExprKind::Call { name, args } = &a.agg.expr.kind else {
                return Err(QueryError::syntax(
                    a.span,
                    "`make-series` takes aggregations such as `sum(x)` or `count()`",
                ));
            };
            let (agg, columns) = self.aggregate(&name.name, args, a.span, &input.schema, None)?;
            let [(column, ty)] = columns.as_slice() else {
                return Err(QueryError::type_error(a.span, "`make-series` takes single-column aggregations"));
            };
            let default = match &a.default {
                Some(d) => {
                    let e = self.expr(d, &empty)?;
                    self.const_value(&e)?.convert_to(*ty)
                }
                // Kusto fills empty bins with 0 for numeric aggregations unless told.
                None if ty.is_numeric() => Value::Int(0).convert_to(*ty),
                None => Value::Null,
            };
            let name = a.agg.name().map_or_else(|| column.clone(), |n| n.name.clone());
            schema.push((names.unique(&name), Type::Dynamic));
            aggs.push((agg, default));
        }
        schema.push((names.unique(&axis_name), Type::Dynamic));
        Ok(Plan::new(Node::MakeSeries(Box::new(input), SeriesPlan { axis, from, to, step, keys, aggs }), schema, span))
    }
}

#[cfg(test)]
mod tests {
    use super::wildcard_match;

    #[test]
    fn wildcards_match_like_kusto_column_patterns() {
        assert!(wildcard_match("VM*", "VMConnection"));
        assert!(wildcard_match("*Port", "VMBoundPort"));
        assert!(wildcard_match("Links*", "LinksFailed"));
        assert!(wildcard_match("*Time*", "TimeGenerated"));
        assert!(!wildcard_match("VM*", "Computer"));
        assert!(wildcard_match("A*B*C", "AxxBxxC"));
        assert!(!wildcard_match("A*B*C", "AxxCxxB"));
        assert!(wildcard_match("Exact", "Exact"));
    }
}
