//! Every change a user (or a finished job) can ask of the state, grouped by what it is about.
//! Menus, shortcuts, panels, jobs and tests all send these to [`super::update`].

use super::notes::NotesAction;
use super::settings::SettingsAction;
use super::workspace::WorkspaceAction;
use crate::jobs::LoadProgress;
use std::path::PathBuf;
use std::sync::Arc;
use vmi_core::graph::NodeKey;
use vmi_core::graph::view::ViewOptions;
use vmi_core::ingest::{LoadError, Loaded};
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

/// Where a load's records come from.
#[derive(Clone, Debug)]
pub enum Source {
    Path(PathBuf),
    Bytes { name: String, bytes: Arc<Vec<u8>> },
}

impl Source {
    pub fn name(&self) -> String {
        match self {
            Source::Path(path) => path.display().to_string(),
            Source::Bytes { name, .. } => name.clone(),
        }
    }
}

/// How a map picture is framed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportExtent {
    WholeMap,
    CurrentView,
}

/// The settings of a map picture export (the path comes with the save).
#[derive(Clone, Debug, PartialEq)]
pub struct MapExport {
    /// Pixel width of a PNG (an SVG is drawn at the same size).
    pub width_px: u32,
    pub extent: ExportExtent,
    pub theme: Theme,
    pub legend: bool,
    pub title: bool,
}

/// What a save writes, once it has a path.
#[derive(Clone, Debug, PartialEq)]
pub enum SaveTarget {
    /// The map as a picture: PNG or SVG by the path's extension.
    MapPicture(MapExport),
    /// The map as a graph file: GraphML, DOT or JSON by the path's extension.
    Graph,
    /// A trend chart: PNG or SVG by the path's extension.
    Chart(TrendKind),
    /// The last query's result: CSV or JSON by the path's extension.
    QueryResult,
    /// The last query's chart: PNG or SVG by the path's extension.
    QueryChart,
    /// The move groups as CSV, one row per machine.
    MoveGroups,
    /// The firewall rules a move needs: CSV, or an NSG fragment for `.json`. `name` (a group's
    /// name, `moved-3`) names the file and the NSG rules.
    FirewallRules { scope: vmi_core::groups::RuleScope, name: String },
    /// The workspace (`.vmimap`): files, window, filters, pins, notes, groups.
    Workspace,
}

impl SaveTarget {
    /// The file name a save dialog proposes, before its extension.
    pub fn file_stem(&self) -> String {
        match self {
            SaveTarget::MapPicture(_) | SaveTarget::Graph => "vmi-map".into(),
            SaveTarget::Chart(kind) => format!("vmi-map-{}", kind.id()),
            SaveTarget::QueryResult => "vmi-map-query".into(),
            SaveTarget::QueryChart => "vmi-map-query-chart".into(),
            SaveTarget::MoveGroups => "vmi-map-move-groups".into(),
            SaveTarget::FirewallRules { name, .. } => format!("vmi-map-rules-{}", name.to_ascii_lowercase()),
            SaveTarget::Workspace => "workspace".into(),
        }
    }
}

/// Windows over the map.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Window {
    Query,
    Export,
    Problems,
    Groups,
    /// Compare two windows (issue 21).
    Compare,
    /// Failed connections and their verdicts.
    Failures,
    /// Help > Keyboard shortcuts (F1).
    Shortcuts,
    /// Help > About.
    About,
    Settings,
}

#[derive(Debug)]
pub enum Action {
    File(FileAction),
    Load(LoadAction),
    Map(MapAction),
    Camera(CameraAction),
    Export(ExportAction),
    Query(QueryAction),
    Groups(GroupsAction),
    Compare(CompareAction),
    Ui(UiAction),
    Notes(NotesAction),
    Settings(SettingsAction),
    Workspace(WorkspaceAction),
}

/// Loading and closing files.
#[derive(Clone, Debug)]
pub enum FileAction {
    /// Ask for files with the system dialog.
    OpenDialog,
    /// Load these files (from the dialog, a drop or the command line).
    Open(Vec<PathBuf>),
    /// Load records held in memory (a sandboxed drop).
    OpenBytes {
        name: String,
        bytes: Arc<Vec<u8>>,
    },
    /// Load the sample estate bundled in the binary.
    LoadSample,
    CancelLoad,
    Close(FileId),
    /// Close every file.
    Clear,
}

/// What the load job reports.
#[derive(Debug)]
pub enum LoadAction {
    Started(Arc<LoadProgress>),
    /// One file's outcome.
    File {
        name: String,
        result: Box<Result<Loaded, LoadError>>,
    },
    /// Every file answered (or the load was cancelled).
    Finished,
    /// The load thread could not start.
    Failed(String),
}

