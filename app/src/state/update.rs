//! `update`: the one function that changes the app state. It carries out an action and
//! returns the effects the app must run outside the state (dialogs, loads on other threads,
//! the clipboard, screenshots, toasts); their results come back as actions.

use super::action::*;
use super::{AppError, AppState, Camera, ErrorKind, Loading};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;
use vmi_core::graph::export::{GraphFormat, export_graph_with_notes};
use vmi_core::ingest::LoadErrorKind;
use vmi_core::layout::LayoutCommand;
use vmi_core::render::titles::file_name;
use vmi_core::render::{ChartSpec, MapPicture, RgbaImage, Theme, chart, map};
use vmi_core::trends::TrendKind;

/// What the app must do outside the state after an action.
#[derive(Debug)]
pub enum Effect {
    OpenDialog {
        folder: Option<PathBuf>,
        /// Offer workspaces (`.vmimap`) first.
        workspaces: bool,
    },
    SaveDialog {
        folder: Option<PathBuf>,
        file_name: String,
        extension: &'static str,
        target: SaveTarget,
    },
    /// Load these on the load thread (a running load is cancelled; what it finished is kept).
    StartLoad(Vec<Source>),
    CancelLoad,
    CopyText(String),
    CopyImage(RgbaImage),
    Screenshot(PathBuf),
    ApplyTheme(Theme),
    /// Theme (light, dark or the system's) and UI scale from the settings.
    ApplySettings(super::settings::Settings),
    Toast(String),
    /// Run a query on the query job.
    RunQuery {
        id: u64,
        store: Arc<vmi_core::store::Store>,
        text: String,
        options: vmi_core::kql::QueryOptions,
    },
    /// Hash these loaded files (by source) on the hashing job, for the next workspace save.
    HashFiles(Vec<String>),
    /// Another frame soon (a layout or load in progress).
    Repaint,
    Quit,
}

/// Carries out `action`; the only code that changes an [`AppState`].
pub fn update(state: &mut AppState, action: impl Into<Action>) -> Vec<Effect> {
    let mut effects = Vec::new();
    match action.into() {
        Action::File(action) => file(state, action, &mut effects),
        Action::Load(action) => load(state, action, &mut effects),
        Action::Map(action) => map_action(state, action, &mut effects),
        Action::Camera(action) => camera(state, action),
        Action::Export(action) => export(state, action, &mut effects),
        Action::Query(action) => super::query::query(state, action, &mut effects),
        Action::Groups(action) => super::groups::groups(state, action, &mut effects),
        Action::Compare(action) => super::compare::compare(state, action, &mut effects),
        Action::Ui(action) => ui(state, action, &mut effects),
        Action::Notes(action) => super::notes::notes(state, action, &mut effects),
        Action::Settings(action) => super::settings::settings(state, action, &mut effects),
        Action::Workspace(action) => super::workspace::workspace(state, action, &mut effects),
    }
    state.fit_if_pending();
    state.refresh_details();
    super::notes::refresh(state);
    effects
}

fn file(state: &mut AppState, action: FileAction, effects: &mut Vec<Effect>) {
    match action {
        FileAction::OpenDialog => {
            effects.push(Effect::OpenDialog { folder: state.last_folder.clone(), workspaces: false })
        }
        // Workspaces open as such, folders load every export inside them.
        FileAction::Open(paths) => super::workspace::open_paths(state, paths, effects),
        FileAction::OpenBytes { name, bytes } => effects.push(Effect::StartLoad(vec![Source::Bytes { name, bytes }])),
        FileAction::LoadSample => {
            let sources = crate::sample::SAMPLE_FILES
                .iter()
                .map(|(name, bytes)| Source::Bytes { name: (*name).to_string(), bytes: Arc::new(bytes.to_vec()) })
                .collect();
            effects.push(Effect::StartLoad(sources));
        }
        FileAction::CancelLoad => effects.push(Effect::CancelLoad),
        FileAction::Close(id) => {
            if Arc::make_mut(&mut state.store).close_file(id) {
                state.rebuild_all();
            }
        }
        FileAction::Clear => {
            Arc::make_mut(&mut state.store).clear();
            state.selected = None;
            state.problems.clear();
            state.problems_not_kept = 0;
            state.rebuild_all();
        }
    }
}

