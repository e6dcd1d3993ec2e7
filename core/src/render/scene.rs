//! The map as shapes in map coordinates: what the app's canvas paints each frame and what
//! picture exports draw off screen, so both show exactly the same thing.

use super::theme::Theme;
use crate::graph::NodeKind;
use crate::graph::view::MapView;

/// An sRGB colour, 0-255 per channel.
pub type Rgb = [u8; 3];

/// Fill colour of a node kind.
pub fn kind_color(kind: NodeKind) -> Rgb {
    match kind {
        NodeKind::Machine => [31, 119, 180],
        NodeKind::Process => [44, 160, 44],
        NodeKind::MachinePort => [148, 103, 189],
        NodeKind::External => [255, 127, 14],
        NodeKind::ClientGroup => [140, 86, 75],
        NodeKind::Group => [96, 112, 128],
    }
}

pub const FAILURE_COLOR: Rgb = [214, 39, 40];
pub const MALICIOUS_COLOR: Rgb = [200, 0, 0];

/// Edge colour per theme.
pub fn edge_color(theme: Theme) -> Rgb {
    match theme {
        Theme::Light => [150, 150, 150],
        Theme::Dark => [120, 120, 130],
    }
}

pub fn text_color(theme: Theme) -> Rgb {
    match theme {
        Theme::Light => [25, 25, 25],
        Theme::Dark => [235, 235, 235],
    }
}