/// What the map shows and what is selected on it.
#[derive(Clone, Debug)]
pub enum MapAction {
    Select(Option<Selected>),
    /// Select a node and centre the view on it (opening its machine if needed).
    Reveal(NodeKey),
    ToggleExpand(NodeKey),
    ExpandAll(bool),
    /// Show the group map of these machines (ids or names); empty shows the whole estate.
    Focus(Vec<String>),
    Hide(NodeKey),
    ShowAllHidden,
    /// New filters (hide localhost, failed only, OS families...).
    SetViewOptions(ViewOptions),
    /// The time window; `brush` when set by dragging across a chart (Escape undoes it).
    SetWindow {
        from: Option<Timestamp>,
        to: Option<Timestamp>,
        brush: bool,
    },
    Pin(NodeKey),
    Unpin(NodeKey),
    /// A view node dragged by this many world units.
    DragNode {
        index: usize,
        delta: [f32; 2],
    },
    /// A drag ended: the node stays (pinned) where it was dropped.
    DragEnd {
        index: usize,
    },
    Search(String),
    /// Reveal the next search match.
    SearchNext,
    /// Take the layout thread's latest positions (every frame).
    PollLayout,
    /// Edge width by bytes on a log scale (else every edge alike).
    SetEdgeWidthByBytes(bool),
    /// Group machines by this key (the user's choice wins over the default of a big estate).
    GroupBy(vmi_core::graph::GroupBy),
    /// Gather external endpoints and client groups by DNS domain, all as "Internet", or not.
    GroupExternals(vmi_core::graph::ExternalGrouping),
}

/// The part of the map on screen.
#[derive(Clone, Copy, Debug)]
pub enum CameraAction {
    /// Fit the whole map (F).
    FitView,
    /// Fit the selection with its neighbours (Shift+F); with nothing selected, the whole map.
    FitSelection,
    /// Centre the view on a world point, keeping the zoom (the minimap).
    LookAt([f32; 2]),
    /// Zoom around the canvas centre.
    Zoom(f32),
    /// Zoom keeping the world point under `pointer` (screen points) in place.
    ZoomAt { pointer: [f32; 2], factor: f32 },
    /// Move the view by screen points.
    Pan([f32; 2]),
    /// Where the canvas is drawn, `[left, top, width, height]` in points.
    CanvasMoved([f32; 4]),
}

/// Pictures and files written out.
#[derive(Clone, Debug)]
pub enum ExportAction {
    /// Ask where to save (proposing a file of this extension: `png`, `svg`, `graphml`,
    /// `csv`), then save.
    SaveDialog {
        target: SaveTarget,
        extension: &'static str,
    },
    Save {
        target: SaveTarget,
        path: PathBuf,
    },
    /// A window screenshot, saved as PNG (to the path, or beside the last export).
    Screenshot(Option<PathBuf>),
    /// The screenshot callback's answer.
    ScreenshotSaved(Result<PathBuf, String>),
    CopyChart(TrendKind),
}

/// The query console.
#[derive(Debug)]
pub enum QueryAction {
    /// Run a query; `params` are the workbook parameters' values (`{Name}` -> value).
    Run {
        text: String,
        params: std::collections::BTreeMap<String, String>,
    },
    Cancel,
    /// The query job's answer.
    Finished {
        id: u64,
        result: Result<vmi_core::kql::QueryOutput, vmi_core::kql::QueryError>,
        elapsed: std::time::Duration,
    },
    /// Highlight the map nodes the last result names.
    ShowOnMap,
    ClearHighlight,
    /// `now()` is the wall clock (else the latest record loaded).
    SetWallClock(bool),
}

/// Move groups: the migration plan of the map's window (`state/groups.rs`).
#[derive(Clone, Debug)]
pub enum GroupsAction {
    /// Group the machines of the map's window (locked groups of the current plan are kept).
    Compute(vmi_core::groups::GroupingOptions),
    /// Move a machine (by its `Machine` id) to a group, a new group, or out of every group.
    Move {
        machine: vmi_core::store::Sym,
        target: vmi_core::groups::MoveTarget,
    },
    SetLocked {
        group: usize,
        locked: bool,
    },
    /// The group the window details and the map brings forward.
    Select(Option<usize>),
    /// Colour the map by group.
    SetColouring(bool),
}

/// Comparing two windows and triaging failed connections (`state/compare.rs`).
#[derive(Clone, Debug)]
pub enum CompareAction {
    /// Compare window A with window B (the map's window, set to `b` first when given), an
    /// edge changed when its bytes grew or shrank by `min_ratio`.
    Start { a: super::compare::WindowA, b: Option<vmi_core::compare::Window>, min_ratio: f64 },
    /// Back to the map of window B alone.
    Stop,
    /// Colour the map by change kind.
    SetColouring(bool),
    /// Triage the failed connections of the map's window (and keep doing so as it changes).
    Triage,
}

/// Everything else about the window.
#[derive(Clone, Debug)]
pub enum UiAction {
    SetTheme(Theme),
    ShowWindow(Window, bool),
    /// An error from outside the state (a job that could not start).
    ShowError(super::AppError),
    DismissError(usize),
    CopyText(String),
    SetChart {
        kind: TrendKind,
        bin_ticks: Option<i64>,
    },
    /// Escape: undo a chart brush, else clear the selection.
    Escape,
    Quit,
}

macro_rules! group {
    ($($group:ident => $variant:ident),*) => {$(
        impl From<$group> for Action {
            fn from(action: $group) -> Action {
                Action::$variant(action)
            }
        }
    )*};
}

group!(FileAction => File, LoadAction => Load, MapAction => Map, CameraAction => Camera,
    ExportAction => Export, QueryAction => Query, GroupsAction => Groups, CompareAction => Compare, UiAction => Ui,
    NotesAction => Notes, SettingsAction => Settings, WorkspaceAction => Workspace);