fn load(state: &mut AppState, action: LoadAction, effects: &mut Vec<Effect>) {
    match action {
        LoadAction::Started(progress) => state.loading = Some(Loading { progress, started: Instant::now() }),
        LoadAction::File { name, result } => match *result {
            Ok(loaded) => {
                state.problems.extend(loaded.warnings.kept.iter().cloned());
                state.problems_not_kept += loaded.warnings.dropped();
                if !loaded.warnings.is_empty() {
                    let total = loaded.warnings.total;
                    let rows = if total == 1 { "row" } else { "rows" };
                    effects.push(Effect::Toast(format!("{}: {total} {rows} skipped, see Problems", file_name(&name))));
                }
                super::workspace::file_loaded(state, &loaded.batch.source);
                Arc::make_mut(&mut state.store).merge(loaded.batch);
                state.merged_unbuilt = true;
            }
            Err(error) if error.kind == LoadErrorKind::Cancelled => {
                effects.push(Effect::Toast(format!("Loading {} cancelled", file_name(&name))));
            }
            Err(error) => state.errors.push(AppError::new(ErrorKind::Load, error.to_string())),
        },
        LoadAction::Finished => {
            state.loading = None;
            // The map is rebuilt once per load, not per file: the result must not depend on
            // how the files happened to arrive (each rebuild warm-starts the layout).
            if std::mem::take(&mut state.merged_unbuilt) {
                state.fit_pending = true;
                state.rebuild_all();
            }
            // A workspace waiting for its files (or the last run's window) comes back now.
            super::workspace::load_finished(state, effects);
        }
        LoadAction::Failed(message) => {
            state.loading = None;
            state.errors.push(AppError::new(ErrorKind::Job, format!("cannot start loading: {message}")));
        }
    }
}

fn map_action(state: &mut AppState, action: MapAction, effects: &mut Vec<Effect>) {
    match action {
        MapAction::Select(selection) => state.selected = selection,
        MapAction::Reveal(key) => reveal(state, key),
        MapAction::ToggleExpand(vmi_core::graph::NodeKey::Group { id }) => super::grouping::toggle_group(state, id),
        MapAction::ToggleExpand(key) => {
            if let Some(node) = state.map.node(&key) {
                let machine = node.layout_key;
                if !state.options.expanded.remove(&machine) {
                    state.options.expanded.insert(machine);
                }
                state.options.expand_all = false;
                state.rebuild_view();
            }
        }
        MapAction::ExpandAll(expand) => {
            state.options.expand_all = expand;
            state.options.expanded.clear();
            state.rebuild_view();
        }
        MapAction::Focus(machines) => {
            state.request.focus = machines.into_iter().collect();
            state.fit_pending = true;
            state.rebuild_map();
        }
        MapAction::Hide(key) => {
            if let Some(node) = state.map.node(&key) {
                state.options.hidden.insert(node.layout_key);
                if state.selected == Some(Selected::Node(key)) {
                    state.selected = None;
                }
                state.rebuild_view();
            }
        }
        MapAction::ShowAllHidden => {
            state.options.hidden.clear();
            state.rebuild_view();
        }
        MapAction::SetViewOptions(options) => {
            if options != state.options {
                state.options = options;
                state.rebuild_view();
            }
        }
        MapAction::SetWindow { from, to, brush } => {
            if brush && state.window_before_brush.is_none() {
                state.window_before_brush = Some((state.request.from, state.request.to));
            }
            if (from, to) != (state.request.from, state.request.to) {
                state.request.from = from;
                state.request.to = to;
                state.rebuild_map();
            }
        }
        MapAction::Pin(key) => {
            if let (Some(node), Some(i)) = (state.map.node(&key), state.layout_index(&key))
                && let Some(&position) = state.layout.positions.get(i as usize)
            {
                state.layout.pinned.insert(node.layout_key, position);
                if let Some(worker) = &state.layout.worker {
                    worker.send(LayoutCommand::Pin { node: i, pos: position });
                }
            }
        }
        MapAction::Unpin(key) => {
            if let Some(node) = state.map.node(&key) {
                state.layout.pinned.remove(&node.layout_key);
                if let (Some(worker), Some(i)) = (&state.layout.worker, state.layout_index(&key)) {
                    worker.send(LayoutCommand::Unpin { node: i });
                }
            }
        }
        MapAction::DragNode { index, delta } => drag(state, index, delta),
        MapAction::DragEnd { index } => {
            if let Some(key) = state.node_key_of_view(index) {
                map_action(state, MapAction::Pin(key), effects);
            }
        }
        MapAction::Search(text) => {
            if text != state.search.text {
                state.search.text = text;
                state.run_search();
            }
        }
        MapAction::SearchNext => {
            let matches = &state.search.matches;
            if !matches.is_empty() {
                let key = matches[state.search.current % matches.len()];
                state.search.current = (state.search.current + 1) % matches.len();
                reveal(state, key);
            }
        }
        MapAction::PollLayout => state.poll_layout(effects),
        MapAction::SetEdgeWidthByBytes(on) => state.look.edge_width_by_bytes = on,
        MapAction::GroupBy(by) => super::grouping::group_by(state, by),
        MapAction::GroupExternals(by) => super::grouping::group_externals(state, by),
    }
}

