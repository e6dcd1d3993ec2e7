//! The map canvas: pan, zoom, fit; nodes by kind, edges in one batched mesh, labels where
//! they fit; hover, select, drag to move and pin, right-click actions; a legend. It keeps
//! only its drawing caches; every change to the map or camera goes out as an action.

mod hit;
mod hover;
pub mod hulls;
mod labels;
mod legend;
mod mesh;
mod minimap;

use crate::state::{Action, AppState, CameraAction, GroupsAction, MapAction, Selected, UiAction, ViewCtx};
use crate::ui::style::color;
use egui::{Align2, Color32, FontId, Mesh, Rect, Sense, Shape, Stroke, vec2};
use hit::{Hit, Transform, hit_test};
use hulls::OnScreen;
use mesh::{add_dashes, add_disc, add_line, add_triangle, reusable};
use std::sync::Arc;
use vmi_core::graph::NodeKind;
use vmi_core::render::Theme;
use vmi_core::render::scene::{FAILURE_COLOR, MALICIOUS_COLOR, MapScene, edge_color, kind_color, text_color};

/// What a scene is made from: view, layout and marks versions, and the look.
type SceneKey = ((u64, u64, u64), crate::state::look::MapLook);

/// What a view draws, computed once per view and layout change: the scene (with the outlines
/// of expanded groups), and each node's bytes on the map (label priority).
#[derive(Clone)]
struct Drawn {
    scene: Arc<MapScene>,
    bytes: Arc<Vec<i64>>,
}

#[derive(Default)]
pub struct Canvas {
    /// The view node being dragged.
    dragging: Option<usize>,
    /// The view node the open context menu is about.
    context: Option<usize>,
    /// What the current view draws, and the versions it was made from.
    scene: Option<(SceneKey, Drawn)>,
    minimap: minimap::Minimap,
    /// The label rectangles of the last frame, on screen (tests check none overlap).
    labels_drawn: Vec<Rect>,
    /// Every node's label size, for the view version it was measured for.
    label_sizes: Option<(u64, Arc<Vec<[f32; 2]>>)>,
    /// Edge and node meshes, refilled in place each frame: a big map would otherwise
    /// allocate (and page-fault) megabytes per frame.
    edge_mesh: Arc<Mesh>,
    node_mesh: Arc<Mesh>,
}

impl Canvas {
    /// The scene of the current view, its group outlines and node weights, rebuilt only when
    /// the view or the positions changed.
    fn drawn(&mut self, state: &AppState) -> Drawn {
        let key = ((state.view_version, state.layout.version, state.marks_version), state.look);
        match &self.scene {
            Some((cached, drawn)) if *cached == key && drawn.scene.nodes.len() == state.view.nodes.len() => {
                drawn.clone()
            }
            _ => {
                let scene = Arc::new(state.scene());
                let mut bytes = vec![0i64; state.view.nodes.len()];
                for edge in &state.view.edges {
                    for end in [edge.source, edge.target] {
                        if let Some(b) = bytes.get_mut(end) {
                            *b = b.saturating_add(edge.metrics.total_bytes());
                        }
                    }
                }
                let drawn = Drawn { scene, bytes: Arc::new(bytes) };
                self.scene = Some((key, drawn.clone()));
                drawn
            }
        }
    }

    /// The label rectangles drawn in the last frame, in screen points.
    pub fn label_rects(&self) -> &[Rect] {
        &self.labels_drawn
    }

