//! Workspaces: a small versioned JSON file (`.vmimap`) that brings back a piece of work as it
//! was left: the files loaded, the time window, focus and filters, the machines opened and
//! the nodes hidden, pinned and where every node was, the camera, the selection, the queries
//! run, the move groups and the notes.
//!
//! Files are named relative to the workspace file (so a folder moved whole still opens), with
//! the absolute path as it was and, as a last resort, the file name beside the workspace. Each
//! carries its size and the xxh3-64 hash of its whole content: a full-content hash (not a
//! sample) notices any edit, including one that keeps the size, and xxh3 runs at memory speed,
//! so reading the file costs more than hashing it. A missing or changed file is reported by
//! name; the rest opens.
//!
//! Nodes are named by text keys (`machine/m-…`, see [`super::notes`]), never by the app's
//! interned symbols or hashes, so a workspace outlives the build that wrote it.
//!
//! Versions: [`VERSION`] is written; a file of that version or older opens (fields added later
//! default when absent); a newer one is refused with a message saying so.

use super::action::{FileAction, SaveTarget, Source};
use super::notes::{layout_key_of_text, node_key_text, parse_selection, selection_key};
use super::settings::Filters;
use super::{AppError, AppState, Camera, Effect, ErrorKind};
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::io::Read;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use vmi_core::graph::{ExternalGrouping, GroupBy, NodeKey};
use vmi_core::groups::{GroupingOptions, MoveTarget, Weight};
use vmi_core::model::Timestamp;

/// What the `format` field holds.
pub const FORMAT: &str = "vmi-map workspace";
/// The version this app writes, and the newest it reads.
pub const VERSION: u32 = 1;
/// The workspace file extension.
pub const EXTENSION: &str = "vmimap";
/// Folders opened (dropped, or named on the command line) are searched this deep for exports.
const FOLDER_DEPTH: usize = 4;
/// The file extensions a folder's exports have.
const EXPORT_EXTENSIONS: [&str; 5] = ["csv", "tsv", "json", "jsonl", "ndjson"];

/// One loaded file, as the workspace names it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FileEntry {
    /// Relative to the workspace's folder, with `/` separators.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Where it was when the workspace was saved.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub absolute: Option<String>,
    /// A file of the sample estate bundled in the app (no path, no hash).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sample: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bytes: Option<u64>,
    /// xxh3-64 of the whole content, 16 hex digits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub xxh3: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Window {
    /// RFC 3339 UTC; absent: open on that side.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct CameraEntry {
    pub center: [f32; 2],
    pub zoom: f32,
}

/// One move group of the plan.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GroupEntry {
    pub name: String,
    pub locked: bool,
    /// `Machine` ids (`m-…`).
    pub machines: Vec<String>,
}

/// The move groups: the options they were computed with, and the groups as the user left them
/// (moves and locks made by hand included).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct MoveGroupsEntry {
    /// `bytes`, `links` or `any`.
    pub weight: String,
    pub max_size: Option<usize>,
    pub together: Vec<Vec<String>>,
    pub apart: Vec<(String, String)>,
    pub excluded: Vec<String>,
    pub seed: u64,
    pub resolution: f64,
    pub groups: Vec<GroupEntry>,
    /// Machines left out of every group (by hand or by the options).
    pub excluded_machines: Vec<String>,
    /// The map is coloured by group.
    pub colouring: bool,
}

/// How machines and external endpoints are gathered on the map (issue 20).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Grouping {
    /// `none`, `resource-group`, `subscription`, `scale-set`, `location`, `os` or
    /// `subnet/24` (any prefix length); absent: the app chooses, as for files opened alone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    /// `none`, `domain-suffix` or `internet`.
    pub externals: String,
    /// Groups shown as their machines (`group/<id>` keys).
    pub expanded: Vec<String>,
}

fn group_by_text(by: GroupBy) -> String {
    match by {
        GroupBy::None => "none".into(),
        GroupBy::ResourceGroup => "resource-group".into(),
        GroupBy::Subscription => "subscription".into(),
        GroupBy::ScaleSet => "scale-set".into(),
        GroupBy::Location => "location".into(),
        GroupBy::Os => "os".into(),
        GroupBy::Subnet { prefix_len } => format!("subnet/{prefix_len}"),
    }
}