/// Selects a node and centres on it; a process inside a collapsed machine opens the machine.
fn reveal(state: &mut AppState, key: vmi_core::graph::NodeKey) {
    super::grouping::open_group_of(state, &key);
    if let Some(parent) = state.map.node(&key).and_then(|n| n.parent) {
        let machine_key = state.map.graph[parent].layout_key;
        if state.view_index_of(&key).and_then(|i| state.node_key_of_view(i)) != Some(key) {
            state.options.expanded.insert(machine_key);
            state.rebuild_view();
        }
    }
    state.selected = Some(Selected::Node(key));
    state.center_on(&key);
}

/// Moves a view node (and what it holds) by a world delta; the layout thread is told.
fn drag(state: &mut AppState, index: usize, delta: [f32; 2]) {
    let children = state.view.nodes.iter().enumerate().filter(|(_, n)| n.parent == Some(index)).map(|(c, _)| c);
    let moved: Vec<usize> = std::iter::once(index).chain(children).collect();
    for i in moved {
        if let Some(p) = state.layout.positions.get_mut(i) {
            p[0] += delta[0];
            p[1] += delta[1];
        }
    }
    state.layout.version += 1;
    if let (Some(worker), Some(p)) = (&state.layout.worker, state.layout.positions.get(index)) {
        worker.send(LayoutCommand::Drag { node: index as u32, pos: *p });
    }
}

fn camera(state: &mut AppState, action: CameraAction) {
    let clamp = |zoom: f32| zoom.clamp(Camera::MIN_ZOOM, Camera::MAX_ZOOM);
    match action {
        CameraAction::FitView => state.fit_pending = true,
        CameraAction::FitSelection => state.fit_selection(),
        CameraAction::LookAt(point) => state.look_at(point),
        CameraAction::Zoom(factor) => state.camera.zoom = clamp(state.camera.zoom * factor),
        CameraAction::ZoomAt { pointer, factor } => {
            let [cx, cy] = state.canvas.center();
            let old = state.camera;
            let anchor = [old.center[0] + (pointer[0] - cx) / old.zoom, old.center[1] + (pointer[1] - cy) / old.zoom];
            let zoom = clamp(old.zoom * factor);
            state.camera =
                Camera { center: [anchor[0] - (pointer[0] - cx) / zoom, anchor[1] - (pointer[1] - cy) / zoom], zoom };
        }
        CameraAction::Pan([dx, dy]) => {
            state.camera.center[0] -= dx / state.camera.zoom;
            state.camera.center[1] -= dy / state.camera.zoom;
        }
        CameraAction::CanvasMoved(rect) => state.canvas = super::CanvasRect(rect),
    }
}

fn export(state: &mut AppState, action: ExportAction, effects: &mut Vec<Effect>) {
    match action {
        ExportAction::SaveDialog { target, extension } => {
            let file_name = format!("{}.{extension}", target.file_stem());
            effects.push(Effect::SaveDialog { folder: state.last_folder.clone(), file_name, extension, target });
        }
        ExportAction::Save { target, path } => save(state, &target, &path, effects),
        ExportAction::Screenshot(path) => {
            let path = path.unwrap_or_else(|| {
                let folder = state.last_folder.clone().unwrap_or_else(|| PathBuf::from("."));
                let stamp =
                    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
                folder.join(format!("vmi-map-screenshot-{stamp}.png"))
            });
            effects.push(Effect::Screenshot(path));
        }
        ExportAction::ScreenshotSaved(Ok(path)) => {
            effects.push(Effect::Toast(format!("Screenshot saved to {}", path.display())));
        }
        ExportAction::ScreenshotSaved(Err(message)) => {
            state.errors.push(AppError::new(ErrorKind::Write, format!("screenshot not saved: {message}")));
        }
        ExportAction::CopyChart(kind) => match draw_chart(state, kind, 1600, 700, |spec| {
            chart::render_rgba(spec).map(|c| c.image)
        }) {
            Ok(image) => {
                effects.push(Effect::CopyImage(image));
                effects.push(Effect::Toast("Chart copied".into()));
            }
            Err(error) => state.errors.push(AppError::new(ErrorKind::Draw, format!("cannot draw the chart: {error}"))),
        },
    }
}

