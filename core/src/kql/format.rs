//! A query result written out: CSV (as the portal exports it: a header of column names,
//! values as Kusto prints them), JSON (an array of objects, typed: numbers as numbers, bools
//! as bools, dynamic values as JSON, datetimes and timespans as Kusto prints them) and an
//! aligned text table for terminals.

use super::output::ResultTable;
use super::value::{Type, Value};

/// RFC 4180 CSV; a text cell starting with `=`, `+`, `-` or `@` that is not a plain number is
/// prefixed with `'` so spreadsheets do not run it as a formula.
pub fn to_csv(table: &ResultTable) -> String {
    let mut out = String::new();
    let names: Vec<String> = table.columns.iter().map(|c| csv_cell(&c.name)).collect();
    out.push_str(&names.join(","));
    out.push_str("\r\n");
    for row in 0..table.rows() {
        let cells: Vec<String> = table
            .columns
            .iter()
            .enumerate()
            .map(|(c, column)| {
                let text = table.display(row, c);
                if column.ty == Type::String { csv_cell(&defuse(text)) } else { csv_cell(&text) }
            })
            .collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out
}

/// A text a spreadsheet would run as a formula, made inert.
fn defuse(text: String) -> String {
    let formula = text.starts_with(['=', '+', '-', '@']) && text.parse::<f64>().is_err();
    if formula { format!("'{text}") } else { text }
}

fn csv_cell(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) { format!("\"{}\"", text.replace('"', "\"\"")) } else { text.to_string() }
}

/// One JSON object per row, keyed by column name, in a JSON array.
pub fn to_json(table: &ResultTable) -> String {
    let rows: Vec<serde_json::Value> = (0..table.rows())
        .map(|row| {
            let object = table
                .columns
                .iter()
                .enumerate()
                .map(|(c, column)| (column.name.clone(), json_of(&table.value(row, c))))
                .collect::<serde_json::Map<String, serde_json::Value>>();
            serde_json::Value::Object(object)
        })
        .collect();
    serde_json::to_string_pretty(&rows).unwrap_or_else(|_| "[]".to_string())
}

fn json_of(value: &Value) -> serde_json::Value {
    match value {
        Value::DateTime(_) | Value::TimeSpan(_) => serde_json::Value::String(value.to_display()),
        Value::Real(r) if !r.is_finite() => serde_json::Value::String(value.to_display()),
        other => other.to_json(),
    }
}

/// Columns aligned with spaces, a rule under the header; cells longer than `max_width`
/// characters are cut with `…`.
pub fn to_text_table(table: &ResultTable, max_width: usize) -> String {
    let cut = |text: String| -> String {
        let text = text.replace(['\n', '\r', '\t'], " ");
        if text.chars().count() > max_width {
            let mut short: String = text.chars().take(max_width.saturating_sub(1)).collect();
            short.push('…');
            short
        } else {
            text
        }
    };
    let header: Vec<String> = table.columns.iter().map(|c| cut(c.name.clone())).collect();
    let rows: Vec<Vec<String>> =
        (0..table.rows()).map(|row| (0..table.columns.len()).map(|c| cut(table.display(row, c))).collect()).collect();
    let widths: Vec<usize> = (0..header.len())
        .map(|c| rows.iter().map(|r| r[c].chars().count()).chain([header[c].chars().count()]).max().unwrap_or(0))
        .collect();
    let line = |cells: &[String]| -> String {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(cell, &w)| format!("{cell}{}", " ".repeat(w - cell.chars().count())))
            .collect();
        padded.join("  ").trim_end().to_string()
    };
    let mut out = line(&header);
    out.push('\n');
    out.push_str(&widths.iter().map(|&w| "-".repeat(w)).collect::<Vec<_>>().join("  "));
    out.push('\n');
    for row in &rows {
        out.push_str(&line(row));
        out.push('\n');
    }
    out
}