fn parse_group_by(text: &str) -> Option<GroupBy> {
    if let Some(prefix) = text.strip_prefix("subnet/") {
        return prefix.parse().ok().filter(|&p| p <= 32).map(|prefix_len| GroupBy::Subnet { prefix_len });
    }
    GroupBy::ALL.into_iter().find(|&by| group_by_text(by) == text)
}

fn externals_text(by: ExternalGrouping) -> &'static str {
    match by {
        ExternalGrouping::None => "none",
        ExternalGrouping::DomainSuffix => "domain-suffix",
        ExternalGrouping::Internet => "internet",
    }
}

fn parse_externals(text: &str) -> ExternalGrouping {
    [ExternalGrouping::DomainSuffix, ExternalGrouping::Internet]
        .into_iter()
        .find(|&by| externals_text(by) == text)
        .unwrap_or_default()
}

/// The `.vmimap` file. Every field but `format` and `version` may be absent (an older or
/// hand-written file): absent means empty or off.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Workspace {
    pub format: String,
    pub version: u32,
    /// The app that wrote it, for people reading the file.
    pub saved_by: String,
    pub files: Vec<FileEntry>,
    pub window: Window,
    /// The group map's machines (ids or names); empty: the whole estate.
    pub focus: Vec<String>,
    pub filters: Filters,
    pub grouping: Grouping,
    pub expand_all: bool,
    /// Machines shown with their processes (node keys).
    pub expanded: Vec<String>,
    /// Nodes the user hid.
    pub hidden: Vec<String>,
    /// Nodes pinned where the user dropped them.
    pub pinned: BTreeMap<String, [f32; 2]>,
    /// Where every node of the view was.
    pub positions: BTreeMap<String, [f32; 2]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub camera: Option<CameraEntry>,
    /// A node key, or an edge `source -> target`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub selection: Option<String>,
    /// Queries run in the console, newest first.
    pub queries: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub move_groups: Option<MoveGroupsEntry>,
    /// Notes by node key or edge key.
    pub notes: BTreeMap<String, String>,
}

/// Why a workspace file cannot be opened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OpenError {
    Read(String),
    NotJson(String),
    NotWorkspace,
    /// Written by a newer vmi-map.
    Newer {
        version: u64,
    },
}

impl std::fmt::Display for OpenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OpenError::Read(error) => write!(f, "cannot read the workspace: {error}"),
            OpenError::NotJson(error) => write!(f, "not a vmi-map workspace (not JSON: {error})"),
            OpenError::NotWorkspace => write!(f, "not a vmi-map workspace (no \"format\": \"{FORMAT}\")"),
            OpenError::Newer { version } => write!(
                f,
                "this workspace was saved by a newer vmi-map (workspace format {version}; this vmi-map {} opens \
                 formats up to {VERSION}). Update vmi-map to open it.",
                env!("CARGO_PKG_VERSION")
            ),
        }
    }
}

impl Workspace {
    /// Reads a workspace's text: its format and version first, so a newer file is named as
    /// such rather than failing on a field this app does not know.
    pub fn parse(text: &str) -> Result<Workspace, OpenError> {
        let value: serde_json::Value = serde_json::from_str(text).map_err(|e| OpenError::NotJson(e.to_string()))?;
        if value.get("format").and_then(|f| f.as_str()) != Some(FORMAT) {
            return Err(OpenError::NotWorkspace);
        }
        let version = value.get("version").and_then(serde_json::Value::as_u64).unwrap_or(0);
        if version > u64::from(VERSION) {
            return Err(OpenError::Newer { version });
        }
        serde_json::from_value(value).map_err(|e| OpenError::NotJson(e.to_string()))
    }

    pub fn read(path: &Path) -> Result<Workspace, OpenError> {
        let text = std::fs::read_to_string(path).map_err(|e| OpenError::Read(e.to_string()))?;
        Workspace::parse(&text)
    }
}

/// What would be lost on quit: a question, asked in a window.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Prompt {
    /// The window was asked to close.
    Quit,
    /// Another workspace was asked for.
    Open(PathBuf),
}

/// The answer to a [`Prompt`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer {
    /// Save the workspace (where it was saved, else where the user says), then go on.
    Save,
    /// Go on without saving.
    Discard,
    Cancel,
}

