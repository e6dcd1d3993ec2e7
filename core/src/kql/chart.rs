//! A query result as a chart: the `render` operator's request applied to the result table
//! by Kusto's rules, giving a [`QueryChart`] for the drawer (`render::query_chart`).
//!
//! Kusto's model (render operator reference): the table has an x column, y columns and
//! series columns; each distinct combination of the series columns' values is one series,
//! with a point per y column. The `xcolumn`, `ycolumns` and `series` properties name them;
//! otherwise the first column that suits the visualization is x (for `timechart` the first
//! datetime column; for column, bar and pie charts the first column, a text column when the
//! first is a number and a text column exists), every numeric column is a y column, and text
//! columns split the rows into series (`timechart` uses one text column and ignores the
//! others). A `make-series` result (dynamic arrays of values beside an array of timestamps)
//! has one series per row and y column, its x values the array's elements.

use super::output::{ChartKind as Visualization, ChartRequest, ResultTable};
use super::value::{Type, Value};
use crate::model::time::TICKS_PER_SEC;
use crate::render::query_chart::{ChartKind, MAX_SERIES, QueryChart, Series, Stacking, XAxis};
use serde_json::Value as Json;
use std::collections::HashMap;

/// The chart a `render` request draws of a result; `Err` says why there is none (a `table`
/// or a visualization not drawn here, or no column that fits).
pub fn chart_from_result(table: &ResultTable, request: &ChartRequest) -> Result<QueryChart, String> {
    let properties = Properties(&request.properties);
    let (kind, default_stacking) = chart_kind(&request.kind)?;
    if table.columns.is_empty() {
        return Err("the result has no columns to chart".to_string());
    }
    let mut notes = Vec::new();
    if matches!(&request.kind, Visualization::Other(name) if name.eq_ignore_ascii_case("anomalychart")) {
        notes.push("anomalies not marked".to_string());
    }
    let named = |property: &str, notes: &mut Vec<String>| -> Vec<usize> {
        properties
            .columns(property)
            .into_iter()
            .filter_map(|name| {
                let found = table.column_index(&name);
                if found.is_none() {
                    notes.push(format!("{property}: no column {name}"));
                }
                found
            })
            .collect()
    };
    let roles = Roles {
        x: properties.columns("xcolumn").first().and_then(|name| {
            let found = table.column_index(name);
            if found.is_none() {
                notes.push(format!("xcolumn: no column {name}"));
            }
            found
        }),
        ys: named("ycolumns", &mut notes),
        series: named("series", &mut notes),
    };
    let arrays = holds_arrays(table, &roles);
    let built = if arrays { from_arrays(table, kind, &roles)? } else { from_rows(table, kind, &roles)? };
    notes.extend(built.notes);
    let mut chart = QueryChart::new(kind, built.x, built.series);
    chart.title = request.title.clone().or_else(|| properties.text("title").map(str::to_string)).unwrap_or_default();
    chart.x_title = properties.text("xtitle").map_or(built.x_title, str::to_string);
    chart.y_title = properties.text("ytitle").map_or(built.y_title, str::to_string);
    chart.stacking = stacking(kind, &properties, default_stacking, request.stacked, &mut notes);
    chart.legend = !properties.text("legend").is_some_and(|v| v.eq_ignore_ascii_case("hidden"));
    chart.y_min = properties.number("ymin");
    chart.y_max = properties.number("ymax");
    chart.y_log = properties.text("yaxis").is_some_and(|v| v.eq_ignore_ascii_case("log"));
    if properties.text("xaxis").is_some_and(|v| v.eq_ignore_ascii_case("log")) {
        notes.push("xaxis=log drawn linear".to_string());
    }
    if properties.text("ysplit").is_some_and(|v| !v.eq_ignore_ascii_case("none")) {
        notes.push("ysplit drawn on one axis".to_string());
    }
    if properties.text("accumulate").is_some_and(|v| v.eq_ignore_ascii_case("true")) {
        for series in &mut chart.series {
            accumulate(&mut series.values);
        }
    }
    chart.notes = notes;
    Ok(chart)
}

/// The drawer's chart for a visualization, and the stacking it implies.
fn chart_kind(visualization: &Visualization) -> Result<(ChartKind, Stacking), String> {
    Ok(match visualization {
        Visualization::TimeChart => (ChartKind::Time, Stacking::None),
        Visualization::LineChart => (ChartKind::Line, Stacking::None),
        Visualization::AreaChart => (ChartKind::Area, Stacking::None),
        Visualization::BarChart => (ChartKind::Bar, Stacking::None),
        Visualization::ColumnChart => (ChartKind::Column, Stacking::None),
        Visualization::PieChart => (ChartKind::Pie, Stacking::None),
        Visualization::ScatterChart => (ChartKind::Scatter, Stacking::None),
        Visualization::Table => return Err("render table: the result is shown as a table".to_string()),
        Visualization::Other(name) => match name.to_ascii_lowercase().as_str() {
            "stackedareachart" => (ChartKind::Area, Stacking::Stacked),
            // An anomaly chart is a time chart with its anomalies marked; the lines are drawn.
            "anomalychart" => (ChartKind::Time, Stacking::None),
            other => return Err(format!("render {other} is not drawn here: the result is shown as a table")),
        },
    })
}

