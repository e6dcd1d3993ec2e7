//! The map drawn off screen: PNG size, SVG text escaping, reproducibility.

use crate::graph::store_with;
use vmi_core::graph::view::{ViewOptions, build_view};
use vmi_core::graph::{Inventory, MapRequest, build_map};
use vmi_core::render::map::{render_png, render_svg};
use vmi_core::render::{MapPicture, MapScene, Theme};

/// Nodes on a circle: enough to draw without the layout engine.
pub fn circle_positions(n: usize) -> Vec<[f32; 2]> {
    (0..n)
        .map(|i| {
            let a = i as f32 / n.max(1) as f32 * std::f32::consts::TAU;
            [200.0 * a.cos(), 200.0 * a.sin()]
        })
        .collect()
}

const ROWS: &str = concat!(
    "\"2026-10-05T08:01:00Z\",m-app,p-java,java,outbound,10.0.0.20,10.0.0.30,1433,10.0.0.30,100000,400000,2,1,0,1,4,40,5,20,,,,,,\n",
    "\"2026-10-05T08:01:00Z\",m-web,p-nginx,nginx,outbound,10.0.0.10,10.0.0.20,8443,10.0.0.20,10,20,1,0,2,0,0,,,,,,,,,\n",
    "\"2026-10-05T08:01:00Z\",m-web,p-nginx,nginx,inbound,203.0.113.7,10.0.0.10,443,203.0.113.7,5000,300,1,1,0,0,0,,,,,,203.0.113.7,Botnet,Red,5\n",
    r#""2026-10-05T08:01:00Z",m-app,p-java,java,outbound,10.0.0.20,52.1.1.1,443,52.1.1.1,9000,9000,1,0,0,0,0,,,,"[""<script>&\""x\"".example""]",,,,,"#,
    "\n",
);

#[test]
fn map_pictures_have_the_requested_size_every_name_and_escaped_text() {
    let store = store_with(ROWS, "");
    let inventory = Inventory::new(&store);
    let map = build_map(&store, &inventory, &MapRequest::default());
    let view = build_view(&store, &inventory, &map, &ViewOptions { expand_all: true, ..Default::default() });
    let scene = MapScene::new(&view, &circle_positions(view.nodes.len()));
    let picture = MapPicture {
        scene: &scene,
        width_px: 1200,
        region: None,
        theme: Theme::Light,
        title: Some("fixture map".into()),
        legend: true,
    };
    let png = render_png(&picture).unwrap_or_else(|e| panic!("{e}"));
    let size =
        png::Decoder::new(std::io::Cursor::new(&png)).read_info().map(|r| (r.info().width, r.info().height)).ok();
    assert_eq!(size.map(|s| s.0), Some(1200));
    let svg = render_svg(&picture).unwrap_or_else(|e| panic!("{e}"));
    for machine in ["web01", "app01", "db01"] {
        assert!(svg.contains(machine), "the SVG names {machine}");
    }
    assert!(svg.contains("&lt;script&gt;&amp;&quot;x&quot;.example:443"), "names from the data are escaped");
    assert!(!svg.contains("<script>"));
    roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("the SVG parses as XML: {e}"));
    use vmi_core::graph::export::{GraphFormat, export_graph};
    let positions = circle_positions(view.nodes.len());
    let graphml = export_graph(&store, &inventory, &map, &view, &positions, GraphFormat::GraphMl);
    roxmltree::Document::parse(&graphml).unwrap_or_else(|e| panic!("GraphML parses: {e}"));
    assert!(graphml.contains("&lt;script&gt;"));
    let json: serde_json::Value =
        serde_json::from_str(&export_graph(&store, &inventory, &map, &view, &positions, GraphFormat::Json))
            .unwrap_or_default();
    assert_eq!(json["nodes"].as_array().map(Vec::len), Some(view.nodes.len()));
    assert!(json["edges"][0]["bytes_sent"].as_str().is_some());
    let dot = export_graph(&store, &inventory, &map, &view, &positions, GraphFormat::Dot);
    assert!(dot.starts_with("digraph") && dot.contains("style=dashed"), "failed edges are dashed in DOT");
    assert_eq!(render_png(&picture).ok(), Some(png), "two renders are byte-identical");
    assert_eq!(render_svg(&picture).ok(), Some(svg));
    let dark = MapPicture { theme: Theme::Dark, width_px: 4096, ..picture };
    let dark_png = render_png(&dark).unwrap();
    let width = png::Decoder::new(std::io::Cursor::new(&dark_png)).read_info().map(|r| r.info().width).unwrap();
    assert_eq!(width, 4096, "the dark picture is drawn at the width asked for");
}

/// Marks (a comparison's or a grouping's colours) recolour their nodes and edges, fade the
/// rest, and explain themselves in the legend of the picture.
#[test]
fn marks_recolour_their_nodes_and_edges_and_join_the_legend() {
    use vmi_core::render::scene::Marks;
    let store = store_with(ROWS, "");
    let inventory = Inventory::new(&store);
    let map = build_map(&store, &inventory, &MapRequest::default());
    let view = build_view(&store, &inventory, &map, &ViewOptions::default());
    let first_edge = &view.edges[0];
    let (a, b) = (view.nodes[first_edge.source].key, view.nodes[first_edge.target].key);
    let marks = Marks {
        nodes: [(a, [1, 2, 3])].into_iter().collect(),
        edges: [((a, b), [4, 5, 6])].into_iter().collect(),
        fade_unmarked: true,
        legend: vec![("New in B".into(), [4, 5, 6])],
    };
    let scene = MapScene::new(&view, &circle_positions(view.nodes.len())).marked(&view, &marks);
    assert_eq!(scene.nodes[first_edge.source].fill, [1, 2, 3]);
    assert!(!scene.nodes[first_edge.source].faded);
    assert!(scene.nodes.iter().enumerate().all(|(i, n)| i == first_edge.source || n.faded), "the rest is faded");
    assert_eq!(scene.edges[0].color, Some([4, 5, 6]));
    assert!(scene.edges.iter().skip(1).all(|e| e.faded && e.color.is_none()));
    let picture =
        MapPicture { scene: &scene, width_px: 800, region: None, theme: Theme::Light, title: None, legend: true };
    let svg = render_svg(&picture).unwrap();
    assert!(svg.contains("New in B"), "the legend explains the mark");
    assert!(svg.to_ascii_lowercase().contains("#040506"), "the marked edge is drawn in its colour");
}