#[derive(Debug, Default)]
pub struct WorkspaceState {
    /// The workspace file this work was opened from or last saved to.
    pub path: Option<PathBuf>,
    /// [`fingerprint`] when last saved or opened.
    saved: u64,
    /// Opened, waiting for its files to load.
    pending: Option<Box<Workspace>>,
    pub prompt: Option<Prompt>,
    /// The user chose to quit: the window may close.
    pub quit_confirmed: bool,
    /// What to do once the workspace is saved (a prompt answered "Save" first).
    after_save: Option<Prompt>,
    /// Loaded files (by their source) waiting to be hashed: the hashing job takes them when
    /// their load finishes.
    unhashed: Vec<String>,
    /// Each hashed file's size and content hash, as it was loaded: a save writes these, so
    /// saving never reads every loaded file again on the UI thread.
    hashes: FxHashMap<String, FileHash>,
    /// The hash an opened workspace gives each of its files (by source), with the file's
    /// name in the workspace: a file found with another says so once it is hashed.
    expected: FxHashMap<String, (String, String)>,
}

/// A file's size and the xxh3-64 of its content, in hex.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileHash {
    pub bytes: u64,
    pub xxh3: String,
}

/// Saving and opening workspaces, and the unsaved-changes questions.
#[derive(Clone, Debug)]
pub enum WorkspaceAction {
    /// Save where it was saved; the first time, ask where.
    Save,
    /// Ask where to save.
    SaveAs,
    /// Open a workspace (asking first when notes, pins or groups are unsaved).
    Open(PathBuf),
    /// Ask for a workspace to open with the file dialog.
    OpenDialog,
    /// The hashing job hashed a loaded file (named by its source), or could not read it.
    Hashed {
        source: String,
        hash: Result<FileHash, String>,
    },
    /// The window asks to close (the app asks first when something is unsaved).
    CloseRequested,
    Answer(Answer),
}

pub(super) fn workspace(state: &mut AppState, action: WorkspaceAction, effects: &mut Vec<Effect>) {
    match action {
        WorkspaceAction::Save => match state.workspace.path.clone() {
            Some(path) => super::update::save(state, &SaveTarget::Workspace, &path, effects),
            None => save_dialog(state, effects),
        },
        WorkspaceAction::SaveAs => save_dialog(state, effects),
        WorkspaceAction::Open(path) => {
            if is_dirty(state) {
                state.workspace.prompt = Some(Prompt::Open(path));
            } else {
                open(state, &path, effects);
            }
        }
        WorkspaceAction::Hashed { source, hash } => hashed(state, source, hash),
        WorkspaceAction::OpenDialog => {
            let folder = state.workspace.path.as_ref().and_then(|p| p.parent()).map(Path::to_path_buf);
            effects.push(Effect::OpenDialog { folder: folder.or_else(|| state.last_folder.clone()), workspaces: true });
        }
        WorkspaceAction::CloseRequested => {
            if state.workspace.quit_confirmed || !is_dirty(state) {
                state.workspace.quit_confirmed = true;
                effects.push(Effect::Quit);
            } else {
                state.workspace.prompt = Some(Prompt::Quit);
            }
        }
        WorkspaceAction::Answer(answer) => {
            let Some(prompt) = state.workspace.prompt.take() else { return };
            match answer {
                Answer::Cancel => {}
                Answer::Discard => go_on(state, prompt, effects),
                Answer::Save => {
                    state.workspace.after_save = Some(prompt);
                    workspace(state, WorkspaceAction::Save, effects);
                }
            }
        }
    }
}

fn save_dialog(state: &AppState, effects: &mut Vec<Effect>) {
    let file_name = match &state.workspace.path {
        Some(path) => file_name_of(path),
        None => format!("{}.{EXTENSION}", SaveTarget::Workspace.file_stem()),
    };
    let folder = state.workspace.path.as_ref().and_then(|p| p.parent()).map(Path::to_path_buf);
    effects.push(Effect::SaveDialog {
        folder: folder.or_else(|| state.last_folder.clone()),
        file_name,
        extension: EXTENSION,
        target: SaveTarget::Workspace,
    });
}

