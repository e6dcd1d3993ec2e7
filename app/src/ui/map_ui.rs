//! The map canvas: pan, zoom, fit; nodes by kind, edges in one batched mesh, labels where
//! they fit; hover, select, drag to move and pin, right-click actions; a legend.

use crate::app::VmiApp;
use crate::command::{Command, Selected};
use crate::ui::style::color;
use egui::{Align2, Color32, FontId, Mesh, Pos2, Rect, Sense, Shape, Stroke, Vec2, pos2, vec2};
use vmi_core::graph::NodeKind;
use vmi_core::render::Theme;
use vmi_core::render::scene::{FAILURE_COLOR, MALICIOUS_COLOR, MapScene, edge_color, kind_color, text_color};

/// Canvas state that lives between frames.
#[derive(Clone, Debug, Default)]
pub struct CanvasState {
    /// The view node being dragged.
    pub dragging: Option<usize>,
    /// What the open context menu is about.
    pub context: Option<usize>,
    /// The scene of the current view and positions, and the versions it was made from.
    scene: Option<((u64, u64), std::sync::Arc<MapScene>)>,
    /// Edge and node meshes, refilled in place each frame: a big map would otherwise
    /// allocate (and page-fault) megabytes per frame.
    edge_mesh: std::sync::Arc<Mesh>,
    node_mesh: std::sync::Arc<Mesh>,
}

/// The scene of the current view, rebuilt only when the view or the positions changed.
fn cached_scene(app: &mut VmiApp) -> std::sync::Arc<MapScene> {
    let key = (app.view_version, app.layout.version);
    match &app.canvas.scene {
        Some((cached_key, scene)) if *cached_key == key && scene.nodes.len() == app.view.nodes.len() => scene.clone(),
        _ => {
            let scene = std::sync::Arc::new(MapScene::new(&app.view, &app.layout.positions));
            app.canvas.scene = Some((key, scene.clone()));
            scene
        }
    }
}

/// A mesh to refill: the kept one when egui has let go of it, else a fresh one.
fn reusable(mesh: &mut std::sync::Arc<Mesh>) -> &mut Mesh {
    if std::sync::Arc::get_mut(mesh).is_none() {
        *mesh = std::sync::Arc::new(Mesh::default());
    }
    let mesh = std::sync::Arc::make_mut(mesh);
    mesh.clear();
    mesh
}

/// Where the map is on screen.
#[derive(Clone, Copy)]
struct Transform {
    rect: Rect,
    center: [f32; 2],
    zoom: f32,
}

impl Transform {
    fn screen_from_world(&self, p: [f32; 2]) -> Pos2 {
        self.rect.center() + vec2(p[0] - self.center[0], p[1] - self.center[1]) * self.zoom
    }

    fn world_from_screen(&self, p: Pos2) -> [f32; 2] {
        let d = (p - self.rect.center()) / self.zoom;
        [self.center[0] + d.x, self.center[1] + d.y]
    }
}

/// Zoom and centre so the whole scene fits the canvas.
fn fit(app: &mut VmiApp, scene: &MapScene, rect: Rect) {
    let (min, max) = scene.bounds();
    let size = vec2((max[0] - min[0]).max(1.0), (max[1] - min[1]).max(1.0));
    app.camera.center = [(min[0] + max[0]) / 2.0, (min[1] + max[1]) / 2.0];
    app.camera.zoom = ((rect.width() / size.x).min(rect.height() / size.y) * 0.92).clamp(0.005, 8.0);
}

fn distance_to_segment(p: Pos2, a: Pos2, b: Pos2) -> f32 {
    let ab = b - a;
    let t = if ab.length_sq() > 0.0 { ((p - a).dot(ab) / ab.length_sq()).clamp(0.0, 1.0) } else { 0.0 };
    (p - (a + ab * t)).length()
}

fn with_alpha(c: Color32, alpha: f32) -> Color32 {
    c.gamma_multiply(alpha)
}

/// What is under the pointer.
#[derive(Clone, Copy, PartialEq)]
enum Hit {
    Node(usize),
    Edge(usize),
}

