//! What goes wrong while loading: a file-level [`LoadError`] (nothing from the file is kept)
//! and row-level [`Warning`]s (the row is skipped, the rest of the file loads).

use std::fmt;

/// Why a whole file was rejected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoadErrorKind {
    /// The file could not be read.
    Io,
    /// Not one of the export shapes vmi-map reads, or none of the four tables.
    NotAnExport,
    /// The right shape but broken (truncated JSON, a syntax error).
    Malformed,
    /// The user cancelled.
    Cancelled,
}

/// A file that could not be loaded, with where and why.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct LoadError {
    pub file: String,
    pub line: Option<u64>,
    pub column: Option<u64>,
    pub kind: LoadErrorKind,
    pub message: String,
}

impl LoadError {
    pub fn new(file: &str, kind: LoadErrorKind, message: impl Into<String>) -> Self {
        LoadError { file: file.to_string(), line: None, column: None, kind, message: message.into() }
    }

    pub fn at(mut self, line: u64, column: u64) -> Self {
        self.line = Some(line);
        self.column = Some(column);
        self
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&terminal_safe(&self.file))?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        write!(f, ": {}", terminal_safe(&self.message))
    }
}

/// A skipped row (or a note about the file) at `file:line:column`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    pub file: String,
    pub line: u64,
    /// 1-based: the field number in CSV, the character column of the record in JSON.
    pub column: u64,
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: {}", terminal_safe(&self.file), self.line, self.column, terminal_safe(&self.message))
    }
}

/// The first [`Warnings::KEPT`] warnings of a file, and how many there were in all.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Warnings {
    pub kept: Vec<Warning>,
    pub total: usize,
}

impl Warnings {
    pub const KEPT: usize = 100;

    pub fn push(&mut self, warning: Warning) {
        self.total += 1;
        if self.kept.len() < Self::KEPT {
            self.kept.push(warning);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// How many were counted but not kept.
    pub fn dropped(&self) -> usize {
        self.total - self.kept.len()
    }
}

/// Shortens a value for a message: a 10 MB field must not become a 10 MB warning.
pub fn excerpt(value: &str) -> String {
    const MAX_CHARS: usize = 60;
    let mut chars = value.chars();
    let head: String = chars.by_ref().take(MAX_CHARS).collect();
    if chars.next().is_some() { format!("{head}…") } else { head }
}

/// `text` fit for a terminal line: control characters (line breaks, ESC and the other C0
/// and C1 controls, DEL) written as `\u{..}` escapes, so a file named with a newline or a
/// terminal escape code cannot forge output lines or colours.
pub fn terminal_safe(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}
