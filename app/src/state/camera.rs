//! Framing the map: fit a world rectangle in the canvas (fit all, fit the selection) and look
//! at a point (the minimap). The canvas asks with `CameraAction`s; the maths lives here so the
//! shortcuts, the menu and the minimap move the camera the same way.

use super::{AppState, Camera, Selected};

/// Share of the canvas a fitted rectangle fills, so nodes at its edge are not cut.
const FIT_MARGIN: f32 = 0.92;
/// The closest a fit zooms in: a single small node is shown at a readable size, not enormous.
pub const FIT_MAX_ZOOM: f32 = 8.0;
/// The closest "fit selection" zooms in (a selected node alone should keep some context).
const FIT_SELECTION_MAX_ZOOM: f32 = 3.0;

/// The camera that shows the world rectangle `min..max` in a canvas of `size` points.
pub fn camera_fitting(min: [f32; 2], max: [f32; 2], size: [f32; 2], max_zoom: f32) -> Option<Camera> {
    let finite = min.iter().chain(&max).all(|v| v.is_finite());
    if !finite || size[0] <= 10.0 || size[1] <= 10.0 {
        return None;
    }
    let extent = [(max[0] - min[0]).max(1.0), (max[1] - min[1]).max(1.0)];
    let zoom = ((size[0] / extent[0]).min(size[1] / extent[1]) * FIT_MARGIN).clamp(Camera::MIN_ZOOM, max_zoom);
    Some(Camera { center: [(min[0] + max[0]) / 2.0, (min[1] + max[1]) / 2.0], zoom })
}

/// The view nodes "fit selection" frames: the selected node (an edge: both ends), what it
/// holds when it is an expanded group or machine, and its neighbours on the map, so its
/// dependencies are in the frame too.
pub fn selection_frame(state: &AppState) -> Vec<usize> {
    let chosen: Vec<usize> = match state.selected {
        Some(Selected::Node(key)) => state.view_index_of(&key).into_iter().collect(),
        Some(Selected::Edge { source, target }) => {
            state.view_index_of(&source).into_iter().chain(state.view_index_of(&target)).collect()
        }
        None => Vec::new(),
    };
    if chosen.is_empty() {
        return chosen;
    }
    let mut framed = vec![false; state.view.nodes.len()];
    for &i in &chosen {
        if let Some(slot) = framed.get_mut(i) {
            *slot = true;
        }
    }
    // Held nodes: children of an expanded machine, members of an expanded group.
    for (i, node) in state.view.nodes.iter().enumerate() {
        if node.container.or(node.parent).is_some_and(|h| chosen.contains(&h)) {
            framed[i] = true;
        }
    }
    let held: Vec<usize> = framed.iter().enumerate().filter(|(_, on)| **on).map(|(i, _)| i).collect();
    for edge in &state.view.edges {
        let (a, b) = (edge.source, edge.target);
        if held.binary_search(&a).is_ok() || held.binary_search(&b).is_ok() {
            for end in [a, b] {
                if let Some(slot) = framed.get_mut(end) {
                    *slot = true;
                }
            }
        }
    }
    framed.iter().enumerate().filter(|(_, on)| **on).map(|(i, _)| i).collect()
}

/// The world rectangle around `nodes` (with their drawn radii), if any is placed.
fn bounds_of(state: &AppState, nodes: &[usize]) -> Option<([f32; 2], [f32; 2])> {
    let scene = vmi_core::render::MapScene::new(&state.view, &state.layout.positions);
    let mut min = [f32::INFINITY; 2];
    let mut max = [f32::NEG_INFINITY; 2];
    for node in nodes.iter().filter_map(|&i| scene.nodes.get(i)) {
        for axis in 0..2 {
            min[axis] = min[axis].min(node.center[axis] - node.radius);
            max[axis] = max[axis].max(node.center[axis] + node.radius);
        }
        // Room for the label under the node.
        max[1] = max[1].max(node.center[1] + node.radius + 16.0);
    }
    min[0].is_finite().then_some((min, max))
}

impl AppState {
    /// Frames the selection (see [`selection_frame`]); with nothing selected, the whole map.
    pub(super) fn fit_selection(&mut self) {
        let nodes = selection_frame(self);
        if nodes.is_empty() {
            self.fit_pending = true;
            return;
        }
        if let Some((min, max)) = bounds_of(self, &nodes)
            && let Some(camera) = camera_fitting(min, max, self.canvas.size(), FIT_SELECTION_MAX_ZOOM)
        {
            self.camera = camera;
        }
    }

    /// Centres the view on a world point, keeping the zoom (a click on the minimap).
    pub(super) fn look_at(&mut self, point: [f32; 2]) {
        if point.iter().all(|v| v.is_finite()) {
            self.camera.center = point;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fitted_rectangle_is_centred_and_fills_the_canvas_short_side() {
        let camera = camera_fitting([0.0, 0.0], [200.0, 100.0], [1000.0, 1000.0], FIT_MAX_ZOOM).unwrap();
        assert_eq!(camera.center, [100.0, 50.0]);
        assert!((camera.zoom - 1000.0 / 200.0 * FIT_MARGIN).abs() < 1e-4, "{}", camera.zoom);
    }

    #[test]
    fn a_tiny_rectangle_is_not_zoomed_past_the_limit_and_nonsense_is_refused() {
        let camera = camera_fitting([5.0, 5.0], [5.0, 5.0], [800.0, 600.0], 3.0).unwrap();
        assert_eq!(camera.zoom, 3.0);
        assert!(camera_fitting([f32::NAN, 0.0], [1.0, 1.0], [800.0, 600.0], 3.0).is_none());
        assert!(camera_fitting([0.0, 0.0], [1.0, 1.0], [0.0, 600.0], 3.0).is_none());
    }
}