fn hit_test(scene: &MapScene, t: &Transform, pointer: Pos2) -> Option<Hit> {
    // Nodes first (containers last: a process inside a machine wins), then edges.
    let mut best: Option<(usize, f32, bool)> = None;
    for (i, node) in scene.nodes.iter().enumerate() {
        let d = (t.screen_from_world(node.center) - pointer).length();
        let r = (node.radius * t.zoom).max(4.0);
        if d <= r {
            let better = match best {
                None => true,
                Some((_, best_d, best_container)) => {
                    (best_container && !node.container) || (best_container == node.container && d < best_d)
                }
            };
            if better {
                best = Some((i, d, node.container));
            }
        }
    }
    if let Some((i, _, false)) = best {
        return Some(Hit::Node(i));
    }
    let edge = scene.edges.iter().enumerate().find_map(|(i, e)| {
        let (a, b) = MapScene::trimmed(e)?;
        let width = (e.width * t.zoom * 0.8).max(1.0);
        (distance_to_segment(pointer, t.screen_from_world(a), t.screen_from_world(b)) <= width / 2.0 + 3.0).then_some(i)
    });
    edge.map(Hit::Edge).or(best.map(|(i, _, _)| Hit::Node(i)))
}

pub fn map_ui(app: &mut VmiApp, ui: &mut egui::Ui) {
    let (response, painter) = ui.allocate_painter(ui.available_size(), Sense::click_and_drag());
    let rect = response.rect;
    app.canvas_size = rect.size();
    app.canvas_rect = rect;
    let theme = app.theme;
    painter.rect_filled(rect, 0.0, color(vmi_core::render::scene::background_color(theme)));
    let scene = cached_scene(app);
    if app.fit_pending && !scene.nodes.is_empty() && rect.width() > 10.0 {
        fit(app, &scene, rect);
        app.fit_pending = false;
    }
    // Zoom around the pointer: wheel, pinch, or trackpad.
    if response.hovered() {
        let (scroll, pinch) = ui.input(|i| (i.smooth_scroll_delta.y, i.zoom_delta()));
        let factor = pinch * (scroll * 0.0025).exp();
        if (factor - 1.0).abs() > 1e-4
            && let Some(pointer) = response.hover_pos()
        {
            let t = Transform { rect, center: app.camera.center, zoom: app.camera.zoom };
            let anchor = t.world_from_screen(pointer);
            let zoom = (app.camera.zoom * factor).clamp(0.005, 50.0);
            let d = (pointer - rect.center()) / zoom;
            app.camera = crate::app::Camera { center: [anchor[0] - d.x, anchor[1] - d.y], zoom };
        }
    }
    let t = Transform { rect, center: app.camera.center, zoom: app.camera.zoom };
    let pointer = response.hover_pos();
    let hit = pointer.and_then(|p| hit_test(&scene, &t, p));

    // Dragging a node moves (and then pins) it; dragging the background pans.
    if response.drag_started() {
        app.canvas.dragging = match response.interact_pointer_pos().and_then(|p| hit_test(&scene, &t, p)) {
            Some(Hit::Node(i)) => Some(i),
            _ => None,
        };
    }
    if response.dragged() {
        let delta = response.drag_delta() / app.camera.zoom;
        match app.canvas.dragging {
            Some(i) => {
                move_node(app, i, delta);
                app.layout.version += 1;
            }
            None => {
                app.camera.center[0] -= delta.x;
                app.camera.center[1] -= delta.y;
            }
        }
    }
    if response.drag_stopped()
        && let Some(key) = app.canvas.dragging.take().and_then(|i| app.node_key_of_view(i))
    {
        app.pending.push(Command::Pin(key));
    }
    if response.clicked() {
        let selection = match hit {
            Some(Hit::Node(i)) => app.node_key_of_view(i).map(Selected::Node),
            Some(Hit::Edge(i)) => edge_selection(app, i),
            None => None,
        };
        app.pending.push(Command::Select(selection));
    }
    if response.double_clicked() {
        match hit {
            Some(Hit::Node(i)) if app.view.nodes[i].kind == NodeKind::Machine => {
                if let Some(key) = app.node_key_of_view(i) {
                    app.pending.push(Command::ToggleExpand(key));
                }
            }
            None => app.pending.push(Command::FitView),
            _ => {}
        }
    }
    if response.secondary_clicked() {
        app.canvas.context = match hit {
            Some(Hit::Node(i)) => Some(i),
            _ => None,
        };
    }

    let hovered_node = match hit {
        Some(Hit::Node(i)) => Some(i),
        _ => None,
    };
    let mut edge_mesh = std::mem::take(&mut app.canvas.edge_mesh);
    let mut node_mesh = std::mem::take(&mut app.canvas.node_mesh);
    draw(app, ui, &painter, &scene, &t, hovered_node, hit, (&mut edge_mesh, &mut node_mesh));
    app.canvas.edge_mesh = edge_mesh;
    app.canvas.node_mesh = node_mesh;
    draw_legend(&painter, rect, theme);
    if scene.nodes.is_empty() {
        let message =
            if app.loading.is_some() { "Loading…" } else { "Open or drop VM Insights exports (File > Open, Ctrl+O)" };
        painter.text(
            rect.center(),
            Align2::CENTER_CENTER,
            message,
            FontId::proportional(18.0),
            color(text_color(theme)),
        );
    }

    // Tooltips: edge metrics, node name.
    match hit {
        Some(Hit::Edge(i)) => {
            let edge = &app.view.edges[i];
            let (a, b) = (app.view.nodes[edge.source].label.clone(), app.view.nodes[edge.target].label.clone());
            let metrics = edge.metrics.clone();
            response.clone().on_hover_ui_at_pointer(|ui| crate::ui::details_ui::edge_summary_ui(ui, &a, &b, &metrics));
        }
        Some(Hit::Node(i)) => {
            let node = &app.view.nodes[i];
            let text = format!("{} ({})", node.label, node.kind.label());
            response.clone().on_hover_text_at_pointer(text);
        }
        None => {}
    }
    context_menu(app, &response);
}

