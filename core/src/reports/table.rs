//! A report's result: named columns, rows of text, and for each row what to select on the map.

/// What clicking a report row selects on the map.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum RowTarget {
    Machine { machine: String },
    Process { machine: String, process: String },
    Port { machine: String, port: i64 },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportRow {
    pub cells: Vec<String>,
    pub target: Option<RowTarget>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReportTable {
    pub columns: Vec<String>,
    pub rows: Vec<ReportRow>,
    /// How this report differs from the documented query, when it must.
    pub note: Option<String>,
}

impl ReportTable {
    pub fn new(columns: &[&str]) -> Self {
        ReportTable { columns: columns.iter().map(|c| c.to_string()).collect(), ..Default::default() }
    }

    pub fn push(&mut self, cells: Vec<String>, target: Option<RowTarget>) {
        self.rows.push(ReportRow { cells, target });
    }

    /// The report as CSV with a header row. Cells a spreadsheet would run as a formula
    /// (starting with `=`, `+`, `-`, `@`, tab or carriage return) get a leading `'`.
    pub fn to_csv(&self) -> String {
        let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
        let mut write = |cells: &mut dyn Iterator<Item = String>| {
            let record: Vec<String> = cells.collect();
            // Writing to a Vec cannot fail.
            let _ = writer.write_record(&record);
        };
        write(&mut self.columns.iter().map(|c| defuse(c)));
        for row in &self.rows {
            write(&mut row.cells.iter().map(|c| defuse(c)));
        }
        let bytes = writer.into_inner().unwrap_or_default();
        String::from_utf8(bytes).unwrap_or_default()
    }

    /// Rows whose cells contain `filter` (case-insensitive), for the app's filter box.
    pub fn matching_rows(&self, filter: &str) -> Vec<usize> {
        let filter = filter.to_lowercase();
        (0..self.rows.len())
            .filter(|&i| filter.is_empty() || self.rows[i].cells.iter().any(|c| c.to_lowercase().contains(&filter)))
            .collect()
    }

    /// Row order sorted by one column: numbers as numbers, the rest as text.
    pub fn sorted_order(&self, column: usize, descending: bool) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.rows.len()).collect();
        let key = |i: usize| self.rows[i].cells.get(column).map(String::as_str).unwrap_or("");
        order.sort_by(|&a, &b| {
            let (x, y) = (key(a), key(b));
            let ordering = match (x.parse::<f64>(), y.parse::<f64>()) {
                (Ok(p), Ok(q)) => p.total_cmp(&q),
                _ => x.cmp(y),
            };
            if descending { ordering.reverse() } else { ordering }
        });
        order
    }
}

fn defuse(cell: &str) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell.to_string(),
    }
}
