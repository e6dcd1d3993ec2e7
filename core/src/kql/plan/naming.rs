//! The names Kusto gives columns the query did not name: a column keeps its name, `d.a.b`
//! becomes `d_a_b`, `bin(X, ...)` (and `floor`) in `summarize by` is named `X`, a conversion
//! (`tostring(x)`) keeps its argument's name, an aggregation is `fn_Column` (`count_`,
//! `sum_BytesSent`, `dcount_LinksLive`), anything else `Column1`, `Column2`... ; `print` names its unnamed columns `print_0`, `print_1`...; a name
//! already taken gets a number (`Column1` clashes become `Column2`, `A` becomes `A1`).

use super::super::ast::{Expr, ExprKind};

/// Conversion functions whose result is named after their argument.
const CONVERSIONS: &[&str] = &[
    "tostring",
    "toint",
    "tolong",
    "todouble",
    "toreal",
    "tobool",
    "toboolean",
    "todatetime",
    "totimespan",
    "todynamic",
    "toobject",
    "parse_json",
    "todecimal",
    "toguid",
];

/// The name an expression gives itself, when it has one (columns and member paths).
pub fn expr_name(e: &Expr) -> Option<String> {
    match &e.kind {
        ExprKind::Name(i) => Some(i.name.clone()),
        ExprKind::SideColumn { column, .. } => Some(column.name.clone()),
        ExprKind::Member { target, key } => Some(format!("{}_{}", expr_name(target)?, key.name)),
        // A conversion keeps the name of what it converts (`tostring(d.name)` is `d_name`).
        ExprKind::Call { name, args } if CONVERSIONS.contains(&name.name.as_str()) && args.len() == 1 => {
            expr_name(args.first()?)
        }
        ExprKind::Index { target, index } => {
            let base = expr_name(target)?;
            match &index.kind {
                ExprKind::Literal { value, .. } => Some(format!("{base}_{}", value.to_display())),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The name of a `summarize by` key: its own name, or the column under `bin`/`floor`.
pub fn key_name(e: &Expr) -> Option<String> {
    if let ExprKind::Call { name, args } = &e.kind
        && matches!(name.name.as_str(), "bin" | "floor" | "bin_at")
        && let Some(first) = args.first()
    {
        return expr_name(first);
    }
    expr_name(e)
}

/// The default name of an aggregation `fn(arg, ...)`: `fn_arg` (`fn_` when the first
/// argument is not a column).
pub fn aggregate_name(function: &str, args: &[Expr]) -> String {
    let arg = args.first().and_then(expr_name).unwrap_or_default();
    format!("{function}_{arg}")
}

/// Picks names that do not clash: `wanted` as is when free, else with the smallest free
/// number appended.
#[derive(Default)]
pub struct Names {
    taken: Vec<String>,
    /// The counter of `Column<n>` names.
    next_column: usize,
}

impl Names {
    pub fn new(taken: impl IntoIterator<Item = String>) -> Names {
        Names { taken: taken.into_iter().collect(), next_column: 0 }
    }

    pub fn is_taken(&self, name: &str) -> bool {
        self.taken.iter().any(|t| t == name)
    }

    /// `wanted`, or `wanted1`, `wanted2`... whichever is free first; then taken.
    pub fn unique(&mut self, wanted: &str) -> String {
        let name = if self.is_taken(wanted) {
            (1..).map(|n| format!("{wanted}{n}")).find(|n| !self.is_taken(n)).unwrap_or_default()
        } else {
            wanted.to_string()
        };
        self.taken.push(name.clone());
        name
    }

    /// The next free `Column<n>` (taken by [`Names::unique`] or [`Names::take`]).
    pub fn column(&mut self) -> String {
        loop {
            self.next_column += 1;
            let name = format!("Column{}", self.next_column);
            if !self.is_taken(&name) {
                return name;
            }
        }
    }

    /// Records a name as taken (an explicit name replaces the column of that name).
    pub fn take(&mut self, name: &str) {
        if !self.is_taken(name) {
            self.taken.push(name.to_string());
        }
    }

    pub fn release(&mut self, name: &str) {
        self.taken.retain(|t| t != name);
    }
}