/// What a prompt held back goes ahead.
fn go_on(state: &mut AppState, prompt: Prompt, effects: &mut Vec<Effect>) {
    match prompt {
        Prompt::Quit => {
            state.workspace.quit_confirmed = true;
            effects.push(Effect::Quit);
        }
        Prompt::Open(path) => open(state, &path, effects),
    }
}

/// The workspace was written to `path` (called by the save once the file is written).
pub(super) fn saved(state: &mut AppState, path: &Path, effects: &mut Vec<Effect>) {
    state.workspace.path = Some(path.to_path_buf());
    state.workspace.saved = fingerprint(state);
    super::settings::opened_workspace(state, path);
    if let Some(prompt) = state.workspace.after_save.take() {
        go_on(state, prompt, effects);
    }
}

/// The save failed: what was to follow it does not happen.
pub(super) fn save_failed(state: &mut AppState) {
    state.workspace.after_save = None;
}

/// Notes, pins or groups changed since the workspace was saved or opened (or, with none, since
/// the app started).
pub fn is_dirty(state: &AppState) -> bool {
    fingerprint(state) != state.workspace.saved
}

/// A hash of what the user made by hand and would not want to lose: notes, pins and groups.
fn fingerprint(state: &AppState) -> u64 {
    let mut hasher = rustc_hash::FxHasher::default();
    state.notes.notes.hash(&mut hasher);
    let mut pins: Vec<(u64, [u32; 2])> =
        state.layout.pinned.iter().map(|(k, p)| (*k, [p[0].to_bits(), p[1].to_bits()])).collect();
    pins.sort_unstable();
    pins.hash(&mut hasher);
    for group in &state.groups.figures.groups {
        (&group.name, group.locked, &group.machines).hash(&mut hasher);
    }
    hasher.finish()
}

/// Files, folders and workspaces to open (from the dialog, a drop or the command line):
/// a workspace opens as such, a folder loads every export inside it, files load.
pub(super) fn open_paths(state: &mut AppState, paths: Vec<PathBuf>, effects: &mut Vec<Effect>) {
    let (workspaces, others): (Vec<PathBuf>, Vec<PathBuf>) = paths.into_iter().partition(|p| is_workspace(p));
    if let Some(first) = workspaces.first() {
        if workspaces.len() > 1 || !others.is_empty() {
            effects.push(Effect::Toast(format!(
                "Opened the workspace {}; the other files given with it were not loaded",
                file_name_of(first)
            )));
        }
        workspace(state, WorkspaceAction::Open(first.clone()), effects);
        return;
    }
    let mut files = Vec::new();
    for path in others {
        if path.is_dir() {
            let found = exports_in(&path);
            if found.is_empty() {
                state.errors.push(AppError::new(
                    ErrorKind::Load,
                    format!("{}: no exports (.csv, .json, .jsonl) in this folder", path.display()),
                ));
            }
            files.extend(found);
        } else {
            files.push(path);
        }
    }
    if let Some(folder) = files.first().and_then(|p| p.parent()) {
        state.last_folder = Some(folder.to_path_buf());
    }
    if !files.is_empty() {
        super::settings::opened_files(state, &files);
        effects.push(Effect::StartLoad(files.into_iter().map(Source::Path).collect()));
    }
}

/// The last part of a path, for messages.
fn file_name_of(path: &Path) -> String {
    vmi_core::render::titles::file_name(&path.to_string_lossy()).to_string()
}

pub fn is_workspace(path: &Path) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case(EXTENSION))
}

/// Every export in a folder and its subfolders (a few levels), in path order; hidden files and
/// folders are skipped.
pub fn exports_in(folder: &Path) -> Vec<PathBuf> {
    fn walk(folder: &Path, depth: usize, found: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(folder) else { return };
        let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for path in paths {
            let hidden = path.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with('.'));
            if hidden {
                continue;
            }
            if path.is_dir() {
                if depth > 0 {
                    walk(&path, depth - 1, found);
                }
            } else if path
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| EXPORT_EXTENSIONS.iter().any(|x| x.eq_ignore_ascii_case(e)))
            {
                found.push(path);
            }
        }
    }
    let mut found = Vec::new();
    walk(folder, FOLDER_DEPTH, &mut found);
    found
}

