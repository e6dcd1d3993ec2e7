//! The app's state, with no egui in it: what is loaded, the map and view of it, what the user
//! chose and selected, and the answers panels read. [`update`] is the only code that changes
//! it; panels read it through [`ViewCtx`] and ask for changes with [`Action`]s.

mod action;
pub mod camera;
pub mod compare;
mod errors;
pub mod grouping;
pub mod groups;
pub mod look;
pub mod notes;
mod pipeline;
pub mod queries;
pub mod query;
pub mod settings;
mod update;
pub mod workspace;

pub use action::{
    Action, CameraAction, CompareAction, ExportAction, ExportExtent, FileAction, GroupsAction, LoadAction, MapAction,
    MapExport, QueryAction, SaveTarget, Selected, Source, UiAction, Window,
};
pub use errors::{AppError, ErrorKind};
pub use notes::NotesAction;
pub use settings::SettingsAction;
pub use update::{Effect, update};
pub use workspace::WorkspaceAction;

use crate::jobs::LoadProgress;
use queries::{Details, FilterValues, SearchIndex};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;
use vmi_core::graph::view::{MapView, ViewOptions};
use vmi_core::graph::{DependencyMap, Inventory, MapRequest, NodeKey, NodeKind};
use vmi_core::ingest::Warning;
use vmi_core::layout::{LayoutWorker, PositionMap};
use vmi_core::model::Timestamp;
use vmi_core::render::Theme;
use vmi_core::store::Store;
use vmi_core::trends::{Selection, TrendKind, TrendRequest};

/// What panels see: the state, read-only, so the compiler stops a panel from changing it.
#[derive(Clone, Copy)]
pub struct ViewCtx<'a> {
    pub state: &'a AppState,
}

/// The part of the map on screen: the world point at the centre, and pixels per world unit.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Camera {
    pub center: [f32; 2],
    pub zoom: f32,
}

impl Default for Camera {
    fn default() -> Self {
        Camera { center: [0.0, 0.0], zoom: 1.0 }
    }
}

impl Camera {
    pub const MIN_ZOOM: f32 = 0.005;
    pub const MAX_ZOOM: f32 = 50.0;
}

/// Where the canvas is in the window, in points: `[left, top, width, height]`.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct CanvasRect(pub [f32; 4]);

impl CanvasRect {
    pub fn center(&self) -> [f32; 2] {
        let [x, y, w, h] = self.0;
        [x + w / 2.0, y + h / 2.0]
    }

    pub fn size(&self) -> [f32; 2] {
        [self.0[2], self.0[3]]
    }
}

/// Layout positions of the current view and how they are being computed.
#[derive(Default)]
pub struct LayoutState {
    /// Index-aligned with `view.nodes`.
    pub positions: Vec<[f32; 2]>,
    /// Last known position of every node ever shown (warm start when the view changes).
    pub known: PositionMap,
    pub pinned: PositionMap,
    pub worker: Option<LayoutWorker>,
    pub generation: u64,
    pub settled: bool,
    /// Bumped whenever `positions` change, so the canvas knows when to rebuild its shapes.
    pub version: u64,
}

impl LayoutState {
    /// New positions for the view's nodes; the canvas redraws from them.
    fn set_positions(&mut self, positions: Vec<[f32; 2]>) {
        self.positions = positions;
        self.version += 1;
    }
}

/// The search box's question and answer.
#[derive(Clone, Debug, Default)]
pub struct SearchState {
    pub text: String,
    pub matches: Vec<NodeKey>,
    /// The match the next Enter shows.
    pub current: usize,
}

/// A running load, as the status line shows it.
pub struct Loading {
    pub progress: Arc<LoadProgress>,
    pub started: Instant,
}

/// The chart under the map.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ChartSettings {
    pub kind: TrendKind,
    /// `None`: chosen from the window.
    pub bin_ticks: Option<i64>,
}

impl Default for ChartSettings {
    fn default() -> Self {
        ChartSettings { kind: TrendKind::Bytes, bin_ticks: None }
    }
}

/// Which windows over the map are open.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OpenWindows {
    pub query: bool,
    pub export: bool,
    pub problems: bool,
    pub groups: bool,
    pub compare: bool,
    pub failures: bool,
    pub shortcuts: bool,
    pub about: bool,
    pub settings: bool,
}

