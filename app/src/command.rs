//! Every user action, as one enum: menus, shortcuts, buttons and tests all send these, and
//! `VmiApp::apply` is the one place that carries them out.

use std::path::PathBuf;
use vmi_core::graph::NodeKey;
use vmi_core::model::Timestamp;
use vmi_core::render::Theme;
use vmi_core::store::FileId;
use vmi_core::trends::TrendKind;

/// What is selected on the map (and shown in the detail panel and charts).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Selected {
    Node(NodeKey),
    Edge { source: NodeKey, target: NodeKey },
}

/// How a map picture is framed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportExtent {
    WholeMap,
    CurrentView,
}

/// The settings of a map export.
#[derive(Clone, Debug, PartialEq)]
pub struct MapExport {
    pub path: PathBuf,
    /// Pixel width; the current view's width times the chosen scale when exporting the view.
    pub width_px: u32,
    pub extent: ExportExtent,
    pub theme: Theme,
    pub legend: bool,
    pub title: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// Ask for files with the system dialog.
    OpenDialog,
    /// Load these files (from the dialog, a drop or the command line).
    OpenFiles(Vec<PathBuf>),
    /// Load records held in memory (a drop on the web, the bundled sample).
    OpenBytes {
        name: String,
        bytes: std::sync::Arc<Vec<u8>>,
    },
    LoadSample,
    CancelLoad,
    CloseFile(FileId),
    Clear,
    DismissError(usize),
    Select(Option<Selected>),
    /// Select a node and centre the view on it.
    Reveal(NodeKey),
    FitView,
    Zoom(f32),
    ToggleExpand(NodeKey),
    ExpandAll(bool),
    /// Show the group map of these machines (ids or names); empty shows the whole estate.
    Focus(Vec<String>),
    Hide(NodeKey),
    /// New filters (hide localhost, failed only, OS families...).
    SetViewOptions(vmi_core::graph::view::ViewOptions),
    ShowAllHidden,
    Pin(NodeKey),
    Unpin(NodeKey),
    CopyText(String),
    SetWindow {
        from: Option<Timestamp>,
        to: Option<Timestamp>,
    },
    SetTheme(Theme),
    SearchNext,
    ShowReports(bool),
    RunReport,
    ShowExportDialog(bool),
    ExportMap(MapExport),
    ExportMapDialog {
        svg: bool,
    },
    ExportChart {
        kind: TrendKind,
        path: PathBuf,
    },
    ExportChartDialog {
        kind: TrendKind,
        svg: bool,
    },
    CopyChart(TrendKind),
    ExportGraphDialog,
    ExportReportCsv(PathBuf),
    ExportReportCsvDialog,
    /// A window screenshot, saved as PNG (to `path`, or beside the last export).
    Screenshot(Option<PathBuf>),
    Quit,
}