/// The size and xxh3-64 of a file's whole content, read in blocks.
pub fn content_hash(path: &Path) -> std::io::Result<FileHash> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    let mut buffer = vec![0u8; 1 << 20];
    let mut bytes = 0u64;
    loop {
        let read = file.read(&mut buffer)?;
        if read == 0 {
            break;
        }
        hasher.update(buffer.get(..read).unwrap_or_default());
        bytes = bytes.saturating_add(read as u64);
    }
    Ok(FileHash { bytes, xxh3: format!("{:016x}", hasher.digest()) })
}

/// `path` relative to `base` (both absolute), with `/` separators; `None` across drives.
fn relative_path(path: &Path, base: &Path) -> Option<String> {
    let path: Vec<Component> = path.components().collect();
    let base: Vec<Component> = base.components().collect();
    if path.first() != base.first() {
        return None;
    }
    let common = path.iter().zip(&base).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".to_string(); base.len().saturating_sub(common)];
    parts.extend(path.iter().skip(common).map(|c| c.as_os_str().to_string_lossy().into_owned()));
    Some(parts.join("/"))
}

fn absolute(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()))
}

/// The state as a workspace to be written at `path`.
pub fn snapshot(state: &AppState, path: &Path) -> Workspace {
    let folder = absolute(path).parent().map(Path::to_path_buf).unwrap_or_default();
    let samples: Vec<&str> = crate::sample::SAMPLE_FILES.iter().map(|(name, _)| *name).collect();
    let files = state
        .store
        .files()
        .iter()
        .map(|file| {
            let source = Path::new(&file.source);
            if samples.contains(&file.source.as_str()) && !source.is_file() {
                return FileEntry { sample: Some(file.source.clone()), ..FileEntry::default() };
            }
            let absolute = absolute(source);
            // Hashed in the background once loaded; read here only when a save comes first.
            let hash = state.workspace.hashes.get(&file.source).cloned().or_else(|| content_hash(&absolute).ok());
            FileEntry {
                path: relative_path(&absolute, &folder),
                absolute: Some(absolute.display().to_string()),
                sample: None,
                bytes: hash.as_ref().map(|h| h.bytes),
                xxh3: hash.map(|h| h.xxh3),
            }
        })
        .collect();
    // Layout keys to node keys, for every node of the map (hidden ones included).
    let names: FxHashMap<u64, String> =
        state.map.graph.node_weights().map(|node| (node.layout_key, node_key_text(&state.store, &node.key))).collect();
    let name = |key: &u64| names.get(key).cloned().unwrap_or_else(|| format!("layout/{key}"));
    let positions = state
        .view
        .nodes
        .iter()
        .zip(&state.layout.positions)
        .map(|(node, position)| (node_key_text(&state.store, &node.node), *position))
        .collect();
    Workspace {
        format: FORMAT.to_string(),
        version: VERSION,
        saved_by: format!("vmi-map {}", env!("CARGO_PKG_VERSION")),
        files,
        window: Window { from: state.request.from.map(|t| t.to_string()), to: state.request.to.map(|t| t.to_string()) },
        focus: state.request.focus.iter().cloned().collect(),
        filters: Filters::of(&state.options),
        grouping: Grouping {
            by: Some(group_by_text(state.options.group_by)),
            externals: externals_text(state.options.group_externals).to_string(),
            expanded: state.options.expanded_groups.iter().map(|id| format!("group/{id}")).collect(),
        },
        expand_all: state.options.expand_all,
        expanded: state.options.expanded.iter().map(name).collect(),
        hidden: state.options.hidden.iter().map(name).collect(),
        pinned: state.layout.pinned.iter().map(|(key, position)| (name(key), *position)).collect(),
        positions,
        camera: Some(CameraEntry { center: state.camera.center, zoom: state.camera.zoom }),
        selection: state.selected.map(|s| selection_key(&state.store, &s)),
        queries: state.query.history.clone(),
        move_groups: move_groups_entry(state),
        notes: state.notes.notes.clone(),
    }
}