/// `kind=` for the charts that stack (area, bar, column): `stacked`, `stacked100`,
/// `unstacked`/`default`.
fn stacking(
    kind: ChartKind,
    properties: &Properties<'_>,
    default: Stacking,
    stacked: bool,
    notes: &mut Vec<String>,
) -> Stacking {
    if !matches!(kind, ChartKind::Area | ChartKind::Bar | ChartKind::Column) {
        return Stacking::None;
    }
    match properties.text("kind").map(str::to_ascii_lowercase).as_deref() {
        Some("stacked") => Stacking::Stacked,
        Some("stacked100") => Stacking::Stacked100,
        Some("unstacked" | "default") => Stacking::None,
        Some(other) => {
            notes.push(format!("kind={other} not drawn"));
            default
        }
        None if stacked => Stacking::Stacked,
        None => default,
    }
}

/// A running sum in x order (`accumulate=true`); a missing value adds nothing and stays
/// missing.
fn accumulate(values: &mut [Option<f64>]) {
    let mut total = 0.0;
    for value in values.iter_mut().flatten() {
        total += *value;
        *value = total;
    }
}

/// The `with (...)` properties as written, by case-insensitive name (the last one given
/// wins).
struct Properties<'a>(&'a [(String, Vec<String>)]);

impl<'a> Properties<'a> {
    fn values(&self, name: &str) -> Option<&'a [String]> {
        self.0.iter().rev().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_slice())
    }

    fn text(&self, name: &str) -> Option<&'a str> {
        self.values(name).and_then(|v| v.first()).map(|v| v.trim()).filter(|v| !v.is_empty())
    }

    fn number(&self, name: &str) -> Option<f64> {
        self.text(name).and_then(|v| v.parse::<f64>().ok()).filter(|v| v.is_finite())
    }

    /// Column names: several values, or one comma-separated text.
    fn columns(&self, name: &str) -> Vec<String> {
        self.values(name)
            .unwrap_or_default()
            .iter()
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_string)
            .collect()
    }
}

/// The columns the request names (empty or `None`: chosen by the rules).
struct Roles {
    x: Option<usize>,
    ys: Vec<usize>,
    series: Vec<usize>,
}

/// What the conversion built before the request's titles and options are applied.
struct Built {
    x: XAxis,
    series: Vec<Series>,
    x_title: String,
    y_title: String,
    notes: Vec<String>,
}

fn is_number(ty: Type) -> bool {
    matches!(ty, Type::Int | Type::Long | Type::Real)
}

/// A cell as a chart value: numbers, timespans in seconds, booleans as 1 and 0, a dynamic
/// number as the number.
fn number_of(value: &Value) -> Option<f64> {
    match value {
        Value::Int(i) => Some(*i as f64),
        Value::Real(r) => r.is_finite().then_some(*r),
        Value::TimeSpan(t) => Some(*t as f64 / TICKS_PER_SEC as f64),
        Value::Bool(b) => Some(if *b { 1.0 } else { 0.0 }),
        Value::Dynamic(_) => match value.unwrap_dynamic_scalar() {
            Value::Dynamic(_) | Value::String(_) => None,
            scalar => number_of(&scalar),
        },
        Value::Null | Value::String(_) | Value::DateTime(_) => None,
    }
}

/// The array a dynamic cell holds.
fn array_at(table: &ResultTable, row: usize, column: usize) -> Option<Vec<Json>> {
    match table.value(row, column) {
        Value::Dynamic(json) => match json.as_ref() {
            Json::Array(items) => Some(items.clone()),
            _ => None,
        },
        _ => None,
    }
}

/// The first array a dynamic column holds (`None`: not an array column).
fn first_array(table: &ResultTable, column: usize) -> Option<Vec<Json>> {
    if table.columns.get(column)?.ty != Type::Dynamic {
        return None;
    }
    (0..table.rows()).find_map(|row| match table.value(row, column) {
        Value::Null => None,
        Value::Dynamic(json) => Some(match json.as_ref() {
            Json::Array(items) => Some(items.clone()),
            Json::Null => return None,
            _ => None,
        }),
        _ => Some(None),
    })?
}

/// Whether an array column holds timestamps (its first non-null element reads as one).
fn holds_times(items: &[Json]) -> bool {
    items
        .iter()
        .find(|j| !j.is_null())
        .is_some_and(|j| matches!(j, Json::String(s) if super::value::parse_datetime(s).is_some()))
}

/// A `make-series` shape: the named x is an array column, or the named y columns are, or
/// (nothing named) there is no numeric column but arrays.
fn holds_arrays(table: &ResultTable, roles: &Roles) -> bool {
    let is_array = |c: usize| first_array(table, c).is_some();
    if let Some(x) = roles.x {
        return is_array(x);
    }
    if !roles.ys.is_empty() {
        return roles.ys.iter().all(|&c| is_array(c));
    }
    let numbers = table.columns.iter().enumerate().any(|(i, c)| is_number(c.ty) && !roles.series.contains(&i));
    !numbers && (0..table.columns.len()).any(is_array)
}

/// The series of every combination of the series columns' values and every y column, in
/// first-seen order, at most [`MAX_SERIES`] (the rest are counted).
struct SeriesSlots {
    names: Vec<String>,
    by_key: HashMap<String, Option<usize>>,
    ys: usize,
    keys: usize,
}

impl SeriesSlots {
    fn new(ys: usize) -> SeriesSlots {
        SeriesSlots { names: Vec::new(), by_key: HashMap::new(), ys, keys: 0 }
    }

    /// The first slot of a key's series (one per y column after it), `None` past the cap.
    fn slot(&mut self, key: String, y_names: &[&str], keyed: bool) -> Option<usize> {
        if let Some(slot) = self.by_key.get(&key) {
            return *slot;
        }
        self.keys += 1;
        let slot = (self.names.len() + self.ys <= MAX_SERIES).then(|| {
            let first = self.names.len();
            for y in y_names {
                let label = if key.is_empty() { "(empty)" } else { key.as_str() };
                self.names.push(match (keyed, y_names.len()) {
                    (false, _) => (*y).to_string(),
                    (true, 1) => label.to_string(),
                    (true, _) => format!("{label}:{y}"),
                });
            }
            first
        });
        self.by_key.insert(key, slot);
        slot
    }