    pub fn ui(&mut self, ui: &mut egui::Ui, view: ViewCtx<'_>, actions: &mut Vec<Action>) {
        let state = view.state;
        let (response, painter) = ui.allocate_painter(ui.available_size(), Sense::click_and_drag());
        let rect = response.rect;
        // The minimap lies on top of the canvas: registered after it, it takes its own clicks.
        let minimap_response = self.minimap.interact(ui, rect);
        let placed = [rect.left(), rect.top(), rect.width(), rect.height()];
        if placed != state.canvas.0 {
            actions.push(CameraAction::CanvasMoved(placed).into());
        }
        painter.rect_filled(rect, 0.0, color(vmi_core::render::scene::background_color(state.theme)));
        let drawn = self.drawn(state);
        let scene = drawn.scene.clone();
        // Zoom around the pointer: wheel, pinch, or trackpad.
        if response.hovered() {
            let (scroll, pinch) = ui.input(|i| (i.smooth_scroll_delta.y, i.zoom_delta()));
            let factor = pinch * (scroll * 0.0025).exp();
            if (factor - 1.0).abs() > 1e-4
                && let Some(pointer) = response.hover_pos()
            {
                actions.push(CameraAction::ZoomAt { pointer: [pointer.x, pointer.y], factor }.into());
            }
        }
        let t = Transform { rect, center: state.camera.center, zoom: state.camera.zoom };
        let hit = response.hover_pos().and_then(|p| hit_test(&scene, &t, p));
        self.pointer_actions(state, &response, &scene, &t, hit, actions);
        let hovered = match hit {
            Some(Hit::Node(i)) => Some(i),
            _ => None,
        };
        self.draw(state, ui, &painter, &drawn, &t, hovered, hit);
        legend::draw_legend(&painter, rect, state.theme, &scene.legend);
        if let Some(mini) = &minimap_response {
            let versions = (state.view_version, state.layout.version, state.marks_version);
            self.minimap.show(&painter, mini, &scene, versions, &t, state.theme, actions);
        }
        if scene.nodes.is_empty() {
            let message = if state.loading.is_some() {
                "Loading…"
            } else {
                "Open or drop VM Insights exports (File > Open, Ctrl+O)"
            };
            painter.text(
                rect.center(),
                Align2::CENTER_CENTER,
                message,
                FontId::proportional(18.0),
                color(text_color(state.theme)),
            );
        }
        // Tooltips: edge metrics, node name.
        match hit {
            Some(Hit::Edge(i)) => {
                response.clone().on_hover_ui_at_pointer(|ui| hover::edge_card_ui(ui, state, i));
            }
            Some(Hit::Node(i)) => {
                response.clone().on_hover_ui_at_pointer(|ui| hover::node_card_ui(ui, state, i));
            }
            None => {}
        }
        self.context_menu(state, &response, actions);
    }

    /// Clicks, double-clicks, drags and right-clicks, as actions.
    fn pointer_actions(
        &mut self,
        state: &AppState,
        response: &egui::Response,
        scene: &MapScene,
        t: &Transform,
        hit: Option<Hit>,
        actions: &mut Vec<Action>,
    ) {
        // Dragging a node moves (and then pins) it; dragging the background pans.
        if response.drag_started() {
            self.dragging = match response.interact_pointer_pos().and_then(|p| hit_test(scene, t, p)) {
                Some(Hit::Node(i)) => Some(i),
                _ => None,
            };
        }
        if response.dragged() {
            let delta = response.drag_delta();
            actions.push(match self.dragging {
                Some(index) => MapAction::DragNode { index, delta: [delta.x / t.zoom, delta.y / t.zoom] }.into(),
                None => CameraAction::Pan([delta.x, delta.y]).into(),
            });
        }
        if response.drag_stopped()
            && let Some(index) = self.dragging.take()
        {
            actions.push(MapAction::DragEnd { index }.into());
        }
        if response.clicked() {
            let selection = match hit {
                Some(Hit::Node(i)) => state.node_key_of_view(i).map(Selected::Node),
                Some(Hit::Edge(i)) => edge_selection(state, i),
                None => None,
            };
            actions.push(MapAction::Select(selection).into());
        }
        if response.double_clicked() {
            match hit {
                // A group opens into its machines, a machine into its processes.
                Some(Hit::Node(i)) if matches!(state.view.nodes[i].kind, NodeKind::Machine | NodeKind::Group) => {
                    if let Some(key) = state.node_key_of_view(i) {
                        actions.push(MapAction::ToggleExpand(key).into());
                    }
                }
                None => actions.push(CameraAction::FitView.into()),
                _ => {}
            }
        }
        if response.secondary_clicked() {
            self.context = match hit {
                Some(Hit::Node(i)) => Some(i),
                _ => None,
            };
        }
    }