fn move_groups_entry(state: &AppState) -> Option<MoveGroupsEntry> {
    let plan = state.groups.plan.as_ref()?;
    let data = plan.data();
    let id = |m: &usize| data.machines.get(*m).map(|m| m.id.clone()).unwrap_or_default();
    let options = plan.options();
    Some(MoveGroupsEntry {
        weight: options.weight.name().to_string(),
        max_size: options.max_size,
        together: options.together.clone(),
        apart: options.apart.clone(),
        excluded: options.excluded.clone(),
        seed: options.seed,
        resolution: options.resolution,
        groups: plan
            .groups()
            .into_iter()
            .map(|g| GroupEntry { name: g.name, locked: g.locked, machines: g.machines.iter().map(id).collect() })
            .collect(),
        excluded_machines: plan.excluded().iter().map(id).collect(),
        colouring: state.groups.colouring,
    })
}

/// The workspace file's bytes for a save to `path`.
pub(super) fn file_bytes(state: &AppState, path: &Path) -> Result<Vec<u8>, String> {
    let mut text = serde_json::to_string_pretty(&snapshot(state, path)).map_err(|e| e.to_string())?;
    text.push('\n');
    Ok(text.into_bytes())
}

/// Where a workspace's file is now, and what changed about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Found {
    Here(PathBuf),
    /// Found, but its size or content differs from when the workspace was saved.
    Changed(PathBuf),
    Missing,
}

/// Looks for a workspace's file: relative to the workspace, where it was, then beside the
/// workspace by its name. `Changed` when its size is not the saved one.
pub fn find_file(entry: &FileEntry, workspace_folder: &Path) -> Found {
    let mut candidates = Vec::new();
    if let Some(relative) = &entry.path {
        candidates.push(workspace_folder.join(relative));
    }
    if let Some(absolute) = &entry.absolute {
        candidates.push(PathBuf::from(absolute));
    }
    let name = entry.path.as_deref().or(entry.absolute.as_deref()).and_then(|p| p.rsplit(['/', '\\']).next());
    if let Some(name) = name.filter(|n| !n.is_empty()) {
        candidates.push(workspace_folder.join(name));
    }
    let Some(path) = candidates.into_iter().find(|p| p.is_file()) else { return Found::Missing };
    // The size tells at once; the content hash is checked once the file is loaded and
    // hashed in the background (see `hashed`).
    let size = std::fs::metadata(&path).map(|m| m.len()).ok();
    if entry.bytes.is_some_and(|bytes| size != Some(bytes)) { Found::Changed(path) } else { Found::Here(path) }
}

/// Opens the workspace at `path`: its files load, and once they have, the view comes back.
fn open(state: &mut AppState, path: &Path, effects: &mut Vec<Effect>) {
    let name = file_name_of(path);
    let workspace = match Workspace::read(path) {
        Ok(workspace) => workspace,
        Err(error) => {
            state.errors.push(AppError::new(ErrorKind::Load, format!("{name}: {error}")));
            return;
        }
    };
    let folder = absolute(path).parent().map(Path::to_path_buf).unwrap_or_default();
    let mut sources = Vec::new();
    let (mut missing, mut changed) = (Vec::new(), Vec::new());
    let mut expected = FxHashMap::default();
    for entry in &workspace.files {
        if let Some(sample) = &entry.sample {
            match crate::sample::SAMPLE_FILES.iter().find(|(n, _)| n == sample) {
                Some((n, bytes)) => {
                    sources.push(Source::Bytes { name: (*n).to_string(), bytes: Arc::new(bytes.to_vec()) })
                }
                None => missing.push(sample.clone()),
            }
            continue;
        }
        let label = entry.path.as_deref().or(entry.absolute.as_deref()).unwrap_or("(unnamed)").to_string();
        match find_file(entry, &folder) {
            Found::Here(found) => {
                if let Some(xxh3) = &entry.xxh3 {
                    expected.insert(found.display().to_string(), (xxh3.clone(), label));
                }
                sources.push(Source::Path(found));
            }
            Found::Changed(found) => {
                changed.push(label);
                sources.push(Source::Path(found));
            }
            Found::Missing => missing.push(label),
        }
    }
    if !missing.is_empty() {
        state.errors.push(AppError::new(
            ErrorKind::Load,
            format!("{name}: not found, the rest opens without: {}", missing.join(", ")),
        ));
    }
    if !changed.is_empty() {
        state.errors.push(AppError::new(
            ErrorKind::Load,
            format!(
                "{name}: changed since the workspace was saved (loaded as they are now; the map may differ): {}",
                changed.join(", ")
            ),
        ));
    }
    // What was open goes: this workspace replaces it.
    effects.extend(super::update(state, FileAction::Clear));
    state.notes.notes.clear();
    state.notes.version += 1;
    state.layout.pinned.clear();
    state.layout.known.clear();
    state.options = vmi_core::graph::view::ViewOptions::default();
    state.request = vmi_core::graph::MapRequest::default();
    super::groups::groups(state, super::action::GroupsAction::SetColouring(false), effects);
    state.groups.plan = None;
    state.groups.figures = super::groups::Figures::default();
    state.groups.selected = None;
    state.query.history.clear();
    super::settings::forget_last_session(state);
    super::settings::opened_workspace(state, path);
    state.workspace.path = Some(path.to_path_buf());
    state.workspace.pending = Some(Box::new(workspace));
    state.workspace.expected = expected;
    if sources.is_empty() {
        load_finished(state, effects);
    } else {
        effects.push(Effect::StartLoad(sources));
    }
}