    fn note(&self) -> Option<String> {
        let total = self.keys.saturating_mul(self.ys);
        (total > self.names.len()).then(|| format!("first {} of {total} series shown", self.names.len()))
    }
}

/// The text key of a row's series columns.
fn series_key(table: &ResultTable, row: usize, columns: &[usize]) -> String {
    columns.iter().map(|&c| table.display(row, c)).collect::<Vec<_>>().join(", ")
}

/// One value per row: the x axis of a result with a row per point.
fn from_rows(table: &ResultTable, kind: ChartKind, roles: &Roles) -> Result<Built, String> {
    let columns = &table.columns;
    let x = match roles.x {
        Some(x) => x,
        None => default_x(table, kind)?,
    };
    let ys: Vec<usize> = if roles.ys.is_empty() {
        (0..columns.len()).filter(|&c| c != x && is_number(columns[c].ty) && !roles.series.contains(&c)).collect()
    } else {
        roles.ys.iter().copied().filter(|&c| c != x).collect()
    };
    if ys.is_empty() {
        return Err("no numeric column to chart: the y axis needs an int, long or real column".to_string());
    }
    let series_columns: Vec<usize> = if !roles.series.is_empty() {
        roles.series.clone()
    } else {
        let texts = (0..columns.len()).filter(|&c| c != x && columns[c].ty == Type::String);
        match kind {
            ChartKind::Pie => Vec::new(),
            // A time chart groups by one text column; further text columns are ignored.
            ChartKind::Time => texts.take(1).collect(),
            _ => texts.collect(),
        }
    };
    let mut notes = Vec::new();
    let (axis, positions, x_unit) = row_axis(table, x);
    let points = axis.len();
    let y_names: Vec<&str> = ys.iter().map(|&c| columns[c].name.as_str()).collect();
    let mut slots = SeriesSlots::new(ys.len());
    let mut values: Vec<Vec<Option<f64>>> = Vec::new();
    // Columns, bars and pies add up a category's rows; lines keep a series' first point.
    let adds = matches!(kind, ChartKind::Column | ChartKind::Bar | ChartKind::Pie);
    let (mut no_x, mut repeated) = (0usize, 0usize);
    for (row, position) in positions.iter().enumerate() {
        let Some(point) = *position else {
            no_x += 1;
            continue;
        };
        let key = series_key(table, row, &series_columns);
        let Some(first) = slots.slot(key, &y_names, !series_columns.is_empty()) else { continue };
        while values.len() < slots.names.len() {
            values.push(vec![None; points]);
        }
        for (offset, &y) in ys.iter().enumerate() {
            let Some(v) = number_of(&table.value(row, y)) else { continue };
            let Some(cell) = values.get_mut(first + offset).and_then(|s| s.get_mut(point)) else { continue };
            match cell {
                Some(existing) if adds => *existing += v,
                Some(_) => repeated += 1,
                None => *cell = Some(v),
            }
        }
    }
    if no_x > 0 {
        notes.push(format!("{no_x} rows with no {} left out", columns[x].name));
    }
    if repeated > 0 {
        notes.push(format!("{repeated} repeated points of a series at one x left out"));
    }
    notes.extend(slots.note());
    let series = slots.names.into_iter().zip(values).map(|(name, values)| Series { name, values }).collect();
    Ok(Built {
        x: axis,
        series,
        x_title: format!("{}{x_unit}", columns[x].name),
        y_title: if ys.len() == 1 { y_names[0].to_string() } else { String::new() },
        notes,
    })
}

/// The x column Kusto picks when none is named.
fn default_x(table: &ResultTable, kind: ChartKind) -> Result<usize, String> {
    let columns = &table.columns;
    let first_of = |test: &dyn Fn(Type) -> bool| columns.iter().position(|c| test(c.ty));
    match kind {
        ChartKind::Time => first_of(&|t| t == Type::DateTime)
            .ok_or_else(|| "a timechart needs a datetime column (or a make-series result) for its x axis".to_string()),
        // A time or number axis; a lone number column is the y values, not the axis.
        ChartKind::Line | ChartKind::Area | ChartKind::Scatter => {
            let numbers = columns.iter().filter(|c| is_number(c.ty)).count();
            Ok(first_of(&|t| t == Type::DateTime || t == Type::TimeSpan)
                .or_else(|| if numbers > 1 { first_of(&|t| is_number(t)) } else { None })
                .unwrap_or(0))
        }
        ChartKind::Column | ChartKind::Bar | ChartKind::Pie => {
            let first_is_number = columns.first().is_some_and(|c| is_number(c.ty));
            Ok(if first_is_number { first_of(&|t| t == Type::String).unwrap_or(0) } else { 0 })
        }
    }
}

/// The distinct x values of a column (times and numbers in order, categories as first
/// seen), each row's place among them (`None` for a null), and the unit the title adds.
fn row_axis(table: &ResultTable, column: usize) -> (XAxis, Vec<Option<usize>>, &'static str) {
    let ty = table.columns.get(column).map_or(Type::String, |c| c.ty);
    let rows = 0..table.rows();
    match ty {
        Type::DateTime => {
            let keys: Vec<Option<i64>> = rows.map(|r| table.value(r, column).to_datetime()).collect();
            let (axis, positions) = ordered_i64(&keys);
            (XAxis::Time(axis), positions, "")
        }
        Type::Int | Type::Long | Type::Real | Type::TimeSpan => {
            let keys: Vec<Option<f64>> = rows.map(|r| number_of(&table.value(r, column))).collect();
            let (axis, positions) = ordered_f64(&keys);
            (XAxis::Number(axis), positions, if ty == Type::TimeSpan { " (seconds)" } else { "" })
        }
        _ => {
            let keys: Vec<Option<String>> = rows
                .map(|r| match table.value(r, column) {
                    Value::Null => None,
                    value => Some(value.to_display()),
                })
                .collect();
            let (axis, positions) = first_seen(keys);
            (XAxis::Category(axis), positions, "")
        }
    }
}

