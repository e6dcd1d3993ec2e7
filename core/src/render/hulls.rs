//! Outlines of expanded groups: the convex outline around a group's machines (and what they
//! hold), so an opened group still reads as one thing. Computed in map units with the scene,
//! drawn alike by the canvas and by picture exports.

use super::scene::MapScene;
use crate::graph::NodeKind;
use crate::graph::view::MapView;

/// Room between the members' rims and the outline, in map units.
const HULL_PADDING: f32 = 14.0;
/// Points taken on each member's circle: enough for a smooth outline, few enough for 1,000 members.
const CIRCLE_SAMPLES: usize = 12;
/// The deepest nesting followed from a node up to its group (group -> machine -> process).
const MAX_DEPTH: usize = 4;

/// One expanded group's outline.
#[derive(Clone, Debug, PartialEq)]
pub struct Hull {
    /// The group's view node.
    pub group: usize,
    /// Convex outline in map units, counter-clockwise.
    pub outline: Vec<[f32; 2]>,
}

/// The expanded group nodes of a view.
pub fn is_open_group(view: &MapView, i: usize) -> bool {
    view.nodes.get(i).is_some_and(|n| n.kind == NodeKind::Group && n.expanded)
}

/// The outlines of every expanded group of the view, from the scene's positions and radii.
pub fn hulls(view: &MapView, scene: &MapScene) -> Vec<Hull> {
    let mut points: rustc_hash::FxHashMap<usize, Vec<[f32; 2]>> = rustc_hash::FxHashMap::default();
    for (j, node) in scene.nodes.iter().enumerate() {
        // Every expanded group this node sits in, however deep.
        let mut up = view.nodes.get(j).and_then(|n| n.container);
        for _ in 0..MAX_DEPTH {
            let Some(g) = up else { break };
            if is_open_group(view, g) {
                let r = node.radius + HULL_PADDING;
                let list = points.entry(g).or_default();
                for k in 0..CIRCLE_SAMPLES {
                    let angle = k as f32 / CIRCLE_SAMPLES as f32 * std::f32::consts::TAU;
                    list.push([node.center[0] + r * angle.cos(), node.center[1] + r * angle.sin()]);
                }
            }
            up = view.nodes.get(g).and_then(|n| n.container);
        }
    }
    let mut hulls: Vec<Hull> =
        points.into_iter().map(|(group, list)| Hull { group, outline: convex_hull(list) }).collect();
    hulls.sort_by_key(|h| h.group);
    hulls
}

/// Andrew's monotone chain: the convex hull of `points`, counter-clockwise, no repeats.
pub fn convex_hull(mut points: Vec<[f32; 2]>) -> Vec<[f32; 2]> {
    points.retain(|p| p[0].is_finite() && p[1].is_finite());
    points.sort_by(|a, b| a[0].total_cmp(&b[0]).then(a[1].total_cmp(&b[1])));
    points.dedup();
    if points.len() < 3 {
        return points;
    }
    let cross = |o: [f32; 2], a: [f32; 2], b: [f32; 2]| (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
    let mut lower: Vec<[f32; 2]> = Vec::new();
    for &p in &points {
        while lower.len() >= 2 && cross(lower[lower.len() - 2], lower[lower.len() - 1], p) <= 0.0 {
            lower.pop();
        }
        lower.push(p);
    }
    let mut upper: Vec<[f32; 2]> = Vec::new();
    for &p in points.iter().rev() {
        while upper.len() >= 2 && cross(upper[upper.len() - 2], upper[upper.len() - 1], p) <= 0.0 {
            upper.pop();
        }
        upper.push(p);
    }
    lower.pop();
    upper.pop();
    lower.extend(upper);
    lower
}

impl Hull {
    /// Where the group's name goes, in map units: the middle of the outline's top.
    pub fn top_center(&self) -> Option<[f32; 2]> {
        let top = self.outline.iter().map(|p| p[1]).fold(f32::INFINITY, f32::min);
        let (left, right) =
            self.outline.iter().fold((f32::INFINITY, f32::NEG_INFINITY), |(l, r), p| (l.min(p[0]), r.max(p[0])));
        top.is_finite().then_some([(left + right) / 2.0, top])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hull_of_a_square_with_inner_points_is_its_four_corners() {
        let hull = convex_hull(vec![[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0], [0.5, 0.5], [0.2, 0.7]]);
        assert_eq!(hull.len(), 4, "{hull:?}");
        for corner in [[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]] {
            assert!(hull.contains(&corner), "{corner:?} in {hull:?}");
        }
        let outline = Hull { group: 0, outline: hull };
        assert_eq!(outline.top_center(), Some([0.5, 0.0]));
    }

    #[test]
    fn degenerate_inputs_give_what_they_have() {
        assert!(convex_hull(Vec::new()).is_empty());
        assert_eq!(convex_hull(vec![[1.0, 1.0], [1.0, 1.0]]).len(), 1);
        assert_eq!(convex_hull(vec![[f32::NAN, 0.0], [0.0, 0.0]]).len(), 1);
        assert_eq!(Hull { group: 0, outline: Vec::new() }.top_center(), None);
    }
}