/// A load finished: its files are hashed in the background, and a workspace waiting for
/// its files is restored now.
pub(super) fn load_finished(state: &mut AppState, effects: &mut Vec<Effect>) {
    let unhashed = std::mem::take(&mut state.workspace.unhashed);
    if !unhashed.is_empty() {
        effects.push(Effect::HashFiles(unhashed));
    }
    let Some(workspace) = state.workspace.pending.take() else {
        super::settings::apply_last_session(state);
        return;
    };
    restore(state, &workspace, effects);
    state.workspace.saved = fingerprint(state);
}

/// A file of the store was loaded: it is hashed when its load finishes (a hash from an
/// earlier load of the same file no longer stands).
pub(super) fn file_loaded(state: &mut AppState, source: &str) {
    state.workspace.hashes.remove(source);
    state.workspace.unhashed.push(source.to_string());
}

/// A loaded file was hashed: kept for the next save, and checked against the hash the
/// opened workspace gave it.
fn hashed(state: &mut AppState, source: String, hash: Result<FileHash, String>) {
    let expected = state.workspace.expected.remove(&source);
    // A file that cannot be read now is hashed by the save, or named by it.
    let Ok(hash) = hash else { return };
    if let Some((_, label)) = expected.filter(|(xxh3, _)| !xxh3.eq_ignore_ascii_case(&hash.xxh3)) {
        let name = state.workspace.path.as_deref().map(file_name_of).unwrap_or_default();
        state.errors.push(AppError::new(
            ErrorKind::Load,
            format!("{name}: changed since the workspace was saved (loaded as it is now; the map may differ): {label}"),
        ));
    }
    state.workspace.hashes.insert(source, hash);
}

