//! Edges and node discs as triangle meshes: one mesh for every edge and one for every disc,
//! so a map of 50,000 edges is two draw calls.

use egui::{Color32, Mesh, Pos2, vec2};

/// A mesh to refill: the kept one when egui has let go of it, else a fresh one.
pub fn reusable(mesh: &mut std::sync::Arc<Mesh>) -> &mut Mesh {
    if std::sync::Arc::get_mut(mesh).is_none() {
        *mesh = std::sync::Arc::new(Mesh::default());
    }
    let mesh = std::sync::Arc::make_mut(mesh);
    mesh.clear();
    mesh
}

pub fn add_line(mesh: &mut Mesh, a: Pos2, b: Pos2, width: f32, c: Color32) {
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

pub fn add_dashes(mesh: &mut Mesh, a: Pos2, b: Pos2, width: f32, c: Color32, dash: f32, gap: f32) {
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
pub fn add_disc(mesh: &mut Mesh, center: Pos2, radius: f32, color: Color32) {
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

pub fn add_triangle(mesh: &mut Mesh, a: Pos2, b: Pos2, c: Pos2, color: Color32) {
    let i = mesh.vertices.len() as u32;
    mesh.colored_vertex(a, color);
    mesh.colored_vertex(b, color);
    mesh.colored_vertex(c, color);
    mesh.add_triangle(i, i + 1, i + 2);
}