fn ordered_i64(keys: &[Option<i64>]) -> (Vec<i64>, Vec<Option<usize>>) {
    let mut distinct: Vec<i64> = keys.iter().flatten().copied().collect();
    distinct.sort_unstable();
    distinct.dedup();
    let positions = keys.iter().map(|k| k.and_then(|k| distinct.binary_search(&k).ok())).collect();
    (distinct, positions)
}

fn ordered_f64(keys: &[Option<f64>]) -> (Vec<f64>, Vec<Option<usize>>) {
    let mut distinct: Vec<f64> = keys.iter().flatten().copied().filter(|v| v.is_finite()).collect();
    distinct.sort_unstable_by(f64::total_cmp);
    distinct.dedup();
    let positions = keys
        .iter()
        .map(|k| k.filter(|v| v.is_finite()).and_then(|k| distinct.binary_search_by(|d| d.total_cmp(&k)).ok()))
        .collect();
    (distinct, positions)
}

fn first_seen(keys: Vec<Option<String>>) -> (Vec<String>, Vec<Option<usize>>) {
    let mut distinct: Vec<String> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let positions = keys
        .into_iter()
        .map(|k| {
            let k = k?;
            Some(*index.entry(k).or_insert_with_key(|k| {
                distinct.push(k.clone());
                distinct.len() - 1
            }))
        })
        .collect();
    (distinct, positions)
}

/// A `make-series` result: each row holds arrays; each row and y column is a series over
/// the x array's elements.
fn from_arrays(table: &ResultTable, kind: ChartKind, roles: &Roles) -> Result<Built, String> {
    if kind == ChartKind::Pie {
        return Err("a piechart needs a row per slice; this result holds arrays (make-series)".to_string());
    }
    let columns = &table.columns;
    let arrays: Vec<usize> = (0..columns.len()).filter(|&c| first_array(table, c).is_some()).collect();
    // The x array: named, else the first array of timestamps, else (make-series puts its
    // axis last) the last array when there are several; with one array, its positions.
    let x = roles
        .x
        .or_else(|| arrays.iter().copied().find(|&c| first_array(table, c).is_some_and(|items| holds_times(&items))));
    let x = match x {
        Some(x) => Some(x),
        None if kind == ChartKind::Time => {
            return Err("a timechart needs a datetime column (or a make-series array of timestamps)".to_string());
        }
        None if arrays.len() > 1 => arrays.last().copied(),
        None => None,
    };
    let ys: Vec<usize> = if roles.ys.is_empty() {
        arrays.iter().copied().filter(|&c| Some(c) != x && !roles.series.contains(&c)).collect()
    } else {
        roles.ys.iter().copied().filter(|&c| Some(c) != x).collect()
    };
    if ys.is_empty() {
        return Err("no array of values to chart beside the x array".to_string());
    }
    let series_columns: Vec<usize> = if roles.series.is_empty() {
        (0..columns.len()).filter(|&c| Some(c) != x && columns[c].ty == Type::String).collect()
    } else {
        roles.series.clone()
    };
    let times = x.and_then(|c| first_array(table, c)).is_some_and(|items| holds_times(&items));
    let (axis, row_positions) = array_axis(table, x, &ys, times);
    let points = axis.len();
    let y_names: Vec<&str> = ys.iter().map(|&c| columns[c].name.as_str()).collect();
    let keyed = !series_columns.is_empty();
    let mut names = Vec::new();
    let mut values: Vec<Vec<Option<f64>>> = Vec::new();
    let mut total = 0usize;
    for (row, positions) in row_positions.iter().enumerate() {
        let key = series_key(table, row, &series_columns);
        for (&y, y_name) in ys.iter().zip(&y_names) {
            total += 1;
            if names.len() >= MAX_SERIES {
                continue;
            }
            let label = if key.is_empty() { format!("row {}", row + 1) } else { key.clone() };
            names.push(match (keyed || table.rows() > 1, ys.len()) {
                (false, _) => (*y_name).to_string(),
                (true, 1) => label,
                (true, _) => format!("{label}:{y_name}"),
            });
            let mut line = vec![None; points];
            let items = array_at(table, row, y).unwrap_or_default();
            for (item, position) in items.iter().zip(positions) {
                if let (Some(p), Some(v)) = (*position, number_of(&Value::from_json(item)))
                    && let Some(cell) = line.get_mut(p)
                {
                    *cell = Some(v);
                }
            }
            values.push(line);
        }
    }
    let mut notes = Vec::new();
    if total > names.len() {
        notes.push(format!("first {} of {total} series shown", names.len()));
    }
    let series = names.into_iter().zip(values).map(|(name, values)| Series { name, values }).collect();
    Ok(Built {
        x: axis,
        series,
        x_title: x.map_or_else(|| "position".to_string(), |c| columns[c].name.clone()),
        y_title: if ys.len() == 1 { y_names[0].to_string() } else { String::new() },
        notes,
    })
}

