//! The app's state, the pipeline from loaded records to what is on screen, and `apply`, the
//! one function that carries out user commands.
//!
//! store -> inventory -> map (window, focus) -> view (filters, expanded machines) -> layout.
//! Each stage is recomputed only when its input changed.

use crate::command::{Command, ExportExtent, MapExport, Selected};
use crate::jobs::{DialogJob, DialogPurpose, LoadJob, Source};
use crate::ui;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Instant;
use vmi_core::graph::view::{MapView, ViewOptions, build_view};
use vmi_core::graph::{DependencyMap, Inventory, MapRequest, NodeKey, NodeKind, build_map};
use vmi_core::ingest::Warning;
use vmi_core::layout::{LayoutCommand, LayoutParams, LayoutWorker, PositionMap};
use vmi_core::model::{TableKind, Timestamp};
use vmi_core::render::Theme;
use vmi_core::store::Store;
use vmi_core::trends::TrendKind;

/// Views of up to this many nodes are laid out at once on the UI thread (a few milliseconds),
/// so the first frame is already settled; bigger ones settle on the layout thread.
const SYNC_LAYOUT_MAX_NODES: usize = 600;

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

/// A short message in the corner, gone after a few seconds.
#[derive(Clone, Debug)]
pub struct Toast {
    pub text: String,
    pub shown_at: Instant,
}

/// The search box.
#[derive(Clone, Debug, Default)]
pub struct SearchState {
    pub text: String,
    pub matches: Vec<NodeKey>,
    pub current: usize,
    /// The text `matches` was computed for.
    searched: String,
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

pub struct VmiApp {
    pub store: Store,
    pub inventory: Inventory,
    pub map: DependencyMap,
    pub view: MapView,
    /// Bumped whenever `view` is rebuilt, so caches of it know to refresh.
    pub view_version: u64,
    pub request: MapRequest,
    pub options: ViewOptions,
    pub layout: LayoutState,
    pub camera: Camera,
    /// Fit the view to the map on the next frame.
    pub fit_pending: bool,
    pub selected: Option<Selected>,
    pub search: SearchState,
    pub loading: Option<LoadJob>,
    /// Records merged by the running load and not yet on the map.
    merged_unbuilt: bool,
    pub dialog: Option<DialogJob>,
    /// File-level errors, dismissable.
    pub errors: Vec<String>,
    pub problems: Vec<Warning>,
    pub problems_not_kept: usize,
    pub show_problems: bool,
    pub toasts: Vec<Toast>,
    pub charts: ui::charts_ui::ChartsState,
    pub reports: ui::reports_ui::ReportsState,
    pub export: ui::export_ui::ExportDialog,
    pub theme: Theme,
    pub last_folder: Option<PathBuf>,
    /// First and last record time of everything loaded.
    pub data_extent: Option<(Timestamp, Timestamp)>,
    /// The window before a chart brush, restored by Escape.
    pub window_before_brush: Option<(Option<Timestamp>, Option<Timestamp>)>,
    /// Commands raised while drawing, applied at the end of the frame.
    pub pending: Vec<Command>,
    /// Messages from callbacks on other threads (screenshots saved).
    pub mailbox: Arc<Mutex<Vec<String>>>,
    /// Lay out on the UI thread whatever the size (tests want the settled map at once).
    pub always_sync_layout: bool,
    pub ctx: egui::Context,
    /// The canvas size in points, for exports of the current view.
    pub canvas_size: egui::Vec2,
    pub canvas: ui::map_ui::CanvasState,
    /// Where the canvas was drawn last frame, in points.
    pub canvas_rect: egui::Rect,
}

impl VmiApp {
    /// The app showing `files`, or the bundled sample when there are none.
    pub fn new(ctx: &egui::Context, files: Vec<PathBuf>) -> Self {
        let mut app = VmiApp::empty(ctx);
        app.apply(Command::SetTheme(Theme::Light));
        if files.is_empty() {
            app.apply(Command::LoadSample);
        } else {
            app.apply(Command::OpenFiles(files));
        }
        app
    }