    fn context_menu(&self, state: &AppState, response: &egui::Response, actions: &mut Vec<Action>) {
        let Some(i) = self.context else { return };
        let (Some(key), Some(node)) = (state.node_key_of_view(i), state.view.nodes.get(i)) else { return };
        let pinned = state.layout.pinned.contains_key(&node.key);
        let ips: Vec<&str> =
            state.map.node(&key).map(|n| n.ips.iter().map(|&ip| state.store.str(ip)).collect()).unwrap_or_default();
        response.context_menu(|ui| {
            ui.label(egui::RichText::new(&node.label).strong());
            ui.separator();
            let mut item = |ui: &mut egui::Ui, text: &str, action: Action| {
                if ui.button(text).clicked() {
                    actions.push(action);
                }
            };
            if let Some(machine) = key.machine() {
                item(ui, "Focus on this machine", MapAction::Focus(vec![state.store.str(machine).to_string()]).into());
            }
            if node.kind == NodeKind::Machine {
                let text = if node.expanded { "Collapse" } else { "Expand processes" };
                item(ui, text, MapAction::ToggleExpand(key).into());
            }
            if node.kind == NodeKind::Group {
                let text = if node.expanded { "Collapse group" } else { "Show its machines" };
                item(ui, text, MapAction::ToggleExpand(key).into());
            }
            item(ui, "Hide", MapAction::Hide(key).into());
            if pinned {
                item(ui, "Unpin", MapAction::Unpin(key).into());
            } else {
                item(ui, "Pin", MapAction::Pin(key).into());
            }
            item(ui, "Copy name", UiAction::CopyText(node.label.clone()).into());
            if !ips.is_empty() {
                item(ui, "Copy IP", UiAction::CopyText(ips.join(", ")).into());
            }
            // Move groups: put the machine in another group, a new one, or none.
            if let (NodeKind::Machine, Some(machine), Some(index)) =
                (node.kind, key.machine(), state.groups.machine_of_key(&key))
            {
                let targets = crate::state::groups::move_targets(state, index);
                if !targets.is_empty() {
                    ui.separator();
                    ui.menu_button("Move to group", |ui| {
                        for (text, target) in targets {
                            item(ui, &text, GroupsAction::Move { machine, target }.into());
                        }
                    });
                }
            }
            ui.separator();
            if ui.button("Fit it and its neighbours (Shift+F)").clicked() {
                actions.push(MapAction::Select(Some(Selected::Node(key))).into());
                actions.push(CameraAction::FitSelection.into());
            }
        });
    }

