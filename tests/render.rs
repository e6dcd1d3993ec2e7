//! Charts rendered to PNG and SVG for every kind, checked for size, title and labels.

use crate::support::load_fixture;
use vmi_core::graph::Inventory;
use vmi_core::render::chart::{render_png, render_rgba, render_svg};
use vmi_core::render::{ChartSpec, Theme};
use vmi_core::store::Store;
use vmi_core::trends::{Selection, TrendKind, TrendRequest, compute};

fn estate() -> Store {
    let mut store = Store::default();
    for file in [
        "rest-json/VMConnection-rest.json",
        "jsonl/am-VMConnection/PT05M.json",
        "portal-csv/VMBoundPort.csv",
        "portal-csv/VMComputer.csv",
    ] {
        store.merge(load_fixture(file).batch);
    }
    store
}

#[test]
fn every_chart_kind_renders_to_png_and_svg() {
    let store = estate();
    let inventory = Inventory::new(&store);
    for kind in TrendKind::ALL {
        let request = TrendRequest { kind, selection: Selection::Estate, from: None, to: None, bin_ticks: None };
        let trend = compute(&store, &inventory, &request);
        let title = format!("{} - whole estate", kind.title());
        for theme in [Theme::Light, Theme::Dark] {
            let spec = ChartSpec { trend: &trend, title: &title, width: 640, height: 300, theme };
            let png = render_png(&spec).unwrap_or_else(|e| panic!("{kind:?}: {e}"));
            assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
            let decoder = png::Decoder::new(std::io::Cursor::new(&png));
            let info = decoder.read_info().map(|r| (r.info().width, r.info().height)).ok();
            assert_eq!(info, Some((640, 300)), "{kind:?}: PNG size matches the request");
            let svg = render_svg(&spec).unwrap_or_else(|e| panic!("{kind:?}: {e}"));
            assert!(svg.contains(&title.replace('&', "&amp;")), "{kind:?}: the SVG holds the title as text");
            assert!(svg.contains("UTC"), "{kind:?}: the SVG holds the axis label");
        }
    }
}

#[test]
fn byte_axes_carry_units_and_renders_are_reproducible() {
    let store = estate();
    let inventory = Inventory::new(&store);
    let request =
        TrendRequest { kind: TrendKind::Bytes, selection: Selection::Estate, from: None, to: None, bin_ticks: None };
    let trend = compute(&store, &inventory, &request);
    let spec = ChartSpec { trend: &trend, title: "Bytes", width: 500, height: 260, theme: Theme::Light };
    let svg = render_svg(&spec).unwrap_or_default();
    assert!(svg.contains(" KB") || svg.contains(" B<"), "byte axis labels have units");
    assert_eq!(render_png(&spec).ok(), render_png(&spec).ok(), "the same chart twice is the same file");
    let image = render_rgba(&spec).unwrap_or_else(|e| panic!("{e}"));
    assert!(image.geometry.plot_right > image.geometry.plot_left + 300);
    let middle = (image.geometry.plot_left + image.geometry.plot_right) as f32 / 2.0;
    let x = image.geometry.x_at(middle).unwrap_or_default();
    assert!(x > image.geometry.x_from && x < image.geometry.x_to);
}