/// Draws the chart of `kind` for the selection and window with `render`.
fn draw_chart<T>(
    state: &AppState,
    kind: TrendKind,
    width: u32,
    height: u32,
    render: impl FnOnce(&ChartSpec<'_>) -> Result<T, String>,
) -> Result<T, String> {
    let trend = state.chart_trend(kind);
    let title = state.chart_title(kind);
    render(&ChartSpec { trend: &trend, title: &title, width, height, theme: state.theme })
}

pub(super) fn save(state: &mut AppState, target: &SaveTarget, path: &Path, effects: &mut Vec<Effect>) {
    let bytes: Result<Vec<u8>, String> = match target {
        SaveTarget::MapPicture(export) => map_picture(state, export, path),
        SaveTarget::Graph => match GraphFormat::from_path(&path.to_string_lossy().to_ascii_lowercase()) {
            Some(format) => Ok(export_graph_with_notes(
                &state.store,
                &state.inventory,
                &state.map,
                &state.view,
                &state.layout.positions,
                format,
                &state.notes.resolved,
            )
            .into_bytes()),
            None => Err("use .graphml, .dot or .json".to_string()),
        },
        SaveTarget::Chart(kind) => draw_chart(state, *kind, 1600, 700, |spec| chart::render_for_path(spec, path))
            .map_err(|e| format!("cannot draw the chart: {e}")),
        SaveTarget::QueryResult => super::query::result_file(state, path),
        SaveTarget::QueryChart => super::query::chart_file(state, path),
        SaveTarget::MoveGroups => super::groups::groups_file(state),
        SaveTarget::FirewallRules { scope, name } => super::groups::rules_file(state, scope, name, path),
        SaveTarget::Workspace => super::workspace::file_bytes(state, path),
    };
    match bytes {
        Ok(bytes) => match std::fs::write(path, bytes) {
            Ok(()) => {
                if let Some(folder) = path.parent() {
                    state.last_folder = Some(folder.to_path_buf());
                }
                effects.push(Effect::Toast(format!("Saved {}", path.display())));
                if *target == SaveTarget::Workspace {
                    super::workspace::saved(state, path, effects);
                }
            }
            Err(error) => {
                super::workspace::save_failed(state);
                state.errors.push(AppError::new(ErrorKind::Write, format!("{}: cannot write: {error}", path.display())))
            }
        },
        Err(message) => {
            super::workspace::save_failed(state);
            state.errors.push(AppError::new(ErrorKind::Draw, format!("{}: {message}", path.display())))
        }
    }
}

fn map_picture(state: &AppState, export: &MapExport, path: &Path) -> Result<Vec<u8>, String> {
    let scene = state.scene();
    let region = match export.extent {
        ExportExtent::WholeMap => None,
        ExportExtent::CurrentView => {
            let [width, height] = state.canvas.size();
            let zoom = state.camera.zoom;
            let (half, c) = ([width / 2.0 / zoom, height / 2.0 / zoom], state.camera.center);
            Some(([c[0] - half[0], c[1] - half[1]], [c[0] + half[0], c[1] + half[1]]))
        }
    };
    let picture = MapPicture {
        scene: &scene,
        width_px: export.width_px,
        region,
        theme: export.theme,
        title: export.title.then(|| state.picture_title()),
        legend: export.legend,
    };
    map::render_for_path(&picture, path).map_err(|e| format!("cannot draw the map: {e}"))
}

fn ui(state: &mut AppState, action: UiAction, effects: &mut Vec<Effect>) {
    match action {
        UiAction::SetTheme(theme) => {
            state.theme = theme;
            effects.push(Effect::ApplyTheme(theme));
        }
        UiAction::ShowWindow(window, open) => match window {
            Window::Query => state.windows.query = open,
            Window::Export => state.windows.export = open,
            Window::Problems => state.windows.problems = open,
            Window::Groups => {
                state.windows.groups = open;
                if open { super::groups::window_opened(state) } else { super::groups::window_closed(state) }
            }
            Window::Compare => state.windows.compare = open,
            Window::Failures => {
                state.windows.failures = open;
                if open && state.compare.triage.is_none() {
                    super::compare::compare(state, CompareAction::Triage, effects);
                }
            }
            Window::Shortcuts => state.windows.shortcuts = open,
            Window::About => state.windows.about = open,
            Window::Settings => state.windows.settings = open,
        },
        UiAction::ShowError(error) => state.errors.push(error),
        UiAction::DismissError(i) => {
            if i < state.errors.len() {
                state.errors.remove(i);
            }
        }
        UiAction::CopyText(text) => {
            effects.push(Effect::CopyText(text));
            effects.push(Effect::Toast("Copied".into()));
        }
        UiAction::SetChart { kind, bin_ticks } => state.charts = super::ChartSettings { kind, bin_ticks },
        UiAction::Escape => match state.window_before_brush.take() {
            Some((from, to)) => map_action(state, MapAction::SetWindow { from, to, brush: false }, effects),
            None => state.selected = None,
        },
        UiAction::Quit => effects.push(Effect::Quit),
    }
}
