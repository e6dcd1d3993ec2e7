//! Replays `fuzz/regressions/<target>/*`, every input that ever failed a fuzz target (or a
//! hand-made bad file of issue 18), through the same code the target runs: no fuzzer is
//! needed, a plain `cargo test` does it. Each must load or be refused without a panic, and
//! the map drawn from it must be well-formed XML.

use std::path::{Path, PathBuf};
use vmi_core::graph::view::{ViewOptions, build_view};
use vmi_core::graph::{Inventory, MapRequest, build_map};
use vmi_core::ingest::cell::{NullText, Value, to_cell};
use vmi_core::model::ColType;
use vmi_core::model::time::Timestamp;
use vmi_core::render::map::render_svg;
use vmi_core::render::{MapPicture, MapScene, Theme};
use vmi_core::store::{Interner, Store};

fn regressions() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/regressions")
}

/// The loader targets: their name, and the file name each gives its input.
const LOADERS: [(&str, &str); 5] = [
    ("portal_csv", "VMConnection.csv"),
    ("rest_json", "response.json"),
    ("az_json", "az.json"),
    ("json_lines", "PT1H.json"),
    ("json_array", "records.json"),
];

fn inputs(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = regressions().join(target);
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(&dir).map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect()).unwrap_or_default();
    files.retain(|p| p.is_file() && p.file_name().is_some_and(|n| n != ".gitkeep"));
    files.sort();
    files
        .into_iter()
        .map(|p| (p.clone(), std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))))
        .collect()
}

fn map_svg(data: &[u8]) {
    let Ok(loaded) = vmi_core::ingest::load_bytes("VMConnection.csv", data) else { return };
    let mut store = Store::default();
    store.merge(loaded.batch);
    let inventory = Inventory::new(&store);
    let map = build_map(&store, &inventory, &MapRequest::default());
    let view = build_view(&store, &inventory, &map, &ViewOptions { expand_all: true, ..Default::default() });
    let positions: Vec<[f32; 2]> =
        (0..view.nodes.len()).map(|i| [(i % 20) as f32 * 60.0, (i / 20) as f32 * 60.0]).collect();
    let scene = MapScene::new(&view, &positions);
    let title = Some(String::from_utf8_lossy(&data[..data.len().min(40)]).into_owned());
    let picture = MapPicture { scene: &scene, width_px: 400, region: None, theme: Theme::Light, title, legend: true };
    if let Ok(svg) = render_svg(&picture) {
        roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("the SVG is not XML: {e}"));
    }
}

fn dates_numbers(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = Timestamp::parse(text);
    }
    let mut interner = Interner::default();
    for ty in [ColType::Int, ColType::Real, ColType::Bool, ColType::Time, ColType::Str, ColType::Dynamic] {
        for value in [Value::Text(data), Value::Number(data), Value::Json(data)] {
            let _ = to_cell(value, ty, NullText::EmptyOrNone, 0, &mut interner);
            let _ = to_cell(value, ty, NullText::EmptyOnly, 3600 * 10_000_000, &mut interner);
        }
    }
}

#[test]
fn every_input_that_ever_failed_is_replayed() {
    let mut replayed = 0;
    for (target, source) in LOADERS {
        for (path, data) in inputs(target) {
            let _ = vmi_core::ingest::load_bytes(source, &data);
            map_svg(&data);
            println!("replayed {}", path.display());
            replayed += 1;
        }
    }
    for (_, data) in inputs("dates_numbers") {
        dates_numbers(&data);
        replayed += 1;
    }
    for (_, data) in inputs("load_map_svg") {
        map_svg(&data);
        replayed += 1;
    }
    assert!(replayed >= 8, "the regression corpus is there ({replayed} inputs)");
}
