//! The map drawn off screen from its scene: PNG at any size (labels stay sharp, they are
//! drawn at the target size, not scaled up) and SVG with every name as XML-escaped text.

use super::image::RgbaImage;
use super::scene::{FAILURE_COLOR, outline_fill};
use super::scene::{MALICIOUS_COLOR, MapScene, Rgb, background_color, edge_color, kind_color, text_color};
use super::theme::{FONT_FAMILY, Theme, register_fonts};
use crate::graph::NodeKind;
use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// The largest picture drawn, in pixels (16,384 wide by 6,144 high, or the same area).
pub const MAX_PIXELS: u64 = 16_384 * 6_144;
pub const MAX_WIDTH: u32 = 16_384;

/// What to draw and how.
#[derive(Clone, Debug)]
pub struct MapPicture<'a> {
    pub scene: &'a MapScene,
    pub width_px: u32,
    /// The part of the map to show (min, max) in map units; `None` shows all of it.
    pub region: Option<([f32; 2], [f32; 2])>,
    pub theme: Theme,
    /// Drawn at the top: loaded files, time window.
    pub title: Option<String>,
    pub legend: bool,
}

const MARGIN_UNITS: f32 = 24.0;
const TITLE_PX: f32 = 44.0;

/// Pixel size and the map-to-pixel transform of a picture.
#[derive(Clone, Copy, Debug)]
struct Frame {
    width: u32,
    height: u32,
    scale: f32,
    origin: [f32; 2],
    top_px: f32,
}

impl Frame {
    fn of(picture: &MapPicture<'_>) -> Frame {
        let (min, max) = picture.region.unwrap_or_else(|| picture.scene.bounds());
        let (span_x, span_y) =
            ((max[0] - min[0]).max(1.0) + 2.0 * MARGIN_UNITS, (max[1] - min[1]).max(1.0) + 2.0 * MARGIN_UNITS);
        let width = picture.width_px.clamp(64, MAX_WIDTH);
        let mut scale = width as f32 / span_x;
        let top_px = if picture.title.is_some() { TITLE_PX * (width as f32 / 1600.0).max(1.0) } else { 0.0 };
        let mut height = (span_y * scale + top_px).ceil().max(64.0) as u64;
        if u64::from(width) * height > MAX_PIXELS {
            height = MAX_PIXELS / u64::from(width);
            scale = (height as f32 - top_px) / span_y;
        }
        Frame { width, height: height as u32, scale, origin: [min[0] - MARGIN_UNITS, min[1] - MARGIN_UNITS], top_px }
    }

    fn px(&self, p: [f32; 2]) -> (i32, i32) {
        (
            ((p[0] - self.origin[0]) * self.scale).round() as i32,
            ((p[1] - self.origin[1]) * self.scale + self.top_px).round() as i32,
        )
    }
}

fn rgb(c: Rgb) -> RGBColor {
    RGBColor(c[0], c[1], c[2])
}

/// The picture's pixels (RGB), its size.
pub fn render_rgb(picture: &MapPicture<'_>) -> Result<(u32, u32, Vec<u8>), String> {
    let frame = Frame::of(picture);
    let mut buffer = vec![0u8; frame.width as usize * frame.height as usize * 3];
    {
        let area = BitMapBackend::with_buffer(&mut buffer, (frame.width, frame.height)).into_drawing_area();
        draw(&area, picture, &frame)?;
        area.present().map_err(|e| e.to_string())?;
    }
    Ok((frame.width, frame.height, buffer))
}

pub fn render_rgba(picture: &MapPicture<'_>) -> Result<RgbaImage, String> {
    let (width, height, rgb) = render_rgb(picture)?;
    Ok(RgbaImage::from_rgb(width, height, &rgb))
}

/// PNG bytes, encoded straight from RGB (a 16k-wide map needs no RGBA copy).
pub fn render_png(picture: &MapPicture<'_>) -> Result<Vec<u8>, String> {
    let (width, height, rgb) = render_rgb(picture)?;
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(|e| format!("PNG header: {e}"))?;
    writer.write_image_data(&rgb).map_err(|e| format!("PNG data: {e}"))?;
    writer.finish().map_err(|e| format!("PNG end: {e}"))?;
    Ok(out)
}

/// The map as the file `path` names: SVG for `.svg`, else PNG.
pub fn render_for_path(picture: &MapPicture<'_>, path: &std::path::Path) -> Result<Vec<u8>, String> {
    if super::is_svg_path(path) { render_svg(picture).map(String::into_bytes) } else { render_png(picture) }
}

pub fn render_svg(picture: &MapPicture<'_>) -> Result<String, String> {
    let frame = Frame::of(picture);
    let mut svg = String::new();
    {
        let area = SVGBackend::with_string(&mut svg, (frame.width, frame.height)).into_drawing_area();
        draw(&area, picture, &frame)?;
        area.present().map_err(|e| e.to_string())?;
    }
    Ok(svg)
}

fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    picture: &MapPicture<'_>,
    frame: &Frame,
) -> Result<(), String> {
    register_fonts();
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    let theme = picture.theme;
    let scene = picture.scene;
    let s = frame.scale;
    area.fill(&rgb(background_color(theme))).map_err(err)?;
    // An expanded group is drawn as its outline, named above it, not as a disc.
    let outlined = scene.outlined();
    // Group outlines first, then containers (expanded machines), edges, and nodes on top.
    let group_ink = rgb(kind_color(NodeKind::Group));
    for hull in scene.hulls.iter().filter(|h| h.outline.len() >= 3) {
        let points: Vec<(i32, i32)> = hull.outline.iter().map(|&p| frame.px(p)).collect();
        let fill = group_ink.mix(f64::from(outline_fill(theme)));
        area.draw(&Polygon::new(points.clone(), fill.filled())).map_err(err)?;
        let mut closed = points;
        closed.extend(closed.first().copied());
        area.draw(&PathElement::new(closed, group_ink.stroke_width((1.5 * s).max(1.0) as u32))).map_err(err)?;
    }
    for node in scene.nodes.iter().filter(|n| n.container) {
        let center = frame.px(node.center);
        let radius = (node.radius * s).max(2.0) as i32;
        let fill = rgb(node.fill).mix(if theme == Theme::Dark { 0.18 } else { 0.10 });
        area.draw(&Circle::new(center, radius, fill.filled())).map_err(err)?;
        area.draw(&Circle::new(center, radius, rgb(node.fill).stroke_width((1.5 * s).max(1.0) as u32))).map_err(err)?;
    }
    for edge in &scene.edges {
        let Some((from, to)) = MapScene::trimmed(edge) else { continue };
        let color = match edge.color {
            _ if edge.malicious => rgb(MALICIOUS_COLOR),
            Some(mark) => rgb(mark),
            None if edge.failed => rgb(FAILURE_COLOR),
            None => rgb(edge_color(theme)),
        };
        // Left out of the marks: a faint line of the background's mix.
        let color = if edge.faded { color.mix(0.2).to_rgba() } else { color.to_rgba() };
        let width = (edge.width * s * 0.8).max(1.0);
        let (a, b) = (frame.px(from), frame.px(to));
        let style = color.stroke_width(width.round() as u32);
        if edge.failed {
            let dash = (6.0 * s).max(3.0) as i32;
            area.draw(&DashedPathElement::new(vec![a, b], dash, dash, style)).map_err(err)?;
        } else {
            area.draw(&PathElement::new(vec![a, b], style)).map_err(err)?;
        }
        // Arrow head at the server end: direction of the connection.
        let (dx, dy) = ((b.0 - a.0) as f32, (b.1 - a.1) as f32);
        let length = (dx * dx + dy * dy).sqrt();
        let head = (5.0 + edge.width) * s;
        if length > head * 1.5 {
            let (ux, uy) = (dx / length, dy / length);
            let base = (b.0 as f32 - ux * head, b.1 as f32 - uy * head);
            let side = head * 0.5;
            let points = vec![
                b,
                ((base.0 - uy * side) as i32, (base.1 + ux * side) as i32),
                ((base.0 + uy * side) as i32, (base.1 - ux * side) as i32),
            ];
            area.draw(&Polygon::new(points, color.filled())).map_err(err)?;
        }
    }
    // Labels follow the zoom but never outgrow the picture's text size (13 px per 1600 px of width).
    let label_px = (10.5 * s).min(13.0 * (frame.width as f32 / 1600.0).max(1.0));
    let text = rgb(text_color(theme));
    for (i, node) in scene.nodes.iter().enumerate() {
        if outlined[i] {
            continue;
        }
        let center = frame.px(node.center);
        let radius = (node.radius * s).max(1.5) as i32;
        if !node.container {
            let fill = if node.faded { rgb(node.fill).mix(0.25).to_rgba() } else { rgb(node.fill).to_rgba() };
            area.draw(&Circle::new(center, radius, fill.filled())).map_err(err)?;
            let ring = if node.malicious { rgb(MALICIOUS_COLOR) } else { rgb(background_color(theme)) };
            let ring_width = if node.malicious { (3.0 * s).max(2.0) } else { (1.0 * s).max(1.0) };
            area.draw(&Circle::new(center, radius, ring.stroke_width(ring_width as u32))).map_err(err)?;
            if let Some(glyph) = node.glyph.filter(|_| radius >= 7) {
                let style = (FONT_FAMILY, radius as f64 * 1.1, FontStyle::Bold)
                    .into_font()
                    .color(&WHITE)
                    .pos(Pos::new(HPos::Center, VPos::Center));
                area.draw_text(glyph, &style, center).map_err(err)?;
            }
        }
        if node.malicious {
            let style = (FONT_FAMILY, (radius as f64 * 1.2).max(10.0))
                .into_font()
                .color(&rgb(MALICIOUS_COLOR))
                .pos(Pos::new(HPos::Left, VPos::Bottom));
            area.draw_text("\u{26a0}", &style, (center.0 + radius, center.1 - radius / 2)).map_err(err)?;
        }
        // Labels only where they can be read.
        if label_px >= 6.0 {
            let (y, v) =
                if node.container { (center.1 - radius - 2, VPos::Bottom) } else { (center.1 + radius + 2, VPos::Top) };
            let style = (FONT_FAMILY, f64::from(label_px)).into_font().color(&text).pos(Pos::new(HPos::Center, v));
            area.draw_text(&xml_allowed(&node.label), &style, (center.0, y)).map_err(err)?;
        }
    }
    // Group names above their outlines: few (the groups the user opened), so always at a
    // readable size, however small the machines' labels are.
    {
        let name_px = label_px.max(11.0 * (frame.width as f32 / 1600.0).max(1.0));
        let style = (FONT_FAMILY, f64::from(name_px), FontStyle::Bold)
            .into_font()
            .color(&text)
            .pos(Pos::new(HPos::Center, VPos::Bottom));
        for hull in &scene.hulls {
            let (Some(node), Some(top)) = (scene.nodes.get(hull.group), hull.top_center()) else { continue };
            let (x, y) = frame.px(top);
            area.draw_text(&xml_allowed(&node.label), &style, (x, y - 2)).map_err(err)?;
        }
    }
    if let Some(title) = &picture.title {
        let size = (frame.top_px * 0.42).max(12.0);
        let style = (FONT_FAMILY, f64::from(size), FontStyle::Bold)
            .into_font()
            .color(&text)
            .pos(Pos::new(HPos::Left, VPos::Center));
        area.draw_text(
            &xml_allowed(title),
            &style,
            ((12.0 * frame.top_px / TITLE_PX) as i32, (frame.top_px / 2.0) as i32),
        )
        .map_err(err)?;
    }
    if picture.legend {
        draw_legend(area, frame, theme, &scene.legend).map_err(err)?;
    }
    Ok(())
}