fn edge_selection(app: &VmiApp, i: usize) -> Option<Selected> {
    let edge = app.view.edges.get(i)?;
    // A merged edge (collapsed machines) selects its first map edge's ends.
    let map_edge = *edge.map_edges.first()?;
    let (a, b) = app.map.graph.edge_endpoints(map_edge)?;
    Some(Selected::Edge { source: app.map.graph[a].key, target: app.map.graph[b].key })
}

fn move_node(app: &mut VmiApp, i: usize, delta: Vec2) {
    let children: Vec<usize> =
        app.view.nodes.iter().enumerate().filter(|(_, n)| n.parent == Some(i)).map(|(c, _)| c).collect();
    for index in std::iter::once(i).chain(children) {
        if let Some(p) = app.layout.positions.get_mut(index) {
            p[0] += delta.x;
            p[1] += delta.y;
        }
    }
    if let (Some(worker), Some(p)) = (&app.layout.worker, app.layout.positions.get(i)) {
        worker.send(vmi_core::layout::LayoutCommand::Drag { node: i as u32, pos: *p });
    }
}

fn context_menu(app: &mut VmiApp, response: &egui::Response) {
    let Some(i) = app.canvas.context else { return };
    let Some(key) = app.node_key_of_view(i) else { return };
    let node = app.view.nodes[i].clone();
    let pinned = app.layout.pinned.contains_key(&node.key);
    let machine_name = key.machine().map(|m| app.store.str(m).to_string());
    let ips: Vec<String> =
        app.map.node(&key).map(|n| n.ips.iter().map(|&ip| app.store.str(ip).to_string()).collect()).unwrap_or_default();
    let mut commands = Vec::new();
    response.context_menu(|ui| {
        ui.label(egui::RichText::new(&node.label).strong());
        ui.separator();
        if let Some(machine) = &machine_name
            && ui.button("Focus on this machine").clicked()
        {
            commands.push(Command::Focus(vec![machine.clone()]));
        }
        if node.kind == NodeKind::Machine
            && ui.button(if node.expanded { "Collapse" } else { "Expand processes" }).clicked()
        {
            commands.push(Command::ToggleExpand(key));
        }
        if ui.button("Hide").clicked() {
            commands.push(Command::Hide(key));
        }
        if ui.button(if pinned { "Unpin" } else { "Pin" }).clicked() {
            commands.push(if pinned { Command::Unpin(key) } else { Command::Pin(key) });
        }
        if ui.button("Copy name").clicked() {
            commands.push(Command::CopyText(node.label.clone()));
        }
        if !ips.is_empty() && ui.button("Copy IP").clicked() {
            commands.push(Command::CopyText(ips.join(", ")));
        }
    });
    app.pending.extend(commands);
}