pub struct AppState {
    /// Shared with background queries; changed through `Arc::make_mut` (a copy only while a
    /// query still reads the old records).
    pub store: Arc<Store>,
    pub inventory: Inventory,
    /// First and last connection record time of everything loaded.
    pub data_extent: Option<(Timestamp, Timestamp)>,
    /// The latest `TimeGenerated` of any table (queries' `now()`), in ticks.
    pub latest_record: Option<i64>,
    /// Distinct inventory values the filters offer.
    pub filter_values: FilterValues,
    pub request: MapRequest,
    pub map: DependencyMap,
    /// Bumped whenever `map` is rebuilt.
    pub map_version: u64,
    pub options: ViewOptions,
    pub view: MapView,
    /// Bumped whenever `view` is rebuilt, so caches of it know to refresh.
    pub view_version: u64,
    pub layout: LayoutState,
    /// Colours laid over the map (window comparison, move groups); bumped `marks_version`
    /// on every change so the canvas redraws.
    pub marks: Option<vmi_core::render::scene::Marks>,
    pub marks_version: u64,
    /// How edges are drawn (width by bytes or alike).
    pub look: look::MapLook,
    /// Machines grouped on the map: whether the user chose the grouping, inferred machines.
    pub grouping: grouping::GroupingState,
    /// Lay out on the UI thread whatever the size (tests want the settled map at once).
    pub always_sync_layout: bool,
    pub camera: Camera,
    pub canvas: CanvasRect,
    /// Fit the camera to the map once the canvas and positions are known.
    pub fit_pending: bool,
    pub selected: Option<Selected>,
    /// What the detail panel shows for the selection, computed when it or the map changes.
    pub details: Details,
    details_for: (Option<Selected>, u64, u64),
    pub search: SearchState,
    search_index: SearchIndex,
    pub charts: ChartSettings,
    pub query: query::QueryState,
    /// Move groups: the plan of the map's window and its figures.
    pub groups: groups::GroupsState,
    /// The comparison of two windows and the failure triage.
    pub compare: compare::CompareState,
    pub windows: OpenWindows,
    pub theme: Theme,
    /// Notes on nodes and edges.
    pub notes: notes::NotesState,
    /// Theme, scale, how times show; recent files and workspaces.
    pub settings: settings::SettingsState,
    /// The workspace file this work belongs to, and the questions before losing unsaved work.
    pub workspace: workspace::WorkspaceState,
    pub last_folder: Option<PathBuf>,
    /// The window before a chart brush, restored by Escape.
    pub window_before_brush: Option<(Option<Timestamp>, Option<Timestamp>)>,
    pub loading: Option<Loading>,
    /// Records merged by the running load and not yet on the map.
    merged_unbuilt: bool,
    /// Errors the user has not dismissed.
    pub errors: Vec<AppError>,
    /// Rows skipped while loading.
    pub problems: Vec<Warning>,
    pub problems_not_kept: usize,
}

impl Default for AppState {
    fn default() -> Self {
        AppState {
            store: Arc::default(),
            inventory: Inventory::default(),
            data_extent: None,
            latest_record: None,
            filter_values: FilterValues::default(),
            request: MapRequest::default(),
            map: DependencyMap::default(),
            map_version: 0,
            options: ViewOptions::default(),
            view: MapView::default(),
            view_version: 0,
            layout: LayoutState::default(),
            marks: None,
            marks_version: 0,
            look: look::MapLook::default(),
            grouping: grouping::GroupingState::default(),
            always_sync_layout: false,
            camera: Camera::default(),
            canvas: CanvasRect::default(),
            fit_pending: true,
            selected: None,
            details: Details::default(),
            details_for: (None, u64::MAX, u64::MAX),
            search: SearchState::default(),
            search_index: SearchIndex::default(),
            charts: ChartSettings::default(),
            query: query::QueryState::default(),
            groups: groups::GroupsState::default(),
            compare: compare::CompareState::default(),
            windows: OpenWindows::default(),
            theme: Theme::Light,
            notes: notes::NotesState::default(),
            settings: settings::SettingsState::default(),
            workspace: workspace::WorkspaceState::default(),
            last_folder: None,
            window_before_brush: None,
            loading: None,
            merged_unbuilt: false,
            errors: Vec::new(),
            problems: Vec::new(),
            problems_not_kept: 0,
        }
    }
}

impl AppState {
    /// The view node showing a node: itself, the collapsed machine or group it is in, or a group's own node.
    pub fn view_index_of(&self, key: &NodeKey) -> Option<usize> {
        // A group key finds its group's node; a machine in a collapsed group finds the group.
        self.view.index_of_key(&self.map, key)
    }

    pub fn node_key_of_view(&self, view_index: usize) -> Option<NodeKey> {
        let node = self.view.nodes.get(view_index)?;
        Some(node.node)
    }