    /// The app with nothing loaded.
    pub fn empty(ctx: &egui::Context) -> Self {
        ui::style::install_fonts(ctx);
        VmiApp {
            store: Store::default(),
            inventory: Inventory::default(),
            map: DependencyMap::default(),
            view: MapView::default(),
            view_version: 0,
            request: MapRequest::default(),
            options: ViewOptions::default(),
            layout: LayoutState::default(),
            camera: Camera::default(),
            fit_pending: true,
            selected: None,
            search: SearchState::default(),
            loading: None,
            merged_unbuilt: false,
            dialog: None,
            errors: Vec::new(),
            problems: Vec::new(),
            problems_not_kept: 0,
            show_problems: false,
            toasts: Vec::new(),
            charts: ui::charts_ui::ChartsState::default(),
            reports: ui::reports_ui::ReportsState::default(),
            export: ui::export_ui::ExportDialog::default(),
            theme: Theme::Light,
            last_folder: None,
            data_extent: None,
            window_before_brush: None,
            pending: Vec::new(),
            mailbox: Arc::new(Mutex::new(Vec::new())),
            always_sync_layout: false,
            ctx: ctx.clone(),
            canvas_size: egui::vec2(1000.0, 700.0),
            canvas: ui::map_ui::CanvasState::default(),
            canvas_rect: egui::Rect::NOTHING,
        }
    }

    pub fn toast(&mut self, text: impl Into<String>) {
        self.toasts.push(Toast { text: text.into(), shown_at: Instant::now() });
    }

    fn wake(&self) -> impl Fn() + Send + 'static {
        let ctx = self.ctx.clone();
        move || ctx.request_repaint()
    }

    // ---- the pipeline -------------------------------------------------------------------

    /// After the loaded records changed.
    pub fn rebuild_all(&mut self) {
        self.inventory = Inventory::new(&self.store);
        self.data_extent = vmi_core::trends::time_extent(&self.store, TableKind::VMConnection);
        self.rebuild_map();
    }

    /// After the window or focus changed.
    pub fn rebuild_map(&mut self) {
        self.map = build_map(&self.store, &self.inventory, &self.request);
        self.search.searched.clear();
        self.rebuild_view();
    }

    /// After filters or expanded machines changed.
    pub fn rebuild_view(&mut self) {
        self.view = build_view(&self.store, &self.inventory, &self.map, &self.options);
        self.view_version += 1;
        self.restart_layout();
    }

    fn restart_layout(&mut self) {
        // Remember where everything was, so unchanged nodes keep their place.
        for (node, position) in self.view_nodes_with_old_positions() {
            self.layout.known.insert(node, position);
        }
        self.layout.generation += 1;
        self.layout.worker = None;
        let input = self.view.layout_input();
        let warm: PositionMap =
            self.view.nodes.iter().filter_map(|n| self.layout.known.get(&n.key).map(|p| (n.key, *p))).collect();
        let pinned: PositionMap =
            self.view.nodes.iter().filter_map(|n| self.layout.pinned.get(&n.key).map(|p| (n.key, *p))).collect();
        let params = LayoutParams { seed: 7, ..Default::default() };
        if self.always_sync_layout || self.view.nodes.len() <= SYNC_LAYOUT_MAX_NODES {
            let mut layout = vmi_core::layout::Layout::new(input, params, &warm, &pinned);
            layout.run_to_convergence();
            self.layout.set_positions(layout.positions().to_vec());
            self.layout.settled = true;
            self.remember_positions();
        } else {
            // Until the first snapshot, known nodes sit where they were and new ones at the origin.
            self.layout.set_positions(
                self.view.nodes.iter().map(|n| warm.get(&n.key).copied().unwrap_or([0.0, 0.0])).collect(),
            );
            self.layout.settled = false;
            match LayoutWorker::spawn(self.layout.generation, input, params, warm, pinned) {
                Ok(worker) => self.layout.worker = Some(worker),
                Err(error) => self.errors.push(format!("cannot start the layout thread: {error}")),
            }
        }
    }

    /// The last drawn position of each node of the current view.
    fn view_nodes_with_old_positions(&self) -> Vec<(u64, [f32; 2])> {
        self.view.nodes.iter().zip(&self.layout.positions).map(|(n, p)| (n.key, *p)).collect()
    }

    fn remember_positions(&mut self) {
        for (key, position) in self.view_nodes_with_old_positions() {
            self.layout.known.insert(key, position);
        }
    }

    /// Takes the layout thread's latest positions, if any.
    pub fn poll_layout(&mut self) {
        let Some(worker) = &self.layout.worker else { return };
        if let Some(snapshot) = worker.try_latest()
            && snapshot.generation == self.layout.generation
            && snapshot.positions.len() == self.view.nodes.len()
        {
            self.layout.set_positions(snapshot.positions);
            if snapshot.done {
                self.layout.settled = true;
                self.remember_positions();
                self.fit_pending |= self.layout.known.len() == self.view.nodes.len();
            }
        }
        if !self.layout.settled {
            self.ctx.request_repaint();
        }
    }