/// Node kinds and edge styles, in the bottom-left corner.
fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    frame: &Frame,
    theme: Theme,
    marks: &[(String, Rgb)],
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let unit = (frame.width as f32 / 1600.0).max(1.0);
    let line = (18.0 * unit) as i32;
    let entries = NodeKind::ALL.len() as i32 + 3 + marks.len() as i32;
    let (left, top) = ((10.0 * unit) as i32, frame.height as i32 - entries * line - (16.0 * unit) as i32);
    let box_width = (210.0 * unit) as i32;
    let background = rgb(background_color(theme));
    area.draw(&Rectangle::new(
        [(left, top), (left + box_width, top + entries * line + (8.0 * unit) as i32)],
        background.mix(0.9).filled(),
    ))?;
    area.draw(&Rectangle::new(
        [(left, top), (left + box_width, top + entries * line + (8.0 * unit) as i32)],
        rgb(edge_color(theme)).stroke_width(1),
    ))?;
    let font = (FONT_FAMILY, f64::from(12.0 * unit))
        .into_font()
        .color(&rgb(text_color(theme)))
        .pos(Pos::new(HPos::Left, VPos::Center));
    let mut y = top + line / 2 + (4.0 * unit) as i32;
    let x_icon = left + (16.0 * unit) as i32;
    let x_text = left + (34.0 * unit) as i32;
    for kind in NodeKind::ALL {
        area.draw(&Circle::new((x_icon, y), (6.0 * unit) as i32, rgb(kind_color(kind)).filled()))?;
        area.draw_text(kind.label(), &font, (x_text, y))?;
        y += line;
    }
    let stroke = (2.0 * unit) as u32;
    let dash = (5.0 * unit) as i32;
    let span = (10.0 * unit) as i32;
    area.draw(&PathElement::new(
        vec![(x_icon - span, y), (x_icon + span, y)],
        rgb(edge_color(theme)).stroke_width(stroke),
    ))?;
    area.draw_text("Connection (width: bytes)", &font, (x_text, y))?;
    y += line;
    area.draw(&DashedPathElement::new(
        vec![(x_icon - span, y), (x_icon + span, y)],
        dash,
        dash,
        rgb(FAILURE_COLOR).stroke_width(stroke),
    ))?;
    area.draw_text("Failed links", &font, (x_text, y))?;
    y += line;
    area.draw(&PathElement::new(
        vec![(x_icon - span, y), (x_icon + span, y)],
        rgb(MALICIOUS_COLOR).stroke_width(stroke),
    ))?;
    area.draw_text("\u{26a0} Malicious remote IP", &font, (x_text, y))?;
    for (label, color) in marks {
        y += line;
        let half = (6.0 * unit) as i32;
        area.draw(&Rectangle::new([(x_icon - half, y - half), (x_icon + half, y + half)], rgb(*color).filled()))?;
        area.draw_text(label, &font, (x_text, y))?;
    }
    Ok(())
}

/// `text` with every character XML forbids (controls other than tab, newline and carriage
/// return; U+FFFE; U+FFFF) replaced by U+FFFD, so names and file names from any input
/// leave the SVG and GraphML well-formed. Escaping `<`/`&` is the writer's job.
pub fn xml_allowed(text: &str) -> std::borrow::Cow<'_, str> {
    let forbidden =
        |c: char| matches!(c, '\u{0}'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}');
    if !text.contains(forbidden) {
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(text.chars().map(|c| if forbidden(c) { '\u{FFFD}' } else { c }).collect())
}
