//! Helpers shared by the integration tests: where fixtures live and loading them.

use std::path::PathBuf;
use vmi_core::ingest::{self, LoadError, Loaded};
use vmi_core::store::Store;

/// The repository's top folder.
/// The small estate (web01, app01, db01) in three export shapes, as the state tests open it.
pub const SMALL_ESTATE: &[&str] = &[
    "portal-csv/VMComputer.csv",
    "portal-csv/VMProcess.csv",
    "portal-csv/VMBoundPort.csv",
    "rest-json/VMConnection-rest.json",
    "jsonl/am-VMConnection/PT05M.json",
];

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A file under `fixtures/`.
pub fn fixture(relative: &str) -> PathBuf {
    repo_root().join("fixtures").join(relative)
}

/// A file under `../shared/reference/samples/` (beside the checkout, in CI too).
pub fn shared_sample(name: &str) -> PathBuf {
    repo_root().join("../shared/reference/samples").join(name)
}

pub fn load(path: &std::path::Path) -> Result<Loaded, LoadError> {
    ingest::load_path(path, &mut |_| true)
}

pub fn load_fixture(relative: &str) -> Loaded {
    match load(&fixture(relative)) {
        Ok(loaded) => loaded,
        Err(e) => panic!("fixture {relative} should load: {e}"),
    }
}

/// A store holding the given fixtures.
pub fn store_of(fixtures: &[&str]) -> Store {
    let mut store = Store::default();
    for relative in fixtures {
        store.merge(load_fixture(relative).batch);
    }
    store
}

/// A temporary folder, removed when the returned guard is dropped.
pub fn temp_dir(name: &str) -> tempfile::TempDir {
    tempfile::Builder::new().prefix(&format!("vmi-map-tests-{name}-")).tempdir().unwrap()
}

/// A store from in-memory files: (file name, text). Every file must load without warnings.
pub fn store_from_texts(files: &[(&str, &str)]) -> Store {
    let mut store = Store::default();
    for (name, text) in files {
        let loaded = ingest::load_bytes(name, text.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
        assert!(loaded.warnings.is_empty(), "{name}: {:?}", loaded.warnings);
        store.merge(loaded.batch);
    }
    store
}

/// Sends an action to the app state with no egui, running the effects that matter headless
/// (loads run at once, on this thread, from paths or bytes); returns the other effects.
pub fn send(
    state: &mut vmi_map::state::AppState,
    action: impl Into<vmi_map::state::Action>,
) -> Vec<vmi_map::state::Effect> {
    use vmi_map::state::{Effect, LoadAction, Source, update};
    let mut rest = Vec::new();
    for effect in update(state, action) {
        match effect {
            Effect::StartLoad(sources) => {
                for source in sources {
                    let (name, result) = match source {
                        Source::Path(path) => (path.display().to_string(), ingest::load_path(&path, &mut |_| true)),
                        Source::Bytes { name, bytes } => {
                            let result = ingest::load_bytes(&name, &bytes);
                            (name, result)
                        }
                    };
                    rest.extend(send(state, LoadAction::File { name, result: Box::new(result) }));
                }
                rest.extend(send(state, LoadAction::Finished));
            }
            Effect::HashFiles(sources) => {
                use vmi_map::state::workspace::{WorkspaceAction, content_hash};
                for source in sources {
                    let hash = content_hash(std::path::Path::new(&source)).map_err(|e| e.to_string());
                    rest.extend(send(state, WorkspaceAction::Hashed { source, hash }));
                }
            }
            other => rest.push(other),
        }
    }
    rest
}
