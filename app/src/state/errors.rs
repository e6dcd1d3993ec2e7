//! Errors shown to the user, typed by what failed so each gets the right title.

use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// A file could not be loaded.
    Load,
    /// A file could not be written.
    Write,
    /// A picture could not be drawn.
    Draw,
    /// A query or report failed.
    Query,
    /// A background thread could not start.
    Job,
}

#[derive(Clone, Debug, PartialEq)]
pub struct AppError {
    pub kind: ErrorKind,
    pub message: String,
}

impl AppError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        AppError { kind, message: message.into() }
    }

    /// The title of the message box.
    pub fn title(&self) -> &'static str {
        match self.kind {
            ErrorKind::Load => "Could not load",
            ErrorKind::Write => "Could not save",
            ErrorKind::Draw => "Could not draw",
            ErrorKind::Query => "Query failed",
            ErrorKind::Job => "Could not start",
        }
    }

    /// What the user still has, under the message.
    pub fn reassurance(&self) -> &'static str {
        match self.kind {
            ErrorKind::Load => "What was loaded before is still there.",
            _ => "Nothing loaded was changed.",
        }
    }
}

impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.title(), self.message)
    }
}