#[expect(clippy::too_many_arguments, reason = "one drawing pass over everything the canvas shows")]
fn draw(
    app: &VmiApp,
    ui: &egui::Ui,
    painter: &egui::Painter,
    scene: &MapScene,
    t: &Transform,
    hovered: Option<usize>,
    hit: Option<Hit>,
    meshes: (&mut std::sync::Arc<Mesh>, &mut std::sync::Arc<Mesh>),
) {
    let theme = app.theme;
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
    let selected_view = selected_view_nodes(app);
    let matches: Vec<usize> = app.search.matches.iter().filter_map(|k| app.view_index_of(k)).collect();

    for (i, node) in scene.nodes.iter().enumerate().filter(|(_, n)| n.container) {
        let center = t.screen_from_world(node.center);
        let r = node.radius * t.zoom;
        if !visible.expand(r).contains(center) {
            continue;
        }
        let alpha = if lit(i) { 1.0 } else { 0.35 };
        let fill = with_alpha(color(node.fill), if theme == Theme::Dark { 0.18 } else { 0.10 } * alpha);
        painter.circle(center, r, fill, Stroke::new(1.5, with_alpha(color(node.fill), alpha)));
    }

    // Every edge in one mesh: quads for lines (dashes for failures) and triangles for arrows.
    let (edge_mesh, node_mesh) = meshes;
    let mesh = reusable(edge_mesh);
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
        let highlighted = hit == Some(Hit::Edge(i)) || hovered.is_some_and(|h| edge.source == h || edge.target == h);
        let alpha = if neighbours.is_none() || highlighted { 1.0 } else { 0.2 };
        let stroke_color = if highlighted && !edge.failed && !edge.malicious {
            color(text_color(theme))
        } else {
            with_alpha(base, alpha)
        };
        let width = (edge.width * t.zoom * 0.8).clamp(1.0, 10.0);
        if edge.failed {
            add_dashes(mesh, pa, pb, width, stroke_color, 7.0, 5.0);
        } else {
            add_line(mesh, pa, pb, width, stroke_color);
        }
        let head = 5.0 + width * 1.5;
        let dir = pb - pa;
        if dir.length() > head * 2.0 {
            let u = dir.normalized();
            let side = vec2(-u.y, u.x) * head * 0.5;
            let base_point = pb - u * head;
            add_triangle(mesh, pb, base_point + side, base_point - side, stroke_color);
        }
    }
    painter.add(Shape::Mesh(edge_mesh.clone()));

    // Node discs in one mesh too: a rim under a filled disc (tiny nodes get no rim).
    let discs = reusable(node_mesh);
    for (i, node) in scene.nodes.iter().enumerate().filter(|(_, n)| !n.container) {
        let center = t.screen_from_world(node.center);
        let r = (node.radius * t.zoom).max(2.5);
        if !visible.contains(center) {
            continue;
        }
        let alpha = if lit(i) { 1.0 } else { 0.3 };
        if node.malicious {
            add_disc(discs, center, r + 2.5, color(MALICIOUS_COLOR));
        } else if r >= 4.0 {
            add_disc(discs, center, r + 1.0, with_alpha(Color32::WHITE, alpha));
        }
        add_disc(discs, center, r, with_alpha(color(node.fill), alpha));
    }
    painter.add(Shape::Mesh(node_mesh.clone()));
    for node in scene.nodes.iter().filter(|n| !n.container) {
        let center = t.screen_from_world(node.center);
        let r = (node.radius * t.zoom).max(2.5);
        if !visible.contains(center) {
            continue;
        }
        if let Some(glyph) = node.glyph.filter(|_| r >= 7.0) {
            painter.text(center, Align2::CENTER_CENTER, glyph, FontId::proportional(r * 1.05), Color32::WHITE);
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
    for &i in &selected_view {
        if let Some(node) = scene.nodes.get(i) {
            let r = (node.radius * t.zoom).max(2.5) + 4.0;
            painter.circle_stroke(
                t.screen_from_world(node.center),
                r,
                Stroke::new(2.5, ui.visuals().selection.stroke.color),
            );
        }
    }
    for &i in &matches {
        if let Some(node) = scene.nodes.get(i) {
            let r = (node.radius * t.zoom).max(2.5) + 7.0;
            painter.circle_stroke(
                t.screen_from_world(node.center),
                r,
                Stroke::new(2.0, Color32::from_rgb(240, 180, 0)),
            );
        }
    }
    draw_labels(app, painter, scene, t, hovered, &selected_view, &matches, &lit);
}

/// Labels only where they can be read and do not sit on another label: machines and big
/// nodes first, then the rest while there is room.
#[expect(clippy::too_many_arguments, reason = "the label pass needs the drawing pass's state")]
fn draw_labels(
    app: &VmiApp,
    painter: &egui::Painter,
    scene: &MapScene,
    t: &Transform,
    hovered: Option<usize>,
    selected: &[usize],
    matches: &[usize],
    lit: &dyn Fn(usize) -> bool,
) {
    let text = color(text_color(app.theme));
    let font = FontId::proportional(12.0);
    let mut order: Vec<usize> = (0..scene.nodes.len()).collect();
    let important = |i: &usize| hovered == Some(*i) || selected.contains(i) || matches.contains(i);
    order.sort_by(|a, b| {
        important(b).cmp(&important(a)).then(scene.nodes[*b].radius.total_cmp(&scene.nodes[*a].radius)).then(a.cmp(b))
    });
    // Placed label rectangles, bucketed by 64-point cells so a check looks at neighbours only.
    let mut placed: rustc_hash::FxHashMap<(i32, i32), Vec<Rect>> = rustc_hash::FxHashMap::default();
    let cells = |r: Rect| {
        let (x0, x1) = ((r.min.x / 64.0).floor() as i32, (r.max.x / 64.0).floor() as i32);
        let (y0, y1) = ((r.min.y / 64.0).floor() as i32, (r.max.y / 64.0).floor() as i32);
        (x0..=x1).flat_map(move |x| (y0..=y1).map(move |y| (x, y)))
    };
    let mut shown = 0;
    for i in order {
        let node = &scene.nodes[i];
        let center = t.screen_from_world(node.center);
        let r = node.radius * t.zoom;
        if !t.rect.contains(center) || (!important(&i) && (r < 4.0 || shown > 2500)) {
            continue;
        }
        let anchor = if node.container { center - vec2(0.0, r + 2.0) } else { center + vec2(0.0, r.max(2.5) + 2.0) };
        let align = if node.container { Align2::CENTER_BOTTOM } else { Align2::CENTER_TOP };
        // Judge the room from an estimate first: laying out a label that will not fit is waste.
        let estimate = align.anchor_size(anchor, vec2(node.label.chars().count() as f32 * 6.5, 15.0));
        let taken = |r: Rect| cells(r).any(|c| placed.get(&c).is_some_and(|list| list.iter().any(|p| p.intersects(r))));
        if !important(&i) && taken(estimate) {
            continue;
        }
        let galley = painter.layout_no_wrap(node.label.clone(), font.clone(), text);
        let label_rect = align.anchor_size(anchor, galley.size());
        for cell in cells(label_rect) {
            placed.entry(cell).or_default().push(label_rect);
        }
        shown += 1;
        let alpha = if lit(i) { 1.0 } else { 0.35 };
        painter.galley(label_rect.min, galley, with_alpha(text, alpha));
    }
}

fn selected_view_nodes(app: &VmiApp) -> Vec<usize> {
    match app.selected {
        Some(Selected::Node(key)) => app.view_index_of(&key).into_iter().collect(),
        Some(Selected::Edge { source, target }) => {
            app.view_index_of(&source).into_iter().chain(app.view_index_of(&target)).collect()
        }
        None => Vec::new(),
    }
}

fn add_line(mesh: &mut Mesh, a: Pos2, b: Pos2, width: f32, c: Color32) {
    let d = b - a;
    if d.length_sq() < 1e-6 {
        return;
    }
    let n = vec2(-d.y, d.x).normalized() * (width / 2.0);
    let i = mesh.vertices.len() as u32;
    mesh.colored_vertex(a + n, c);
    mesh.colored_vertex(a - n, c);
    mesh.colored_vertex(b + n, c);
    mesh.colored_vertex(b - n, c);
    mesh.add_triangle(i, i + 1, i + 2);
    mesh.add_triangle(i + 1, i + 3, i + 2);
}

fn add_dashes(mesh: &mut Mesh, a: Pos2, b: Pos2, width: f32, c: Color32, dash: f32, gap: f32) {
    let length = (b - a).length();
    if length < 1e-3 {
        return;
    }
    let u = (b - a) / length;
    let mut s = 0.0;
    while s < length {
        let e = (s + dash).min(length);
        add_line(mesh, a + u * s, a + u * e, width, c);
        s = e + gap;
    }
}

/// A filled disc as a triangle fan, with as many sides as its size needs.
fn add_disc(mesh: &mut Mesh, center: Pos2, radius: f32, color: Color32) {
    let sides = (radius * 1.5).clamp(6.0, 48.0) as u32;
    let first = mesh.vertices.len() as u32;
    mesh.colored_vertex(center, color);
    for k in 0..sides {
        let angle = k as f32 / sides as f32 * std::f32::consts::TAU;
        mesh.colored_vertex(center + vec2(angle.cos(), angle.sin()) * radius, color);
    }
    for k in 0..sides {
        mesh.add_triangle(first, first + 1 + k, first + 1 + (k + 1) % sides);
    }
}

fn add_triangle(mesh: &mut Mesh, a: Pos2, b: Pos2, c: Pos2, color: Color32) {
    let i = mesh.vertices.len() as u32;
    mesh.colored_vertex(a, color);
    mesh.colored_vertex(b, color);
    mesh.colored_vertex(c, color);
    mesh.add_triangle(i, i + 1, i + 2);
}

fn draw_legend(painter: &egui::Painter, rect: Rect, theme: Theme) {
    let line = 17.0;
    let entries = NodeKind::ALL.len() as f32 + 2.0;
    let size = vec2(190.0, entries * line + 10.0);
    let box_rect = Rect::from_min_size(pos2(rect.left() + 10.0, rect.bottom() - size.y - 10.0), size);
    let background = vmi_core::render::scene::background_color(theme);
    painter.rect(
        box_rect,
        4.0,
        with_alpha(color(background), 0.9),
        Stroke::new(1.0, color(edge_color(theme))),
        egui::StrokeKind::Inside,
    );
    let text = color(text_color(theme));
    let font = FontId::proportional(11.5);
    let mut y = box_rect.top() + 5.0 + line / 2.0;
    let x = box_rect.left() + 14.0;
    for kind in NodeKind::ALL {
        painter.circle_filled(pos2(x, y), 5.5, color(kind_color(kind)));
        painter.text(pos2(x + 14.0, y), Align2::LEFT_CENTER, kind.label(), font.clone(), text);
        y += line;
    }
    painter.line_segment([pos2(x - 7.0, y), pos2(x + 7.0, y)], Stroke::new(2.0, color(FAILURE_COLOR)));
    painter.text(pos2(x + 14.0, y), Align2::LEFT_CENTER, "Failed links (dashed)", font.clone(), text);
    y += line;
    painter.text(pos2(x, y), Align2::CENTER_CENTER, "⚠", font.clone(), color(MALICIOUS_COLOR));
    painter.text(pos2(x + 14.0, y), Align2::LEFT_CENTER, "Malicious remote IP", font, text);
}
