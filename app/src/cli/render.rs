//! `vmi-map render`: the map, charts and graph files written with no window, laid out the
//! same way the app lays them out.

use super::{RenderArgs, ThemeArg, load_all};
use anyhow::{Context, Result};
use std::process::ExitCode;
use vmi_core::graph::{Inventory, MapRequest, build_map};

pub fn render(args: &RenderArgs) -> Result<ExitCode> {
    use vmi_core::graph::export::{GraphFormat, export_graph};
    use vmi_core::graph::view::{ViewOptions, build_view};
    use vmi_core::render::{MapPicture, MapScene, Theme, chart, map};
    use vmi_core::trends::{Selection, TrendKind, TrendRequest};
    let (store, all_loaded) = load_all(&args.files);
    let theme = if args.theme == ThemeArg::Dark { Theme::Dark } else { Theme::Light };
    let request =
        MapRequest { from: args.window.from, to: args.window.to, focus: args.focus.iter().cloned().collect() };
    let inventory = Inventory::new(&store);
    let names: Vec<String> = args.files.iter().map(|f| f.display().to_string()).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let title = vmi_core::render::titles::picture_title(&names, args.window.from, args.window.to);
    let write = |path: &std::path::Path, bytes: &[u8]| {
        std::fs::write(path, bytes).with_context(|| format!("writing {}", path.display()))
    };
    if args.map.is_some() || args.graph.is_some() {
        let map_data = build_map(&store, &inventory, &request);
        let view =
            build_view(&store, &inventory, &map_data, &ViewOptions { expand_all: args.expand, ..Default::default() });
        let positions = view.converged_positions();
        if let Some(path) = &args.map {
            let scene = MapScene::new(&view, &positions);
            let picture = MapPicture {
                scene: &scene,
                width_px: args.width,
                region: None,
                theme,
                title: Some(title.clone()),
                legend: !args.no_legend,
            };
            write(path, &map::render_for_path(&picture, path).map_err(anyhow::Error::msg)?)?;
            eprintln!("wrote {}", path.display());
        }
        if let Some(path) = &args.graph {
            let format = GraphFormat::from_path(&path.to_string_lossy())
                .with_context(|| format!("{}: use .graphml, .dot or .json", path.display()))?;
            write(path, export_graph(&store, &inventory, &map_data, &view, &positions, format).as_bytes())?;
            eprintln!("wrote {}", path.display());
        }
    }
    for pair in args.chart.chunks(2) {
        let [kind, out] = pair else { continue };
        let kind = TrendKind::from_id(kind).with_context(|| {
            let ids: Vec<&str> = TrendKind::ALL.iter().map(|k| k.id()).collect();
            format!("no chart {kind:?}; the charts are {}", ids.join(", "))
        })?;
        let trend_request = TrendRequest {
            kind,
            selection: Selection::Estate,
            from: args.window.from,
            to: args.window.to,
            bin_ticks: None,
        };
        let trend = vmi_core::trends::compute(&store, &inventory, &trend_request);
        let chart_title = vmi_core::render::titles::chart_title(kind, "whole estate", None);
        let width = args.width.min(4096);
        let spec =
            chart::ChartSpec { trend: &trend, title: &chart_title, width, height: (width as f32 * 0.45) as u32, theme };
        let path = std::path::Path::new(out);
        write(path, &chart::render_for_path(&spec, path).map_err(anyhow::Error::msg)?)?;
        eprintln!("wrote {}", path.display());
    }
    Ok(if all_loaded { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}