/// The distinct x values of a `make-series` result's x arrays (timestamps or numbers, in
/// order; without an x array, the element positions) and each row's element places among
/// them.
fn array_axis(table: &ResultTable, x: Option<usize>, ys: &[usize], times: bool) -> (XAxis, Vec<Vec<Option<usize>>>) {
    let items = |row: usize| x.and_then(|c| array_at(table, row, c)).unwrap_or_default();
    let rows = 0..table.rows();
    if times {
        let keys: Vec<Vec<Option<i64>>> =
            rows.map(|r| items(r).iter().map(|item| Value::from_json(item).to_datetime()).collect()).collect();
        let (distinct, _) = ordered_i64(&keys.iter().flatten().copied().collect::<Vec<_>>());
        let positions = keys
            .iter()
            .map(|row| row.iter().map(|k| k.and_then(|k| distinct.binary_search(&k).ok())).collect())
            .collect();
        return (XAxis::Time(distinct), positions);
    }
    let keys: Vec<Vec<Option<f64>>> = rows
        .map(|row| match x {
            Some(_) => items(row).iter().map(|item| number_of(&Value::from_json(item))).collect(),
            None => {
                let longest = ys.iter().map(|&c| array_at(table, row, c).map_or(0, |a| a.len())).max().unwrap_or(0);
                (0..longest).map(|i| Some(i as f64)).collect()
            }
        })
        .collect();
    let (distinct, _) = ordered_f64(&keys.iter().flatten().copied().collect::<Vec<_>>());
    let positions = keys
        .iter()
        .map(|row| {
            row.iter()
                .map(|k| k.filter(|v| v.is_finite()).and_then(|k| distinct.binary_search_by(|d| d.total_cmp(&k)).ok()))
                .collect()
        })
        .collect();
    (XAxis::Number(distinct), positions)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kql::frame::{Column, Data, Frame};
    use crate::model::time::TICKS_PER_HOUR;
    use crate::render::query_chart::render_svg;
    use std::sync::Arc;

    const T0: i64 = 1_790_000_000 * TICKS_PER_SEC;

    fn strings(name: &str, values: &[&str]) -> Column<'static> {
        Column::new(name, Type::String, Data::Str(values.iter().map(|s| Arc::from(*s)).collect()))
    }

    fn longs(name: &str, values: &[i64]) -> Column<'static> {
        Column::new(name, Type::Long, Data::Int(values.iter().copied().collect()))
    }

    fn times(name: &str, values: &[i64]) -> Column<'static> {
        Column::new(name, Type::DateTime, Data::Int(values.iter().copied().collect()))
    }

    fn dynamics(name: &str, values: Vec<Json>) -> Column<'static> {
        Column::new(name, Type::Dynamic, Data::Dyn(values.into_iter().map(Value::dynamic).collect()))
    }

    fn table(columns: Vec<Column<'static>>) -> ResultTable {
        let rows = columns.first().map_or(0, |c| c.data().len());
        ResultTable::from_frame(&Frame::new(columns, rows))
    }

    fn request(kind: &str, properties: &[(&str, &[&str])]) -> ChartRequest {
        let properties: Vec<(String, Vec<String>)> =
            properties.iter().map(|(n, v)| (n.to_string(), v.iter().map(|s| s.to_string()).collect())).collect();
        ChartRequest {
            kind: Visualization::from_name(kind),
            title: properties.iter().find(|(n, _)| n == "title").and_then(|(_, v)| v.first().cloned()),
            stacked: false,
            properties,
        }
    }

    fn series_of(chart: &QueryChart) -> Vec<(&str, Vec<Option<f64>>)> {
        chart.series.iter().map(|s| (s.name.as_str(), s.values.clone())).collect()
    }

    /// `summarize count() by bin(TimeGenerated, 1h), Computer | render timechart`: time on x,
    /// one line per computer, rows in any order.
    #[test]
    fn timechart_of_counts_by_hour_and_computer() {
        let h = TICKS_PER_HOUR;
        let result = table(vec![
            times("TimeGenerated", &[T0 + h, T0, T0, T0 + 2 * h]),
            strings("Computer", &["web01", "web01", "db02", "db02"]),
            longs("count_", &[4, 3, 5, 1]),
        ]);
        let chart = chart_from_result(&result, &request("timechart", &[])).unwrap();
        assert_eq!(chart.kind, ChartKind::Time);
        assert_eq!(chart.x, XAxis::Time(vec![T0, T0 + h, T0 + 2 * h]));
        assert_eq!(
            series_of(&chart),
            vec![("web01", vec![Some(3.0), Some(4.0), None]), ("db02", vec![Some(5.0), None, Some(1.0)])]
        );
        assert_eq!((chart.x_title.as_str(), chart.y_title.as_str()), ("TimeGenerated", "count_"));
        // The documentation's order (`by Computer, bin(TimeGenerated, 1h)`): still time on x.
        let swapped = table(vec![
            strings("Computer", &["web01", "db02"]),
            times("TimeGenerated", &[T0, T0]),
            longs("avg_Val", &[7, 9]),
        ]);
        let chart = chart_from_result(&swapped, &request("timechart", &[])).unwrap();
        assert_eq!(chart.x, XAxis::Time(vec![T0]));
        assert_eq!(series_of(&chart), vec![("web01", vec![Some(7.0)]), ("db02", vec![Some(9.0)])]);
    }

    /// A time chart groups by one text column and ignores the others.
    #[test]
    fn timechart_splits_by_the_first_text_column_only() {
        let result = table(vec![
            times("TimeGenerated", &[T0, T0]),
            strings("Computer", &["web01", "web01"]),
            strings("Process", &["nginx", "sshd"]),
            longs("count_", &[2, 3]),
        ]);
        let chart = chart_from_result(&result, &request("timechart", &[])).unwrap();
        assert_eq!(series_of(&chart), vec![("web01", vec![Some(2.0)])]);
        assert_eq!(chart.notes, vec!["1 repeated points of a series at one x left out"]);
        let with_series =
            chart_from_result(&result, &request("timechart", &[("series", &["Computer, Process"])])).unwrap();
        assert_eq!(series_of(&with_series), vec![("web01, nginx", vec![Some(2.0)]), ("web01, sshd", vec![Some(3.0)])]);
    }

    /// `summarize sum(BytesSent) by Computer | render columnchart`: computers as categories
    /// in the result's order, one series named for the column.
    #[test]
    fn columnchart_of_bytes_by_computer() {
        let result =
            table(vec![strings("Computer", &["web01", "db02", "app03"]), longs("sum_BytesSent", &[500, 20, 7])]);
        let chart = chart_from_result(&result, &request("columnchart", &[])).unwrap();
        assert_eq!(chart.kind, ChartKind::Column);
        assert_eq!(chart.x, XAxis::Category(vec!["web01".into(), "db02".into(), "app03".into()]));
        assert_eq!(series_of(&chart), vec![("sum_BytesSent", vec![Some(500.0), Some(20.0), Some(7.0)])]);
        assert_eq!(chart.stacking, Stacking::None);
        // Several numeric columns are several series; `kind=stacked100` piles them.
        let two = table(vec![
            strings("Computer", &["web01", "db02"]),
            longs("sum_BytesSent", &[5, 2]),
            longs("sum_BytesReceived", &[1, 8]),
        ]);
        let chart = chart_from_result(&two, &request("barchart", &[("kind", &["stacked100"])])).unwrap();
        assert_eq!(chart.kind, ChartKind::Bar);
        assert_eq!(chart.stacking, Stacking::Stacked100);
        assert_eq!(
            series_of(&chart),
            vec![("sum_BytesSent", vec![Some(5.0), Some(2.0)]), ("sum_BytesReceived", vec![Some(1.0), Some(8.0)])]
        );
        assert_eq!(chart.y_title, "");
        // `ycolumns` picks, `series` splits, `xcolumn` moves the axis.
        let chosen = chart_from_result(
            &two,
            &request("columnchart", &[("ycolumns", &["sum_BytesReceived"]), ("ytitle", &["bytes in"])]),
        )
        .unwrap();
        assert_eq!(series_of(&chosen), vec![("sum_BytesReceived", vec![Some(1.0), Some(8.0)])]);
        assert_eq!(chosen.y_title, "bytes in");
    }

    /// Columns over time split by a text column (`by bin(TimeGenerated, 1d), Computer`).
    #[test]
    fn columnchart_over_time_splits_by_text_columns() {
        let d = 24 * TICKS_PER_HOUR;
        let result = table(vec![
            times("TimeGenerated", &[T0, T0, T0 + d]),
            strings("Computer", &["web01", "db02", "db02"]),
            longs("count_", &[1, 2, 3]),
        ]);
        let chart = chart_from_result(&result, &request("columnchart", &[("kind", &["stacked"])])).unwrap();
        assert_eq!(chart.x, XAxis::Time(vec![T0, T0 + d]));
        assert_eq!(series_of(&chart), vec![("web01", vec![Some(1.0), None]), ("db02", vec![Some(2.0), Some(3.0)])]);
        assert_eq!(chart.stacking, Stacking::Stacked);
    }

    /// `summarize sum(BytesSent) by Computer | render piechart`: a slice per computer (rows
    /// of one computer add up); a count first and the name second still slices by name.
    #[test]
    fn piechart_slices_by_the_text_column() {
        let result = table(vec![strings("Computer", &["web01", "db02", "web01"]), longs("sum_BytesSent", &[5, 2, 1])]);
        let chart =
            chart_from_result(&result, &request("piechart", &[("title", &["Bytes sent by computer"])])).unwrap();
        assert_eq!(chart.kind, ChartKind::Pie);
        assert_eq!(chart.title, "Bytes sent by computer");
        assert_eq!(chart.x, XAxis::Category(vec!["web01".into(), "db02".into()]));
        assert_eq!(series_of(&chart), vec![("sum_BytesSent", vec![Some(6.0), Some(2.0)])]);
        let reversed = table(vec![longs("count_", &[3, 4]), strings("State", &["TX", "WA"])]);
        let chart = chart_from_result(&reversed, &request("piechart", &[])).unwrap();
        assert_eq!(chart.x, XAxis::Category(vec!["TX".into(), "WA".into()]));
        assert_eq!(series_of(&chart), vec![("count_", vec![Some(3.0), Some(4.0)])]);
    }

    /// A `make-series` result: Kusto draws each row as a series over the timestamp array.
    #[test]
    fn make_series_rows_are_series() {
        let h = TICKS_PER_HOUR;
        let stamps = serde_json::json!([
            "2026-09-21T14:13:20.0000000Z",
            "2026-09-21T15:13:20.0000000Z",
            "2026-09-21T16:13:20.0000000Z"
        ]);
        let result = table(vec![
            strings("Computer", &["web01", "db02"]),
            dynamics("count_", vec![serde_json::json!([1, 0, 2]), serde_json::json!([0, 5, 1.5])]),
            dynamics("TimeGenerated", vec![stamps.clone(), stamps]),
        ]);
        let chart = chart_from_result(&result, &request("timechart", &[])).unwrap();
        assert_eq!(chart.x, XAxis::Time(vec![T0, T0 + h, T0 + 2 * h]));
        assert_eq!(
            series_of(&chart),
            vec![("web01", vec![Some(1.0), Some(0.0), Some(2.0)]), ("db02", vec![Some(0.0), Some(5.0), Some(1.5)])]
        );
        assert_eq!((chart.x_title.as_str(), chart.y_title.as_str()), ("TimeGenerated", "count_"));
        // Two value arrays per row: a series per row and array, named for both.
        let two = table(vec![
            strings("Computer", &["web01"]),
            dynamics("sent", vec![serde_json::json!([1, 2])]),
            dynamics("received", vec![serde_json::json!([3, 4])]),
            dynamics("TimeGenerated", vec![serde_json::json!(["2026-09-21T14:13:20Z", "2026-09-21T15:13:20Z"])]),
        ]);
        let chart = chart_from_result(&two, &request("linechart", &[])).unwrap();
        assert_eq!(
            series_of(&chart),
            vec![("web01:sent", vec![Some(1.0), Some(2.0)]), ("web01:received", vec![Some(3.0), Some(4.0)])]
        );
        assert!(chart_from_result(&two, &request("piechart", &[])).is_err());
    }

    #[test]
    fn options_follow_the_properties() {
        let result = table(vec![times("TimeGenerated", &[T0, T0 + TICKS_PER_HOUR]), longs("count_", &[2, 3])]);
        let chart = chart_from_result(
            &result,
            &request(
                "areachart",
                &[
                    ("accumulate", &["true"]),
                    ("legend", &["hidden"]),
                    ("ymin", &["1"]),
                    ("ymax", &["10"]),
                    ("yaxis", &["log"]),
                    ("xtitle", &["hour"]),
                    ("xcolumn", &["Missing"]),
                ],
            ),
        )
        .unwrap();
        assert_eq!(series_of(&chart), vec![("count_", vec![Some(2.0), Some(5.0)])]);
        assert!(!chart.legend);
        assert_eq!((chart.y_min, chart.y_max, chart.y_log), (Some(1.0), Some(10.0), true));
        assert_eq!(chart.x_title, "hour");
        assert_eq!(chart.notes, vec!["xcolumn: no column Missing"]);
        let anomalies = chart_from_result(&result, &request("anomalychart", &[])).unwrap();
        assert_eq!(
            (anomalies.kind, anomalies.notes.as_slice()),
            (ChartKind::Time, &["anomalies not marked".to_string()][..])
        );
        let stacked = chart_from_result(&result, &request("stackedareachart", &[])).unwrap();
        assert_eq!((stacked.kind, stacked.stacking), (ChartKind::Area, Stacking::Stacked));
        let timechart = chart_from_result(&result, &request("timechart", &[("kind", &["stacked"])])).unwrap();
        assert_eq!(timechart.stacking, Stacking::None, "time charts do not stack");
    }

    /// Line charts take a time or number axis; with one number column, the first column
    /// (text) is the axis and the number the values.
    #[test]
    fn linechart_axis_is_time_or_number() {
        let by_port = table(vec![longs("DestinationPort", &[443, 80]), longs("count_", &[7, 9])]);
        let chart = chart_from_result(&by_port, &request("linechart", &[])).unwrap();
        assert_eq!(chart.x, XAxis::Number(vec![80.0, 443.0]));
        assert_eq!(series_of(&chart), vec![("count_", vec![Some(9.0), Some(7.0)])]);
        let by_name = table(vec![strings("Computer", &["web01", "db02"]), longs("count_", &[1, 2])]);
        let chart = chart_from_result(&by_name, &request("scatterchart", &[])).unwrap();
        assert_eq!(chart.x, XAxis::Category(vec!["web01".into(), "db02".into()]));
        assert_eq!(series_of(&chart), vec![("count_", vec![Some(1.0), Some(2.0)])]);
    }

    #[test]
    fn no_chart_says_why() {
        let texts = table(vec![strings("Computer", &["web01"]), strings("Process", &["nginx"])]);
        assert!(chart_from_result(&texts, &request("columnchart", &[])).unwrap_err().contains("no numeric column"));
        let numbers = table(vec![longs("n", &[1])]);
        assert!(chart_from_result(&numbers, &request("timechart", &[])).unwrap_err().contains("datetime"));
        assert!(chart_from_result(&numbers, &request("table", &[])).unwrap_err().contains("table"));
        assert!(chart_from_result(&numbers, &request("card", &[])).unwrap_err().contains("render card"));
        assert!(chart_from_result(&table(Vec::new()), &request("linechart", &[])).is_err());
    }

    #[test]
    fn many_series_are_cut_and_said() {
        let names: Vec<String> = (0..100).map(|i| format!("m{i:03}")).collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let result =
            table(vec![times("TimeGenerated", &vec![T0; 100]), strings("Computer", &refs), longs("count_", &[1; 100])]);
        let chart = chart_from_result(&result, &request("timechart", &[])).unwrap();
        assert_eq!(chart.series.len(), MAX_SERIES);
        assert_eq!(chart.notes, vec![format!("first {MAX_SERIES} of 100 series shown")]);
    }

    /// The converted chart draws with its title, series and note in the picture.
    #[test]
    fn converted_charts_draw() {
        let result = table(vec![
            times("TimeGenerated", &[T0, T0, T0 + TICKS_PER_HOUR]),
            strings("Computer", &["web01", "db02", "web01"]),
            longs("count_", &[4, 3, 5]),
        ]);
        for kind in ["timechart", "linechart", "areachart", "columnchart", "barchart", "piechart", "scatterchart"] {
            let chart = chart_from_result(&result, &request(kind, &[("title", &["Links per hour"])])).unwrap();
            let svg = render_svg(&chart).unwrap();
            assert!(svg.contains("Links per hour"), "{kind}");
            // A pie slices by the first column (the hours here); the others split by computer.
            assert_eq!(svg.contains("web01"), kind != "piechart", "{kind}");
        }
    }
}

