//! Which node labels a map draws, and where, so that no two labels overlap: candidates are
//! taken in priority order (selected, search hits, hovered neighbours, then the busiest by
//! bytes or degree) and each tries a few places around its node; the first free place inside
//! the viewport wins, and a label with no free place is hidden until the user zooms in.
//!
//! Placed rectangles are kept in a uniform grid (a spatial hash over the viewport), so a
//! candidate is tested only against the labels in the cells it covers: placing 10,000
//! candidates costs about as much as sorting them.

/// An axis-aligned rectangle in screen units (`min` is the top-left corner).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct LabelRect {
    pub min: [f32; 2],
    pub max: [f32; 2],
}

impl LabelRect {
    pub fn from_min_size(min: [f32; 2], size: [f32; 2]) -> Self {
        LabelRect { min, max: [min[0] + size[0], min[1] + size[1]] }
    }

    pub fn width(&self) -> f32 {
        self.max[0] - self.min[0]
    }

    pub fn height(&self) -> f32 {
        self.max[1] - self.min[1]
    }

    /// True when the interiors meet (rectangles that only touch do not intersect).
    pub fn intersects(&self, other: &LabelRect) -> bool {
        self.min[0] < other.max[0]
            && other.min[0] < self.max[0]
            && self.min[1] < other.max[1]
            && other.min[1] < self.max[1]
    }

    pub fn contains_rect(&self, other: &LabelRect) -> bool {
        other.min[0] >= self.min[0]
            && other.min[1] >= self.min[1]
            && other.max[0] <= self.max[0]
            && other.max[1] <= self.max[1]
    }

    fn is_finite(&self) -> bool {
        self.min.iter().chain(&self.max).all(|v| v.is_finite())
            && self.max[0] >= self.min[0]
            && self.max[1] >= self.min[1]
    }
}

/// Why a label matters, most important first: the order in which candidates are placed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LabelTier {
    Selected,
    SearchHit,
    /// The hovered node and its neighbours.
    Hovered,
    #[default]
    Other,
}

/// A label that may be drawn: the node's bounds on screen, the label's size, and how much it
/// matters.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LabelCandidate {
    /// The node the label names (its disc's bounding box), in screen units.
    pub anchor: LabelRect,
    /// Width and height of the label text.
    pub size: [f32; 2],
    pub tier: LabelTier,
    /// Within a tier, larger first: the node's bytes, degree or size.
    pub weight: f64,
}

/// Where a label sits around its anchor.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LabelSide {
    Below,
    Right,
    Above,
    Left,
    BelowRight,
    BelowLeft,
    AboveRight,
    AboveLeft,
}

impl LabelSide {
    /// In the order they are tried: below first (where map labels usually are).
    pub const ALL: [LabelSide; 8] = [
        LabelSide::Below,
        LabelSide::Right,
        LabelSide::Above,
        LabelSide::Left,
        LabelSide::BelowRight,
        LabelSide::BelowLeft,
        LabelSide::AboveRight,
        LabelSide::AboveLeft,
    ];

    /// The label's rectangle on this side of `anchor`, `gap` away from it.
    pub fn rect(self, anchor: &LabelRect, size: [f32; 2], gap: f32) -> LabelRect {
        let [w, h] = size;
        let centre = [(anchor.min[0] + anchor.max[0]) / 2.0, (anchor.min[1] + anchor.max[1]) / 2.0];
        let min = match self {
            LabelSide::Below => [centre[0] - w / 2.0, anchor.max[1] + gap],
            LabelSide::Above => [centre[0] - w / 2.0, anchor.min[1] - gap - h],
            LabelSide::Right => [anchor.max[0] + gap, centre[1] - h / 2.0],
            LabelSide::Left => [anchor.min[0] - gap - w, centre[1] - h / 2.0],
            LabelSide::BelowRight => [anchor.max[0], anchor.max[1] + gap],
            LabelSide::BelowLeft => [anchor.min[0] - w, anchor.max[1] + gap],
            LabelSide::AboveRight => [anchor.max[0], anchor.min[1] - gap - h],
            LabelSide::AboveLeft => [anchor.min[0] - w, anchor.min[1] - gap - h],
        };
        LabelRect::from_min_size(min, size)
    }
}

/// A label to draw: which candidate (index into the input), where, and on which side.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PlacedLabel {
    pub candidate: usize,
    pub rect: LabelRect,
    pub side: LabelSide,
}

/// Space between a node and its label, in screen units.
pub const LABEL_GAP: f32 = 2.0;

/// Places labels without overlaps inside `viewport`, by priority (see the module doc).
/// Candidates whose anchor is off the viewport, or with a non-finite or empty size, are
/// skipped. The result is in placement order (most important first).
pub fn place(candidates: &[LabelCandidate], viewport: LabelRect) -> Vec<PlacedLabel> {
    place_with_obstacles(candidates, &[], viewport)
}