/// Brings the view of a workspace back over the records loaded for it.
fn restore(state: &mut AppState, workspace: &Workspace, effects: &mut Vec<Effect>) {
    let parse = |t: &Option<String>| t.as_deref().and_then(Timestamp::parse);
    state.request.from = parse(&workspace.window.from);
    state.request.to = parse(&workspace.window.to);
    state.request.focus = workspace.focus.iter().cloned().collect();
    state.notes.notes = workspace.notes.clone();
    state.notes.version += 1;
    state.query.history = workspace.queries.clone();
    // The map of the window first: node keys are found on it.
    state.rebuild_map();
    let layout_keys = |keys: &[String]| keys.iter().filter_map(|k| layout_key_of_text(state, k)).collect::<Vec<u64>>();
    let mut options = workspace.filters.applied_to(&vmi_core::graph::view::ViewOptions::default());
    options.expand_all = workspace.expand_all;
    options.expanded = layout_keys(&workspace.expanded).into_iter().collect();
    options.hidden = layout_keys(&workspace.hidden).into_iter().collect();
    options.group_externals = parse_externals(&workspace.grouping.externals);
    options.expanded_groups = layout_keys(&workspace.grouping.expanded).into_iter().collect();
    // Not said: what the records chose when they loaded.
    let group_by = workspace.grouping.by.as_deref().and_then(parse_group_by);
    options.group_by = group_by.unwrap_or(state.options.group_by);
    state.grouping.chosen_by_user |= group_by.is_some();
    let positions: FxHashMap<u64, [f32; 2]> = workspace
        .positions
        .iter()
        .filter_map(|(k, p)| Some((layout_key_of_text(state, k)?, *p)))
        .filter(|(_, p)| p.iter().all(|v| v.is_finite()))
        .collect();
    state.layout.pinned = workspace
        .pinned
        .iter()
        .filter_map(|(k, p)| Some((layout_key_of_text(state, k)?, *p)))
        .filter(|(_, p)| p.iter().all(|v| v.is_finite()))
        .collect();
    state.layout.known.extend(positions.iter().map(|(k, p)| (*k, *p)));
    // The saved positions, not those of the view on screen now, are where nodes start.
    state.layout.positions.clear();
    state.options = options;
    state.rebuild_view();
    // Every node where it was: the exact view, with no layout run moving it.
    let exact: Option<Vec<[f32; 2]>> = state.view.nodes.iter().map(|n| positions.get(&n.key).copied()).collect();
    if let Some(exact) = exact.filter(|p| !p.is_empty()) {
        state.layout.worker = None;
        state.layout.generation += 1;
        state.layout.set_positions(exact);
        state.layout.settled = true;
    }
    if let Some(camera) = workspace.camera.filter(|c| c.zoom.is_finite() && c.center.iter().all(|v| v.is_finite())) {
        state.camera = Camera { center: camera.center, zoom: camera.zoom.clamp(Camera::MIN_ZOOM, Camera::MAX_ZOOM) };
        state.fit_pending = false;
    }
    if let Some(groups) = &workspace.move_groups {
        restore_groups(state, groups, effects);
    }
    state.selected = workspace.selection.as_deref().and_then(|s| parse_selection(&state.store, s));
    let name = state.workspace.path.as_deref().map(file_name_of).unwrap_or_default();
    effects.push(Effect::Toast(format!("Workspace {name} opened")));
}

/// Computes the groups with their options again, then moves and locks machines as the user
/// had them (the grouping is seeded: on the same records it finds the same groups).
fn restore_groups(state: &mut AppState, entry: &MoveGroupsEntry, effects: &mut Vec<Effect>) {
    use super::action::GroupsAction;
    let options = GroupingOptions {
        weight: Weight::parse(&entry.weight).unwrap_or_default(),
        max_size: entry.max_size,
        together: entry.together.clone(),
        apart: entry.apart.clone(),
        excluded: entry.excluded.clone(),
        seed: entry.seed,
        resolution: if entry.resolution.is_finite() && entry.resolution > 0.0 { entry.resolution } else { 1.0 },
    };
    super::groups::groups(state, GroupsAction::Compute(options), effects);
    let group_name = |state: &AppState, sym| -> Option<Option<String>> {
        let groups = &state.groups;
        let plan = groups.plan.as_ref()?;
        let machine = groups.machine_of_key(&NodeKey::Machine { machine: sym })?;
        Some(plan.group_of(machine).and_then(|g| plan.group(g)).map(|g| g.name))
    };
    for group in &entry.groups {
        for id in &group.machines {
            let Some(sym) = state.store.interner.lookup(id) else { continue };
            if group_name(state, sym) == Some(Some(group.name.clone())) || state.groups.plan.is_none() {
                continue;
            }
            let target = state
                .groups
                .plan
                .as_ref()
                .and_then(|p| p.find_group(&group.name))
                .map_or(MoveTarget::NewGroup, MoveTarget::Group);
            super::groups::groups(state, GroupsAction::Move { machine: sym, target }, effects);
        }
    }
    for id in &entry.excluded_machines {
        let Some(sym) = state.store.interner.lookup(id) else { continue };
        if matches!(group_name(state, sym), Some(Some(_))) {
            super::groups::groups(state, GroupsAction::Move { machine: sym, target: MoveTarget::Excluded }, effects);
        }
    }
    for group in entry.groups.iter().filter(|g| g.locked) {
        if let Some(index) = state.groups.plan.as_ref().and_then(|p| p.find_group(&group.name)) {
            super::groups::groups(state, GroupsAction::SetLocked { group: index, locked: true }, effects);
        }
    }
    super::groups::groups(state, GroupsAction::SetColouring(entry.colouring), effects);
    // Moves and locks said what they did; a restored plan needs no message.
    state.groups.message = None;
}