/// The conversion on real query answers: the engine's tables for the documented shapes.
#[cfg(test)]
mod engine_tests {
    use super::*;
    use crate::kql::tests::store;
    use crate::kql::{QueryOptions, run};
    use crate::model::time::TICKS_PER_HOUR;

    const CONNECTIONS: &str = "TimeGenerated,Computer,Machine,Process,Direction,RemoteIp,DestinationPort,BytesSent,BytesReceived,LinksFailed\n\
2026-10-05T08:03:00Z,web-1,m-1,p-a,outbound,10.0.0.2,443,100,10,0\n\
2026-10-05T08:04:00Z,web-1,m-1,p-a,outbound,10.0.0.2,443,50,5,1\n\
2026-10-05T09:10:00Z,web-1,m-1,p-b,outbound,127.0.0.1,8080,7,7,2\n\
2026-10-05T09:20:00Z,db-1,m-2,p-c,inbound,10.0.0.1,443,30,300,0\n";

    /// The chart of a query's answer.
    fn chart_of(query: &str) -> QueryChart {
        let store = store(&[("VMConnection.csv", CONNECTIONS)]);
        let output = run(&store, query, &QueryOptions::default()).unwrap_or_else(|e| panic!("{}", e.render(query)));
        let request = output.chart.unwrap_or_else(|| panic!("no render request from {query}"));
        chart_from_result(&output.tables[0], &request).unwrap()
    }

