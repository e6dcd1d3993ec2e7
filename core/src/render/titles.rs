//! The titles pictures carry, shared by the app and the headless `render`, so a picture says
//! the same thing whichever made it.

use crate::model::Timestamp;
use crate::trends::TrendKind;

/// The last part of a path as users give it (`/` or `\` separated): what titles, the files
/// list and messages name a file by.
pub fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// "vmi-map: VMComputer.csv, VMConnection.csv (all records)": the files (by name, at most
/// three named) and the window.
pub fn picture_title(files: &[&str], from: Option<Timestamp>, to: Option<Timestamp>) -> String {
    let names: Vec<&str> = files.iter().map(|f| file_name(f)).collect();
    let shown = if names.len() > 3 {
        format!("{} and {} more", names[..3].join(", "), names.len() - 3)
    } else {
        names.join(", ")
    };
    let window = match (from, to) {
        (None, None) => "all records".to_string(),
        (from, to) => format!(
            "{} to {}",
            from.map_or_else(|| "start".to_string(), |t| t.to_string()),
            to.map_or_else(|| "end".to_string(), |t| t.to_string())
        ),
    };
    format!("vmi-map: {shown} ({window})")
}

/// "Bytes sent and received - machine web01 (2026-10-05 08:00 to 2026-10-05 14:00)":
/// the chart, what it is of, and the window when known.
pub fn chart_title(kind: TrendKind, subject: &str, window: Option<(Timestamp, Timestamp)>) -> String {
    let window = window.map(|(from, to)| format!(" ({} to {})", short_time(from), short_time(to))).unwrap_or_default();
    format!("{} - {subject}{window}", kind.title())
}

/// `2026-10-05 08:03`: a time to the minute, for titles and tooltips.
pub fn short_time(t: Timestamp) -> String {
    let text = t.to_string();
    text.get(..16).map(|s| s.replace('T', " ")).unwrap_or(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_name_files_and_window() {
        let t = Timestamp::parse("2026-10-05T08:03:00Z");
        assert_eq!(picture_title(&["a/VMComputer.csv"], None, None), "vmi-map: VMComputer.csv (all records)");
        assert_eq!(
            picture_title(&["a", "b", "c", "d", "e"], t, None),
            "vmi-map: a, b, c and 2 more (2026-10-05T08:03:00Z to end)"
        );
        assert_eq!(
            chart_title(TrendKind::Bytes, "whole estate", t.zip(t)),
            "Bytes sent and received - whole estate (2026-10-05 08:03 to 2026-10-05 08:03)"
        );
    }
}