    /// Takes what the load thread finished.
    pub fn poll_loading(&mut self) {
        let Some(job) = &mut self.loading else { return };
        let (outcomes, finished) = job.poll();
        let cancelled = job.is_cancelled();
        let mut changed = false;
        for (name, outcome) in outcomes {
            match outcome {
                Ok(loaded) => {
                    self.problems.extend(loaded.warnings.kept.iter().cloned());
                    self.problems_not_kept += loaded.warnings.dropped();
                    if !loaded.warnings.is_empty() {
                        let total = loaded.warnings.total;
                        let rows = if total == 1 { "row" } else { "rows" };
                        self.toast(format!("{}: {total} {rows} skipped, see Problems", short_name(&name)));
                    }
                    self.store.merge(loaded.batch);
                    changed = true;
                }
                Err(error) if error.kind == vmi_core::ingest::LoadErrorKind::Cancelled => {
                    self.toast(format!("Loading {} cancelled", short_name(&name)));
                }
                Err(error) => self.errors.push(error.to_string()),
            }
        }
        self.merged_unbuilt |= changed;
        if finished || cancelled && changed {
            self.loading = None;
        }
        // The map is rebuilt once per load, not per file: the result must not depend on how
        // the files happened to arrive (each rebuild warm-starts the layout from the last).
        if self.loading.is_none() && self.merged_unbuilt {
            self.merged_unbuilt = false;
            self.fit_pending = true;
            self.rebuild_all();
        }
        if self.loading.is_some() {
            self.ctx.request_repaint_after(std::time::Duration::from_millis(100));
        }
    }

    /// Takes the answer of a file dialog.
    pub fn poll_dialog(&mut self) {
        let Some(dialog) = &self.dialog else { return };
        let Some(paths) = dialog.poll() else { return };
        let purpose = dialog.purpose.clone();
        self.dialog = None;
        if let Some(folder) = paths.first().and_then(|p| p.parent()) {
            self.last_folder = Some(folder.to_path_buf());
        }
        match purpose {
            DialogPurpose::Open if !paths.is_empty() => self.apply(Command::OpenFiles(paths)),
            DialogPurpose::Save(then) => {
                if let Some(path) = paths.into_iter().next() {
                    self.apply(with_path(then, path));
                }
            }
            DialogPurpose::Open => {}
        }
    }

    pub fn poll_mailbox(&mut self) {
        let messages: Vec<String> = self.mailbox.lock().map(|mut m| std::mem::take(&mut *m)).unwrap_or_default();
        for message in messages {
            self.toast(message);
        }
    }

    // ---- lookups ------------------------------------------------------------------------

    /// The view node showing a map node: itself, or the collapsed machine it is in.
    pub fn view_index_of(&self, key: &NodeKey) -> Option<usize> {
        let index = *self.map.index.get(key)?;
        let parent = self.map.graph[index].parent;
        self.view.index_of(index).or_else(|| parent.and_then(|p| self.view.index_of(p)))
    }

    pub fn node_key_of_view(&self, view_index: usize) -> Option<NodeKey> {
        let node = self.view.nodes.get(view_index)?;
        Some(self.map.graph[node.map_node].key)
    }

    fn center_on(&mut self, key: &NodeKey) {
        if let Some(position) = self.view_index_of(key).and_then(|i| self.layout.positions.get(i)) {
            self.camera.center = *position;
        }
    }

    /// Where a map node is drawn on screen (its view node's centre), in points.
    pub fn screen_position(&self, key: &NodeKey) -> Option<egui::Pos2> {
        let position = self.layout.positions.get(self.view_index_of(key)?)?;
        let offset =
            egui::vec2(position[0] - self.camera.center[0], position[1] - self.camera.center[1]) * self.camera.zoom;
        Some(self.canvas_rect.center() + offset)
    }

    fn layout_index(&self, key: &NodeKey) -> Option<u32> {
        let i = self.view_index_of(key)?;
        (self.node_key_of_view(i) == Some(*key)).then_some(i as u32)
    }

    /// Runs the search when its text changed.
    pub fn update_search(&mut self) {
        if self.search.text != self.search.searched {
            self.search.matches = crate::search::find(&self.store, &self.inventory, &self.map, &self.search.text);
            self.search.current = 0;
            self.search.searched = self.search.text.clone();
        }
    }