/// Like [`place`], also keeping labels off `obstacles` (e.g. node discs, the minimap).
pub fn place_with_obstacles(
    candidates: &[LabelCandidate],
    obstacles: &[LabelRect],
    viewport: LabelRect,
) -> Vec<PlacedLabel> {
    if !viewport.is_finite() || viewport.width() <= 0.0 || viewport.height() <= 0.0 {
        return Vec::new();
    }
    let mut order: Vec<usize> = (0..candidates.len())
        .filter(|&i| {
            let c = &candidates[i];
            c.anchor.is_finite()
                && c.anchor.intersects_or_touches(&viewport)
                && c.size.iter().all(|v| v.is_finite() && *v > 0.0)
                && c.size[0] <= viewport.width()
                && c.size[1] <= viewport.height()
        })
        .collect();
    order.sort_unstable_by(|&a, &b| {
        let (x, y) = (&candidates[a], &candidates[b]);
        x.tier.cmp(&y.tier).then(y.weight.total_cmp(&x.weight)).then(a.cmp(&b))
    });
    let mut grid = RectGrid::new(viewport, typical_size(candidates, &order));
    for obstacle in obstacles.iter().filter(|o| o.is_finite()) {
        grid.insert(*obstacle);
    }
    let mut placed = Vec::new();
    for i in order {
        let candidate = &candidates[i];
        for side in LabelSide::ALL {
            let rect = side.rect(&candidate.anchor, candidate.size, LABEL_GAP);
            if viewport.contains_rect(&rect) && !grid.hits(&rect) {
                grid.insert(rect);
                placed.push(PlacedLabel { candidate: i, rect, side });
                break;
            }
        }
    }
    placed
}

impl LabelRect {
    fn intersects_or_touches(&self, other: &LabelRect) -> bool {
        self.min[0] <= other.max[0]
            && other.min[0] <= self.max[0]
            && self.min[1] <= other.max[1]
            && other.min[1] <= self.max[1]
    }
}

/// The median label size of the candidates to place (grid cells are a few labels wide).
fn typical_size(candidates: &[LabelCandidate], order: &[usize]) -> [f32; 2] {
    let mut widths: Vec<f32> = order.iter().map(|&i| candidates[i].size[0]).collect();
    let mut heights: Vec<f32> = order.iter().map(|&i| candidates[i].size[1]).collect();
    let median = |values: &mut Vec<f32>| {
        values.sort_by(f32::total_cmp);
        values.get(values.len() / 2).copied().unwrap_or(16.0)
    };
    [median(&mut widths), median(&mut heights)]
}

/// Placed rectangles bucketed by the grid cells they cover.
struct RectGrid {
    origin: [f32; 2],
    /// Cells per screen unit, across and down.
    inverse: [f32; 2],
    columns: usize,
    rows: usize,
    /// The placed rectangles meeting each cell (copies: a test reads one cell's memory).
    cells: Vec<Vec<LabelRect>>,
}

/// Grid cells at most (bounds the memory of a huge viewport with tiny labels).
const MAX_CELLS: usize = 1 << 16;

impl RectGrid {
    fn new(viewport: LabelRect, typical: [f32; 2]) -> Self {
        // Cells about one label large: a test looks at a few cells of one or two labels each.
        let mut cell = [typical[0].max(1.0), typical[1].max(1.0)];
        let (mut columns, mut rows);
        loop {
            columns = ((viewport.width() / cell[0]).ceil() as usize).max(1);
            rows = ((viewport.height() / cell[1]).ceil() as usize).max(1);
            if columns.saturating_mul(rows) <= MAX_CELLS {
                break;
            }
            cell = [cell[0] * 2.0, cell[1] * 2.0];
        }
        RectGrid {
            origin: viewport.min,
            inverse: [1.0 / cell[0], 1.0 / cell[1]],
            columns,
            rows,
            cells: vec![Vec::new(); columns * rows],
        }
    }

    /// The cell ranges (columns, rows) a rectangle covers, clamped to the grid.
    fn span(&self, rect: &LabelRect) -> (std::ops::RangeInclusive<usize>, std::ops::RangeInclusive<usize>) {
        // `as` saturates (and maps NaN to 0): negative offsets land in the first cell.
        let index = |value: f32, axis: usize, count: usize| -> usize {
            (((value - self.origin[axis]) * self.inverse[axis]).max(0.0) as usize).min(count - 1)
        };
        let c0 = index(rect.min[0], 0, self.columns);
        let c1 = index(rect.max[0], 0, self.columns);
        let r0 = index(rect.min[1], 1, self.rows);
        let r1 = index(rect.max[1], 1, self.rows);
        (c0..=c1, r0..=r1)
    }

    fn hits(&self, rect: &LabelRect) -> bool {
        let (columns, rows) = self.span(rect);
        for r in rows {
            let row = r * self.columns;
            for c in columns.clone() {
                if self.cells[row + c].iter().any(|placed| placed.intersects(rect)) {
                    return true;
                }
            }
        }
        false
    }