    /// The view index of a node drawn as itself (not inside a collapsed machine).
    fn layout_index(&self, key: &NodeKey) -> Option<u32> {
        let i = self.view_index_of(key)?;
        (self.node_key_of_view(i) == Some(*key)).then_some(i as u32)
    }

    /// Where a map node is drawn on screen (its view node's centre), in points.
    pub fn screen_position(&self, key: &NodeKey) -> Option<[f32; 2]> {
        let position = self.layout.positions.get(self.view_index_of(key)?)?;
        let [cx, cy] = self.canvas.center();
        Some([
            cx + (position[0] - self.camera.center[0]) * self.camera.zoom,
            cy + (position[1] - self.camera.center[1]) * self.camera.zoom,
        ])
    }

    /// Counts for the status line: machines (those inside collapsed groups too), nodes and
    /// edges on the map.
    pub fn counts(&self) -> (usize, usize, usize) {
        let shown = self.view.nodes.iter().filter(|n| n.kind == NodeKind::Machine).count();
        let grouped: usize = self
            .view
            .groups
            .iter()
            .filter(|g| !g.external && !g.expanded && g.view_node.is_some())
            .map(|g| g.machines.len())
            .sum();
        let machines = shown + grouped;
        (machines, self.view.nodes.len(), self.view.edges.len())
    }

    /// The chart of `kind` as shown: the selection's trend over the window or, while two
    /// windows are compared, both windows overlaid and aligned on their starts.
    pub fn chart_trend(&self, kind: TrendKind) -> vmi_core::trends::Trend {
        let request = self.trend_request(kind);
        match (self.compare.on, self.compare.a, self.compare.b) {
            (true, Some(a), Some(b)) => vmi_core::compare::overlay(
                &self.store,
                &self.inventory,
                kind,
                request.selection,
                (a, b),
                request.bin_ticks,
            )
            .merged(),
            // A group's trend is the sum of its machines'.
            _ => match grouping::selected_group(self) {
                Some(id) => grouping::group_trend(self, id, &request),
                None => vmi_core::trends::compute(&self.store, &self.inventory, &request),
            },
        }
    }

    /// The trend a chart of `kind` shows for the current selection and window.
    pub fn trend_request(&self, kind: TrendKind) -> TrendRequest {
        let selection = match self.selected {
            None => Selection::Estate,
            Some(Selected::Node(key)) => Selection::Node(key),
            Some(Selected::Edge { source, target }) => Selection::Edge { source, target },
        };
        TrendRequest { kind, selection, from: self.request.from, to: self.request.to, bin_ticks: self.charts.bin_ticks }
    }

    /// The title of a chart of `kind`: what it is of and the window.
    pub fn chart_title(&self, kind: TrendKind) -> String {
        let name = |key: &NodeKey| match *key {
            NodeKey::Group { id } => self.view.group(id).map(|g| format!("group {}", g.name)),
            _ => self.map.node(key).map(|n| n.label.clone()),
        };
        let subject = match self.selected {
            None => "whole estate".to_string(),
            Some(Selected::Node(key)) => match (key, name(&key)) {
                (NodeKey::Machine { .. }, Some(label)) => format!("machine {label}"),
                (NodeKey::Process { .. }, Some(label)) => format!("process {label}"),
                (_, Some(label)) => label,
                (_, None) => "selection".to_string(),
            },
            Some(Selected::Edge { source, target }) => {
                format!("{} → {}", name(&source).unwrap_or_default(), name(&target).unwrap_or_default())
            }
        };
        let window =
            self.request.from.or(self.data_extent.map(|e| e.0)).zip(self.request.to.or(self.data_extent.map(|e| e.1)));
        let title = vmi_core::render::titles::chart_title(kind, &subject, window);
        match (self.compare.on, self.compare.a) {
            (true, Some(a)) => {
                format!("{title}, A from {} aligned on B", vmi_core::render::titles::short_time(a.from))
            }
            _ => title,
        }
    }

    /// The scene of the view as drawn: positions, and the marks laid over it.
    pub fn scene(&self) -> vmi_core::render::MapScene {
        let scene = vmi_core::render::MapScene::new(&self.view, &self.layout.positions);
        let scene = match &self.marks {
            Some(marks) => scene.marked(&self.view, marks),
            None => scene,
        };
        self.look.apply(scene)
    }

    /// The title pictures get: what is loaded and the window.
    pub fn picture_title(&self) -> String {
        let files: Vec<&str> = self.store.files().iter().map(|f| f.source.as_str()).collect();
        vmi_core::render::titles::picture_title(&files, self.request.from, self.request.to)
    }
}