    // ---- commands -----------------------------------------------------------------------

    pub fn apply(&mut self, command: Command) {
        match command {
            Command::OpenDialog => {
                if self.dialog.is_none() {
                    self.dialog = DialogJob::open(self.last_folder.clone(), self.wake());
                }
            }
            Command::OpenFiles(paths) => {
                if let Some(folder) = paths.first().and_then(|p| p.parent()) {
                    self.last_folder = Some(folder.to_path_buf());
                }
                self.start_load(paths.into_iter().map(Source::Path).collect());
            }
            Command::OpenBytes { name, bytes } => self.start_load(vec![Source::Bytes { name, bytes }]),
            Command::LoadSample => {
                let sources = crate::sample::SAMPLE_FILES
                    .iter()
                    .map(|(name, bytes)| Source::Bytes { name: (*name).to_string(), bytes: Arc::new(bytes.to_vec()) })
                    .collect();
                self.start_load(sources);
                // The sample is small: load it now, so the first frame shows it.
                self.finish_load_now();
            }
            Command::CancelLoad => {
                if let Some(job) = &self.loading {
                    job.cancel();
                }
            }
            Command::CloseFile(id) => {
                if self.store.close_file(id) {
                    self.rebuild_all();
                }
            }
            Command::Clear => {
                self.store.clear();
                self.selected = None;
                self.problems.clear();
                self.problems_not_kept = 0;
                self.rebuild_all();
            }
            Command::DismissError(i) => {
                if i < self.errors.len() {
                    self.errors.remove(i);
                }
            }
            Command::Select(selection) => {
                self.selected = selection;
            }
            Command::Reveal(key) => {
                // A process inside a collapsed machine: open the machine to show it.
                if let Some(parent) = self.map.node(&key).and_then(|n| n.parent) {
                    let machine_key = self.map.graph[parent].layout_key;
                    if self.view_index_of(&key).and_then(|i| self.node_key_of_view(i)) != Some(key) {
                        self.options.expanded.insert(machine_key);
                        self.rebuild_view();
                    }
                }
                self.selected = Some(Selected::Node(key));
                self.center_on(&key);
            }
            Command::FitView => self.fit_pending = true,
            Command::Zoom(factor) => self.camera.zoom = (self.camera.zoom * factor).clamp(0.005, 50.0),
            Command::ToggleExpand(key) => {
                if let Some(node) = self.map.node(&key) {
                    let machine = node.layout_key;
                    if !self.options.expanded.remove(&machine) {
                        self.options.expanded.insert(machine);
                    }
                    self.options.expand_all = false;
                    self.rebuild_view();
                }
            }
            Command::ExpandAll(expand) => {
                self.options.expand_all = expand;
                self.options.expanded.clear();
                self.rebuild_view();
            }
            Command::Focus(machines) => {
                self.request.focus = machines.into_iter().collect();
                self.fit_pending = true;
                self.rebuild_map();
            }
            Command::Hide(key) => {
                if let Some(node) = self.map.node(&key) {
                    self.options.hidden.insert(node.layout_key);
                    if self.selected == Some(Selected::Node(key)) {
                        self.selected = None;
                    }
                    self.rebuild_view();
                }
            }
            Command::SetViewOptions(options) => {
                if options != self.options {
                    self.options = options;
                    self.rebuild_view();
                }
            }
            Command::ShowAllHidden => {
                self.options.hidden.clear();
                self.rebuild_view();
            }
            Command::Pin(key) => {
                if let (Some(node), Some(i)) = (self.map.node(&key), self.layout_index(&key)) {
                    let position = self.layout.positions[i as usize];
                    self.layout.pinned.insert(node.layout_key, position);
                    if let Some(worker) = &self.layout.worker {
                        worker.send(LayoutCommand::Pin { node: i, pos: position });
                    }
                }
            }
            Command::Unpin(key) => {
                if let Some(node) = self.map.node(&key) {
                    self.layout.pinned.remove(&node.layout_key);
                    if let (Some(worker), Some(i)) = (&self.layout.worker, self.layout_index(&key)) {
                        worker.send(LayoutCommand::Unpin { node: i });
                    }
                }
            }
            Command::CopyText(text) => {
                self.ctx.copy_text(text);
                self.toast("Copied");
            }
            Command::SetWindow { from, to } => {
                if (from, to) != (self.request.from, self.request.to) {
                    self.request.from = from;
                    self.request.to = to;
                    self.rebuild_map();
                }
            }
            Command::SetTheme(theme) => {
                self.theme = theme;
                self.ctx.set_theme(match theme {
                    Theme::Light => egui::Theme::Light,
                    Theme::Dark => egui::Theme::Dark,
                });
            }
            Command::SearchNext => {
                self.update_search();
                if !self.search.matches.is_empty() {
                    let key = self.search.matches[self.search.current % self.search.matches.len()];
                    self.search.current = (self.search.current + 1) % self.search.matches.len();
                    self.apply(Command::Reveal(key));
                }
            }
            Command::ShowReports(open) => self.reports.open = open,
            Command::RunReport => self.reports.run(&self.store, &self.inventory, &self.request),
            Command::ShowExportDialog(open) => self.export.open = open,
            Command::ExportMap(export) => self.export_map(&export),
            Command::ExportMapDialog { svg } => {
                let extension = if svg { "svg" } else { "png" };
                let export = self.export.settings(PathBuf::new(), self.canvas_size, svg);
                self.save_dialog(format!("vmi-map.{extension}"), extension, Command::ExportMap(export));
            }
            Command::ExportChart { kind, path } => self.export_chart(kind, &path),
            Command::ExportChartDialog { kind, svg } => {
                let extension = if svg { "svg" } else { "png" };
                self.save_dialog(
                    format!("vmi-map-{}.{extension}", kind.id()),
                    extension,
                    Command::ExportChart { kind, path: PathBuf::new() },
                );
            }
            Command::CopyChart(kind) => {
                if let Some(image) = self.charts.image_of(kind) {
                    self.ctx.copy_image(image);
                    self.toast("Chart copied");
                }
            }
            Command::ExportGraphDialog => {
                self.save_dialog(
                    "vmi-map.graphml".into(),
                    "graphml",
                    Command::ExportMap(MapExport {
                        path: PathBuf::new(),
                        width_px: 0,
                        extent: ExportExtent::WholeMap,
                        theme: self.theme,
                        legend: false,
                        title: false,
                    }),
                );
            }
            Command::ExportReportCsv(path) => match std::fs::write(&path, self.reports.table.to_csv()) {
                Ok(()) => self.toast(format!("Saved {}", path.display())),
                Err(error) => self.errors.push(format!("{}: cannot write: {error}", path.display())),
            },
            Command::ExportReportCsvDialog => {
                let name = format!("vmi-map-{}.csv", self.reports.id);
                self.save_dialog(name, "csv", Command::ExportReportCsv(PathBuf::new()));
            }
            Command::Screenshot(path) => {
                let path = path.unwrap_or_else(|| {
                    let folder = self.last_folder.clone().unwrap_or_else(|| PathBuf::from("."));
                    let stamp =
                        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
                    folder.join(format!("vmi-map-screenshot-{stamp}.png"))
                });
                let mailbox = self.mailbox.clone();
                let ctx = self.ctx.clone();
                self.ctx.request_screenshot(move |image| {
                    let message = match save_color_image(&image, &path) {
                        Ok(()) => format!("Screenshot saved to {}", path.display()),
                        Err(error) => format!("Screenshot not saved: {error}"),
                    };
                    if let Ok(mut mailbox) = mailbox.lock() {
                        mailbox.push(message);
                    }
                    ctx.request_repaint();
                });
            }
            Command::Quit => self.ctx.send_viewport_cmd(egui::ViewportCommand::Close),
        }
    }