    fn hours(from: i64, count: i64) -> Vec<i64> {
        let start = crate::kql::value::parse_datetime("2026-10-05T08:00:00Z").unwrap() + from * TICKS_PER_HOUR;
        (0..count).map(|h| start + h * TICKS_PER_HOUR).collect()
    }

    fn sorted_series(chart: &QueryChart) -> Vec<(String, Vec<Option<f64>>)> {
        let mut series: Vec<_> = chart.series.iter().map(|s| (s.name.clone(), s.values.clone())).collect();
        series.sort_by(|a, b| a.0.cmp(&b.0));
        series
    }

    #[test]
    fn counts_by_hour_and_computer_as_a_timechart() {
        let chart = chart_of("VMConnection | summarize count() by bin(TimeGenerated, 1h), Computer | render timechart");
        assert_eq!(chart.kind, ChartKind::Time);
        assert_eq!(chart.x, XAxis::Time(hours(0, 2)));
        assert_eq!(
            sorted_series(&chart),
            vec![("db-1".to_string(), vec![None, Some(1.0)]), ("web-1".to_string(), vec![Some(2.0), Some(1.0)])]
        );
        assert_eq!(chart.y_title, "count_");
    }

    #[test]
    fn bytes_by_computer_as_columns_and_a_pie() {
        let chart = chart_of("VMConnection | summarize sum(BytesSent) by Computer | render columnchart");
        assert_eq!(chart.kind, ChartKind::Column);
        let XAxis::Category(names) = &chart.x else { panic!("categories expected: {:?}", chart.x) };
        let sums: Vec<(String, Option<f64>)> = names.iter().cloned().zip(chart.series[0].values.clone()).collect();
        let mut sums = sums;
        sums.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(sums, vec![("db-1".to_string(), Some(30.0)), ("web-1".to_string(), Some(157.0))]);
        assert_eq!(chart.series[0].name, "sum_BytesSent");
        let pie = chart_of(
            "VMConnection | summarize sum(BytesSent) by Computer | render piechart with (title=\"Bytes sent\")",
        );
        assert_eq!((pie.kind, pie.title.as_str()), (ChartKind::Pie, "Bytes sent"));
        assert_eq!(pie.x, chart.x);
        assert_eq!(pie.series, chart.series);
    }