pub fn background_color(theme: Theme) -> Rgb {
    match theme {
        Theme::Light => [250, 250, 250],
        Theme::Dark => [24, 24, 27],
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct SceneNode {
    pub center: [f32; 2],
    pub radius: f32,
    pub kind: NodeKind,
    pub fill: Rgb,
    /// An expanded machine: drawn as a light container behind its children.
    pub container: bool,
    pub label: String,
    /// Role letter drawn inside (W, D, A, M).
    pub glyph: Option<&'static str>,
    pub malicious: bool,
    /// Left out of the marks laid over the map (drawn faint).
    pub faded: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SceneEdge {
    pub from: [f32; 2],
    pub to: [f32; 2],
    /// Radii of the end nodes: the line stops at their rims.
    pub from_radius: f32,
    pub to_radius: f32,
    /// Stroke width in map units, by bytes on a log scale.
    pub width: f32,
    pub failed: bool,
    pub malicious: bool,
    pub source: usize,
    pub target: usize,
    /// A mark's colour instead of the default stroke (failed and malicious still show).
    pub color: Option<Rgb>,
    /// Left out of the marks laid over the map (drawn faint).
    pub faded: bool,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct MapScene {
    pub nodes: Vec<SceneNode>,
    pub edges: Vec<SceneEdge>,
    /// What the marks' colours mean, for the legend.
    pub legend: Vec<(String, Rgb)>,
    /// Outlines of the expanded groups, drawn instead of their discs.
    pub hulls: Vec<super::hulls::Hull>,
}

/// Colours laid over the map by a question about it (what changed between two windows, which
/// move group a machine is in): node fills and edge strokes by the view nodes' keys, and the
/// legend entries that explain them. The canvas and picture exports draw them alike.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Marks {
    /// Fill by view node key.
    pub nodes: rustc_hash::FxHashMap<u64, Rgb>,
    /// Stroke by (source, target) view node keys.
    pub edges: rustc_hash::FxHashMap<(u64, u64), Rgb>,
    /// Nodes and edges with no mark are drawn faint, so the marked ones stand out.
    pub fade_unmarked: bool,
    pub legend: Vec<(String, Rgb)>,
}

/// How much of the group colour an open group's outline is filled with.
pub fn outline_fill(theme: Theme) -> f32 {
    match theme {
        Theme::Light => 0.07,
        Theme::Dark => 0.14,
    }
}

/// Edge width by bytes: 1 unit, plus one per decade of bytes above a kilobyte, up to 6.
pub fn edge_width(bytes: i64) -> f32 {
    let decades = ((bytes.max(1) as f64).log10() - 3.0).max(0.0);
    (1.0 + decades as f32 * 0.8).min(6.0)
}

impl MapScene {
    /// Shapes of a view with node positions (index-aligned with `view.nodes`).
    pub fn new(view: &MapView, positions: &[[f32; 2]]) -> MapScene {
        let position = |i: usize| positions.get(i).copied().unwrap_or([0.0, 0.0]);
        let mut radii: Vec<f32> = view.nodes.iter().map(|n| n.radius).collect();
        // An expanded machine encloses its children.
        for (i, node) in view.nodes.iter().enumerate() {
            if let Some(parent) = node.parent {
                let (p, c) = (position(parent), position(i));
                let reach = ((p[0] - c[0]).powi(2) + (p[1] - c[1]).powi(2)).sqrt() + node.radius + 6.0;
                radii[parent] = radii[parent].max(reach);
            }
        }
        let nodes = view
            .nodes
            .iter()
            .enumerate()
            .map(|(i, node)| SceneNode {
                center: position(i),
                radius: radii[i],
                kind: node.kind,
                fill: kind_color(node.kind),
                container: node.expanded && node.children > 0 && view.nodes.iter().any(|c| c.parent == Some(i)),
                label: node.label.clone(),
                glyph: node.role.map(|r| r.glyph()),
                malicious: node.malicious,
                faded: false,
            })
            .collect();
        let edges = view
            .edges
            .iter()
            .map(|edge| SceneEdge {
                from: position(edge.source),
                to: position(edge.target),
                from_radius: radii[edge.source],
                to_radius: radii[edge.target],
                width: edge_width(edge.metrics.total_bytes()),
                failed: edge.metrics.links_failed > 0,
                malicious: edge.metrics.malicious.is_some(),
                source: edge.source,
                target: edge.target,
                color: None,
                faded: false,
            })
            .collect();
        let mut scene = MapScene { nodes, edges, legend: Vec::new(), hulls: Vec::new() };
        scene.hulls = super::hulls::hulls(view, &scene);
        scene
    }

    /// The scene with `marks` laid over it (`view` is the view it was made from).
    pub fn marked(mut self, view: &MapView, marks: &Marks) -> MapScene {
        let key = |i: usize| view.nodes.get(i).map(|n| n.key);
        for (i, node) in self.nodes.iter_mut().enumerate() {
            match key(i).and_then(|k| marks.nodes.get(&k)) {
                Some(&fill) => node.fill = fill,
                None => node.faded = marks.fade_unmarked,
            }
        }
        for edge in &mut self.edges {
            let mark = key(edge.source).zip(key(edge.target)).and_then(|k| marks.edges.get(&k));
            edge.color = mark.copied();
            edge.faded = mark.is_none() && marks.fade_unmarked;
        }
        self.legend.clone_from(&marks.legend);
        self
    }

    /// Per node, whether it is an open group drawn as its outline ([`MapScene::hulls`]) rather
    /// than as a disc.
    pub fn outlined(&self) -> Vec<bool> {
        let mut outlined = vec![false; self.nodes.len()];
        for hull in &self.hulls {
            if let Some(slot) = outlined.get_mut(hull.group) {
                *slot = true;
            }
        }
        outlined
    }

    /// The smallest rectangle (min, max) holding every node with its label room.
    pub fn bounds(&self) -> ([f32; 2], [f32; 2]) {
        if self.nodes.is_empty() {
            return ([-100.0, -100.0], [100.0, 100.0]);
        }
        let mut min = [f32::INFINITY; 2];
        let mut max = [f32::NEG_INFINITY; 2];
        for node in &self.nodes {
            for axis in 0..2 {
                min[axis] = min[axis].min(node.center[axis] - node.radius);
                max[axis] = max[axis].max(node.center[axis] + node.radius);
            }
            // Labels hang below nodes and spread sideways.
            max[1] = max[1].max(node.center[1] + node.radius + 16.0);
            let half_label = node.label.chars().count() as f32 * 3.2;
            min[0] = min[0].min(node.center[0] - half_label);
            max[0] = max[0].max(node.center[0] + half_label);
        }
        // Group outlines, their names above them.
        for point in self.hulls.iter().flat_map(|h| &h.outline) {
            for axis in 0..2 {
                min[axis] = min[axis].min(point[axis]);
                max[axis] = max[axis].max(point[axis]);
            }
            min[1] = min[1].min(point[1] - 16.0);
        }
        (min, max)
    }

    /// Where a line between two nodes starts and ends: at their rims, not their centres.
    pub fn trimmed(edge: &SceneEdge) -> Option<([f32; 2], [f32; 2])> {
        let (dx, dy) = (edge.to[0] - edge.from[0], edge.to[1] - edge.from[1]);
        let length = (dx * dx + dy * dy).sqrt();
        if length <= edge.from_radius + edge.to_radius {
            return None;
        }
        let (ux, uy) = (dx / length, dy / length);
        Some((
            [edge.from[0] + ux * edge.from_radius, edge.from[1] + uy * edge.from_radius],
            [edge.to[0] - ux * edge.to_radius, edge.to[1] - uy * edge.to_radius],
        ))
    }
}