    fn insert(&mut self, rect: LabelRect) {
        let (columns, rows) = self.span(&rect);
        for r in rows {
            for c in columns.clone() {
                self.cells[r * self.columns + c].push(rect);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::rng::SplitMix64;

    fn candidate(x: f32, y: f32, w: f32, tier: LabelTier, weight: f64) -> LabelCandidate {
        LabelCandidate {
            anchor: LabelRect { min: [x - 4.0, y - 4.0], max: [x + 4.0, y + 4.0] },
            size: [w, 14.0],
            tier,
            weight,
        }
    }

    fn random_candidates(seed: u64, n: usize, viewport: LabelRect) -> Vec<LabelCandidate> {
        let mut rng = SplitMix64::new(seed);
        (0..n)
            .map(|i| {
                let x = viewport.min[0] + rng.next_f64() as f32 * viewport.width();
                let y = viewport.min[1] + rng.next_f64() as f32 * viewport.height();
                let tier =
                    [LabelTier::Selected, LabelTier::SearchHit, LabelTier::Hovered, LabelTier::Other][i % 97 % 4];
                candidate(x, y, 20.0 + (i % 13) as f32 * 9.0, tier, (i * 7919 % 1000) as f64)
            })
            .collect()
    }

    #[test]
    fn no_two_placed_labels_intersect_among_ten_thousand_candidates() {
        let viewport = LabelRect { min: [0.0, 0.0], max: [1600.0, 1000.0] };
        let candidates = random_candidates(7, 10_000, viewport);
        let placed = place(&candidates, viewport);
        assert!(placed.len() > 300, "a crowded map still shows many labels: {}", placed.len());
        assert!(placed.len() < candidates.len(), "not every label fits");
        // Brute force over every pair, independent of the grid.
        for (i, a) in placed.iter().enumerate() {
            assert!(viewport.contains_rect(&a.rect), "label {} leaves the viewport", a.candidate);
            for b in &placed[i + 1..] {
                assert!(!a.rect.intersects(&b.rect), "labels {} and {} overlap", a.candidate, b.candidate);
            }
        }
        let mut seen: Vec<usize> = placed.iter().map(|p| p.candidate).collect();
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen.len(), placed.len(), "each candidate placed at most once");
    }

    #[test]
    fn the_selected_label_wins_over_a_heavier_neighbour() {
        let viewport = LabelRect { min: [0.0, 0.0], max: [400.0, 300.0] };
        // Two nodes on top of each other: only one label fits any side.
        let busy = candidate(200.0, 150.0, 300.0, LabelTier::Other, 1e12);
        let selected = candidate(200.0, 150.0, 300.0, LabelTier::Selected, 1.0);
        let placed = place(&[busy, selected], viewport);
        assert_eq!(placed.iter().map(|p| p.candidate).collect::<Vec<_>>(), [1, 0]);
        assert_eq!(placed[0].side, LabelSide::Below);
        assert_ne!(placed[1].side, LabelSide::Below, "the other label moves to a free side");
        assert!(!placed[0].rect.intersects(&placed[1].rect));
        let crowded: Vec<LabelCandidate> =
            (0..20).map(|i| candidate(200.0, 150.0, 390.0, LabelTier::Other, i as f64)).collect();
        let shown = place(&crowded, viewport);
        assert_eq!(shown.first().map(|p| p.candidate), Some(19), "the heaviest goes first");
        assert!(shown.len() < 20, "the rest wait for a closer zoom");
    }

    #[test]
    fn odd_input_is_skipped_not_fatal() {
        let viewport = LabelRect { min: [0.0, 0.0], max: [100.0, 100.0] };
        let nan = LabelCandidate {
            anchor: LabelRect { min: [f32::NAN, 0.0], max: [1.0, 1.0] },
            ..candidate(50.0, 50.0, 10.0, LabelTier::Other, 0.0)
        };
        let off = candidate(5000.0, 50.0, 10.0, LabelTier::Other, 0.0);
        let huge = candidate(50.0, 50.0, 1e9, LabelTier::Other, 0.0);
        let empty = LabelCandidate { size: [0.0, 0.0], ..candidate(50.0, 50.0, 10.0, LabelTier::Other, 0.0) };
        assert!(place(&[nan, off, huge, empty], viewport).is_empty());
        assert!(place(&[candidate(50.0, 50.0, 10.0, LabelTier::Other, 0.0)], LabelRect::default()).is_empty());
        let obstacle = LabelRect { min: [0.0, 0.0], max: [100.0, 100.0] };
        assert!(
            place_with_obstacles(&[candidate(50.0, 50.0, 10.0, LabelTier::Other, 0.0)], &[obstacle], viewport)
                .is_empty()
        );
    }
}