    fn start_load(&mut self, sources: Vec<Source>) {
        if sources.is_empty() {
            return;
        }
        if let Some(job) = self.loading.take() {
            // A new load replaces a running one; what it finished is kept.
            job.cancel();
        }
        match LoadJob::spawn(sources, self.wake()) {
            Ok(job) => self.loading = Some(job),
            Err(error) => self.errors.push(format!("cannot start loading: {error}")),
        }
    }

    /// Waits for the running load (small in-memory loads: the sample, tests).
    pub fn finish_load_now(&mut self) {
        let deadline = Instant::now() + std::time::Duration::from_secs(30);
        while self.loading.is_some() && Instant::now() < deadline {
            self.poll_loading();
            if self.loading.is_some() {
                std::thread::sleep(std::time::Duration::from_millis(2));
            }
        }
    }

    fn save_dialog(&mut self, file_name: String, extension: &'static str, then: Command) {
        if self.dialog.is_none() {
            self.dialog = DialogJob::save(self.last_folder.clone(), file_name, extension, then, self.wake());
        }
    }

    /// The title pictures get: what is loaded and the window.
    pub fn picture_title(&self) -> String {
        let files: Vec<PathBuf> = self.store.files().iter().map(|f| PathBuf::from(&f.source)).collect();
        crate::cli::picture_title(&files, self.request.from, self.request.to)
    }

