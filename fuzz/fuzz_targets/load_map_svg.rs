#![no_main]
//! Load -> map -> SVG: whatever a file holds, the SVG drawn from it is well-formed XML.

use libfuzzer_sys::fuzz_target;
use vmi_core::graph::view::{ViewOptions, build_view};
use vmi_core::graph::{Inventory, MapRequest, build_map};
use vmi_core::render::map::render_svg;
use vmi_core::render::{MapPicture, MapScene, Theme};
use vmi_core::store::Store;

fuzz_target!(|data: &[u8]| {
    let Ok(loaded) = vmi_core::ingest::load_bytes("VMConnection.csv", data) else { return };
    let mut store = Store::default();
    store.merge(loaded.batch);
    let inventory = Inventory::new(&store);
    let map = build_map(&store, &inventory, &MapRequest::default());
    let view = build_view(&store, &inventory, &map, &ViewOptions { expand_all: true, ..Default::default() });
    let positions: Vec<[f32; 2]> = (0..view.nodes.len()).map(|i| [(i % 20) as f32 * 60.0, (i / 20) as f32 * 60.0]).collect();
    let scene = MapScene::new(&view, &positions);
    let title = Some(String::from_utf8_lossy(&data[..data.len().min(40)]).into_owned());
    let picture = MapPicture { scene: &scene, width_px: 400, region: None, theme: Theme::Light, title, legend: true };
    if let Ok(svg) = render_svg(&picture) {
        if let Err(e) = roxmltree::Document::parse(&svg) {
            panic!("the SVG is not XML: {e}");
        }
    }
});