    #[test]
    fn make_series_rows_as_a_timechart() {
        let chart = chart_of(
            "VMConnection | make-series count() default=0 on TimeGenerated from datetime(2026-10-05T08:00:00Z) \
             to datetime(2026-10-05T10:00:00Z) step 1h by Computer | render timechart with (kind=stacked)",
        );
        assert_eq!(chart.x, XAxis::Time(hours(0, 2)));
        assert_eq!(
            sorted_series(&chart),
            vec![("db-1".to_string(), vec![Some(0.0), Some(1.0)]), ("web-1".to_string(), vec![Some(2.0), Some(1.0)])]
        );
        assert_eq!(chart.stacking, Stacking::None);
    }

    #[test]
    fn stacked_columns_from_the_with_clause() {
        let chart = chart_of(
            "VMConnection | summarize sum(BytesSent), sum(BytesReceived) by Computer \
             | render columnchart with (kind=stacked100, ytitle=\"bytes\", ycolumns=sum_BytesReceived)",
        );
        assert_eq!(chart.stacking, Stacking::Stacked100);
        assert_eq!(chart.y_title, "bytes");
        assert_eq!(chart.series.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(), vec!["sum_BytesReceived"]);
    }

    #[test]
    fn lists_of_columns_in_the_with_clause() {
        let chart = chart_of(
            "VMConnection | summarize sum(BytesSent), sum(BytesReceived), count() by Computer, Process \
             | render barchart with (ycolumns=sum_BytesSent, sum_BytesReceived, series=Computer, Process, title='t')",
        );
        let mut names: Vec<&str> = chart.series.iter().map(|s| s.name.as_str()).collect();
        names.sort_unstable();
        assert_eq!(
            names,
            vec![
                "db-1, p-c:sum_BytesReceived",
                "db-1, p-c:sum_BytesSent",
                "web-1, p-a:sum_BytesReceived",
                "web-1, p-a:sum_BytesSent",
                "web-1, p-b:sum_BytesReceived",
                "web-1, p-b:sum_BytesSent"
            ]
        );
        assert_eq!(chart.title, "t");
    }
}