    fn export_map(&mut self, export: &MapExport) {
        use vmi_core::render::{MapPicture, MapScene, map};
        let lower = export.path.to_string_lossy().to_ascii_lowercase();
        if let Some(format) = vmi_core::graph::export::GraphFormat::from_path(&lower) {
            let text = vmi_core::graph::export::export_graph(
                &self.store,
                &self.inventory,
                &self.map,
                &self.view,
                &self.layout.positions,
                format,
            );
            self.write_file(&export.path, text.as_bytes());
            return;
        }
        let scene = MapScene::new(&self.view, &self.layout.positions);
        let region = match export.extent {
            ExportExtent::WholeMap => None,
            ExportExtent::CurrentView => {
                let half = [self.canvas_size.x / 2.0 / self.camera.zoom, self.canvas_size.y / 2.0 / self.camera.zoom];
                let c = self.camera.center;
                Some(([c[0] - half[0], c[1] - half[1]], [c[0] + half[0], c[1] + half[1]]))
            }
        };
        let picture = MapPicture {
            scene: &scene,
            width_px: export.width_px,
            region,
            theme: export.theme,
            title: export.title.then(|| self.picture_title()),
            legend: export.legend,
        };
        match map::render_for_path(&picture, &export.path) {
            Ok(bytes) => self.write_file(&export.path, &bytes),
            Err(error) => self.errors.push(format!("{}: cannot draw the map: {error}", export.path.display())),
        }
    }

    fn export_chart(&mut self, kind: TrendKind, path: &Path) {
        let request = self.charts.request(kind, self.selected, &self.request);
        let trend = vmi_core::trends::compute(&self.store, &self.inventory, &request);
        let title = ui::charts_ui::chart_title(self, kind);
        let spec =
            vmi_core::render::ChartSpec { trend: &trend, title: &title, width: 1600, height: 700, theme: self.theme };
        match vmi_core::render::chart::render_for_path(&spec, path) {
            Ok(bytes) => self.write_file(path, &bytes),
            Err(error) => self.errors.push(format!("{}: cannot draw the chart: {error}", path.display())),
        }
    }

    fn write_file(&mut self, path: &Path, bytes: &[u8]) {
        match std::fs::write(path, bytes) {
            Ok(()) => {
                if let Some(folder) = path.parent() {
                    self.last_folder = Some(folder.to_path_buf());
                }
                self.toast(format!("Saved {}", path.display()));
            }
            Err(error) => self.errors.push(format!("{}: cannot write: {error}", path.display())),
        }
    }

    /// Counts for the status line: nodes by kind and edges.
    pub fn counts(&self) -> (usize, usize, usize) {
        let machines = self.view.nodes.iter().filter(|n| n.kind == NodeKind::Machine).count();
        (machines, self.view.nodes.len(), self.view.edges.len())
    }
}

/// A command that waits for a path, given the path the dialog chose.
fn with_path(command: Command, path: PathBuf) -> Command {
    match command {
        Command::ExportMap(mut export) => {
            export.path = path;
            Command::ExportMap(export)
        }
        Command::ExportChart { kind, .. } => Command::ExportChart { kind, path },
        Command::ExportReportCsv(_) => Command::ExportReportCsv(path),
        other => other,
    }
}

fn short_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

fn save_color_image(image: &egui::ColorImage, path: &Path) -> Result<(), String> {
    let [width, height] = image.size;
    let pixels: Vec<u8> = image.pixels.iter().flat_map(|c| c.to_array()).collect();
    let picture = vmi_core::render::RgbaImage { width: width as u32, height: height as u32, pixels };
    let png = picture.to_png()?;
    std::fs::write(path, png).map_err(|e| e.to_string())
}

impl eframe::App for VmiApp {
    fn logic(&mut self, _ctx: &egui::Context, _frame: &mut eframe::Frame) {
        self.poll_loading();
        self.poll_layout();
        self.poll_dialog();
        self.poll_mailbox();
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        ui::show(self, ui);
        for command in std::mem::take(&mut self.pending) {
            self.apply(command);
        }
    }
}