    #[expect(clippy::too_many_arguments, reason = "one drawing pass over everything the canvas shows")]
    fn draw(
        &mut self,
        state: &AppState,
        ui: &egui::Ui,
        painter: &egui::Painter,
        drawn: &Drawn,
        t: &Transform,
        hovered: Option<usize>,
        hit: Option<Hit>,
    ) {
        let scene: &MapScene = &drawn.scene;
        let theme = state.theme;
        // Expanded groups are drawn as their outline, not as a disc.
        let outlined = scene.outlined();
        let outlined = |i: usize| outlined.get(i).copied().unwrap_or(false);
        let visible = t.rect.expand(40.0);
        // Hovering a node lights it and its neighbours; the rest fades.
        let neighbours: Option<Vec<bool>> = hovered.map(|h| {
            let mut near = vec![false; scene.nodes.len()];
            near[h] = true;
            for e in &scene.edges {
                if e.source == h || e.target == h {
                    near[e.source] = true;
                    near[e.target] = true;
                }
            }
            near
        });
        let lit = |i: usize| neighbours.as_ref().is_none_or(|n| n[i]);
        let selected = selected_view_nodes(state);
        // With something selected, edges touching it (or what it holds) stay bright, the rest fade.
        let in_selection: Option<Vec<bool>> = (!selected.is_empty()).then(|| {
            let mut on = vec![false; scene.nodes.len()];
            for &i in &selected {
                if let Some(slot) = on.get_mut(i) {
                    *slot = true;
                }
            }
            for (i, node) in state.view.nodes.iter().enumerate() {
                if node.parent.or(node.container).is_some_and(|p| selected.contains(&p))
                    && let Some(slot) = on.get_mut(i)
                {
                    *slot = true;
                }
            }
            on
        });
        let off_selection = |a: usize, b: usize| {
            in_selection
                .as_ref()
                .is_some_and(|on| !on.get(a).copied().unwrap_or(false) && !on.get(b).copied().unwrap_or(false))
        };
        // Search hits and the nodes a query result named ("show on map") share one mark.
        let matches: Vec<usize> = state
            .search
            .matches
            .iter()
            .chain(&state.query.highlighted)
            .filter_map(|k| state.view_index_of(k))
            .collect();

        for (i, node) in scene.nodes.iter().enumerate().filter(|(_, n)| n.container) {
            let center = t.screen_from_world(node.center);
            let r = node.radius * t.zoom;
            if !visible.expand(r).contains(center) {
                continue;
            }
            let alpha = if lit(i) { 1.0 } else { 0.35 };
            let fill = color(node.fill).gamma_multiply(if theme == Theme::Dark { 0.18 } else { 0.10 } * alpha);
            painter.circle(center, r, fill, Stroke::new(1.5, color(node.fill).gamma_multiply(alpha)));
        }

        // Expanded groups: a faint outline around their machines.
        for hull in &scene.hulls {
            let points = hull.screen(t);
            if points.len() < 3 || !visible.intersects(Rect::from_points(&points)) {
                continue;
            }
            let ink = color(kind_color(NodeKind::Group));
            let alpha = if lit(hull.group) { 1.0 } else { 0.4 };
            let fill = ink.gamma_multiply(vmi_core::render::scene::outline_fill(theme) * alpha);
            let selected_hull = selected.contains(&hull.group);
            let width = if selected_hull { 2.5 } else { 1.5 };
            let stroke = if selected_hull { ui.visuals().selection.stroke.color } else { ink.gamma_multiply(alpha) };
            painter.add(Shape::convex_polygon(points, fill, Stroke::new(width, stroke)));
        }

        // Every edge in one mesh: quads for lines (dashes for failures) and triangles for arrows.
        let mesh = reusable(&mut self.edge_mesh);
        for (i, edge) in scene.edges.iter().enumerate() {
            let Some((a, b)) = MapScene::trimmed(edge) else { continue };
            let (pa, pb) = (t.screen_from_world(a), t.screen_from_world(b));
            if !visible.intersects(Rect::from_two_pos(pa, pb)) {
                continue;
            }
            let base = if edge.malicious {
                color(MALICIOUS_COLOR)
            } else if edge.failed {
                color(FAILURE_COLOR)
            } else {
                color(edge_color(theme))
            };
            let highlighted =
                hit == Some(Hit::Edge(i)) || hovered.is_some_and(|h| edge.source == h || edge.target == h);
            let base = if edge.malicious { base } else { edge.color.map_or(base, color) };
            let alpha = if neighbours.is_none() || highlighted { 1.0 } else { 0.2 };
            let alpha = if edge.faded && !highlighted { alpha * 0.2 } else { alpha };
            let alpha =
                if neighbours.is_none() && off_selection(edge.source, edge.target) { alpha * 0.25 } else { alpha };
            let stroke_color = if highlighted && !edge.failed && !edge.malicious && edge.color.is_none() {
                color(text_color(theme))
            } else {
                base.gamma_multiply(alpha)
            };
            let width = (edge.width * t.zoom * 0.8).clamp(1.0, 10.0);
            if edge.failed {
                add_dashes(mesh, pa, pb, width, stroke_color, 7.0, 5.0);
            } else {
                add_line(mesh, pa, pb, width, stroke_color);
            }
            // Arrowheads only where they can be seen: a line several heads long, its end on
            // screen, not faded.
            let head = 5.0 + width * 1.5;
            let dir = pb - pa;
            if dir.length() > head * 3.0 && t.rect.contains(pb) && alpha >= 0.5 {
                let u = dir.normalized();
                let side = vec2(-u.y, u.x) * head * 0.5;
                let base_point = pb - u * head;
                add_triangle(mesh, pb, base_point + side, base_point - side, stroke_color);
            }
        }
        painter.add(Shape::Mesh(self.edge_mesh.clone()));

        // Node discs in one mesh too: a rim under a filled disc (tiny nodes get no rim).
        let discs = reusable(&mut self.node_mesh);
        for (i, node) in scene.nodes.iter().enumerate().filter(|(i, n)| !n.container && !outlined(*i)) {
            let center = t.screen_from_world(node.center);
            let r = (node.radius * t.zoom).max(2.5);
            if !visible.contains(center) {
                continue;
            }
            let alpha = if lit(i) { 1.0 } else { 0.3 };
            let alpha = if node.faded { alpha * 0.25 } else { alpha };
            if node.malicious {
                add_disc(discs, center, r + 2.5, color(MALICIOUS_COLOR));
            } else if r >= 4.0 {
                add_disc(discs, center, r + 1.0, Color32::WHITE.gamma_multiply(alpha));
            }
            add_disc(discs, center, r, color(node.fill).gamma_multiply(alpha));
        }
        painter.add(Shape::Mesh(self.node_mesh.clone()));
        for (i, node) in scene.nodes.iter().enumerate().filter(|(i, n)| !n.container && !outlined(*i)) {
            let center = t.screen_from_world(node.center);
            let r = (node.radius * t.zoom).max(2.5);
            if !visible.contains(center) {
                continue;
            }
            if let Some(glyph) = node.glyph.filter(|_| r >= 7.0) {
                painter.text(center, Align2::CENTER_CENTER, glyph, FontId::proportional(r * 1.05), Color32::WHITE);
            }
            // A collapsed group's badge: how many machines (or endpoints) it holds.
            if node.kind == NodeKind::Group
                && r >= 8.0
                && let Some(members) = state.view.nodes.get(i).map(|n| n.members)
            {
                let text = members.to_string();
                let size = (r * 1.6 / text.len().max(2) as f32).clamp(7.0, 28.0);
                painter.text(center, Align2::CENTER_CENTER, text, FontId::proportional(size), Color32::WHITE);
            }
            if node.malicious {
                painter.text(
                    center + vec2(r, -r),
                    Align2::LEFT_BOTTOM,
                    "⚠",
                    FontId::proportional(r.max(11.0)),
                    color(MALICIOUS_COLOR),
                );
            }
        }
        let ring = |indices: &[usize], gap: f32, stroke: Stroke| {
            for node in indices.iter().filter(|&&i| !outlined(i)).filter_map(|&i| scene.nodes.get(i)) {
                let r = (node.radius * t.zoom).max(2.5) + gap;
                painter.circle_stroke(t.screen_from_world(node.center), r, stroke);
            }
        };
        ring(&selected, 4.0, Stroke::new(2.5, ui.visuals().selection.stroke.color));
        ring(&matches, 7.0, Stroke::new(2.0, Color32::from_rgb(240, 180, 0)));
        let sizes = match &self.label_sizes {
            Some((version, sizes)) if *version == state.view_version && sizes.len() == scene.nodes.len() => {
                sizes.clone()
            }
            _ => {
                let sizes = Arc::new(labels::label_sizes(painter, scene));
                self.label_sizes = Some((state.view_version, sizes.clone()));
                sizes
            }
        };
        let frame = labels::LabelFrame {
            scene,
            bytes: &drawn.bytes,
            hovered,
            selected: &selected,
            matches: &matches,
            lit: &lit,
            hovering: neighbours.is_some(),
            outlined: &outlined,
            keep_off: &[legend::legend_rect(t.rect, scene.legend.len())]
                .into_iter()
                .chain(minimap::minimap_rect(t.rect))
                .collect::<Vec<_>>(),
            sizes: &sizes,
        };
        self.labels_drawn = labels::draw_labels(theme, painter, &frame, t);
    }
}

fn edge_selection(state: &AppState, i: usize) -> Option<Selected> {
    let edge = state.view.edges.get(i)?;
    // A merged edge (collapsed machines) selects its first map edge's ends.
    let map_edge = *edge.map_edges.first()?;
    let (a, b) = state.map.graph.edge_endpoints(map_edge)?;
    Some(Selected::Edge { source: state.map.graph[a].key, target: state.map.graph[b].key })
}

fn selected_view_nodes(state: &AppState) -> Vec<usize> {
    match state.selected {
        Some(Selected::Node(key)) => state.view_index_of(&key).into_iter().collect(),
        Some(Selected::Edge { source, target }) => {
            state.view_index_of(&source).into_iter().chain(state.view_index_of(&target)).collect()
        }
        None => Vec::new(),
    }
}
