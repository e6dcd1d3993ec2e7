//! Disc overlap: a uniform grid to find close pairs, the final overlap
//! removal pass, and the overlap count used by the quality figures.
//!
//! Removal pushes every pair of discs closer than `r_i + r_j + gap` apart
//! along the line between their centres, in index order (Gauss–Seidel, so it
//! is deterministic), sharing the push by mobility: a pinned node never
//! moves, a node kept from a warm start moves little. Rounds repeat until no
//! pair is too close; if rounds run out, movable nodes spread from the
//! centroid by 10% and rounds start again, which always ends.

use super::rng::pair_direction;

/// Rounds of pushes before the layout is spread.
const MAX_ROUNDS: u32 = 400;
/// Spreads before giving up (only reachable with overlapping pinned nodes).
const MAX_SPREADS: u32 = 40;

/// Uniform grid over disc centres, rebuilt on demand; cells at least as wide
/// as the largest interaction distance so close pairs are in adjacent cells.
#[derive(Debug, Default)]
pub(crate) struct Grid {
    origin: [f64; 2],
    cell_size: f64,
    columns: usize,
    rows: usize,
    cell_of: Vec<usize>,
    cell_start: Vec<u32>,
    items: Vec<u32>,
}

impl Grid {
    pub(crate) fn build(&mut self, positions: &[[f64; 2]], reach: f64) {
        let n = positions.len();
        let mut min = [f64::INFINITY; 2];
        let mut max = [f64::NEG_INFINITY; 2];
        for p in positions.iter().filter(|p| p[0].is_finite() && p[1].is_finite()) {
            for axis in 0..2 {
                min[axis] = min[axis].min(p[axis]);
                max[axis] = max[axis].max(p[axis]);
            }
        }
        if min[0] > max[0] {
            min = [0.0; 2];
            max = [0.0; 2];
        }
        let extent = [max[0] - min[0], max[1] - min[1]];
        let mut cell_size = reach.max(1e-9);
        let budget = 4 * n as u64 + 64;
        loop {
            let columns = (extent[0] / cell_size) as u64 + 1;
            let rows = (extent[1] / cell_size) as u64 + 1;
            if columns.saturating_mul(rows) <= budget {
                self.columns = columns as usize;
                self.rows = rows as usize;
                break;
            }
            cell_size *= 1.5;
        }
        self.origin = min;
        self.cell_size = cell_size;
        let cells = self.columns * self.rows;
        let mut cell_of = std::mem::take(&mut self.cell_of);
        cell_of.clear();
        cell_of.extend(positions.iter().map(|p| self.cell_index(*p)));
        self.cell_of = cell_of;
        self.cell_start.clear();
        self.cell_start.resize(cells + 1, 0);
        for &cell in &self.cell_of {
            self.cell_start[cell + 1] += 1;
        }
        for c in 1..=cells {
            self.cell_start[c] += self.cell_start[c - 1];
        }
        let mut fill: Vec<u32> = self.cell_start[..cells].to_vec();
        self.items.clear();
        self.items.resize(n, 0);
        for (i, &cell) in self.cell_of.iter().enumerate() {
            self.items[fill[cell] as usize] = i as u32;
            fill[cell] += 1;
        }
    }

    fn cell_index(&self, p: [f64; 2]) -> usize {
        let column = ((p[0] - self.origin[0]) / self.cell_size).max(0.0) as usize;
        let row = ((p[1] - self.origin[1]) / self.cell_size).max(0.0) as usize;
        row.min(self.rows - 1) * self.columns + column.min(self.columns - 1)
    }

    /// Nodes `j > i` in the cells around node `i`'s cell (as of the build).
    fn candidates(&self, i: usize, mut visit: impl FnMut(usize)) {
        let cell = self.cell_of[i];
        let (row, column) = (cell / self.columns, cell % self.columns);
        for r in row.saturating_sub(1)..=(row + 1).min(self.rows - 1) {
            for c in column.saturating_sub(1)..=(column + 1).min(self.columns - 1) {
                let index = r * self.columns + c;
                let range = self.cell_start[index] as usize..self.cell_start[index + 1] as usize;
                for &j in &self.items[range] {
                    if j as usize > i {
                        visit(j as usize);
                    }
                }
            }
        }
    }
}

fn largest_radius(radius: &[f64]) -> f64 {
    radius.iter().copied().fold(0.0, f64::max)
}

/// Number of pairs of discs that intersect (centres closer than the sum of
/// radii, with a relative tolerance of 1e-6 so touching discs do not count).
pub(crate) fn count_overlaps(positions: &[[f64; 2]], radius: &[f64]) -> u64 {
    let mut grid = Grid::default();
    grid.build(positions, 2.0 * largest_radius(radius));
    let mut count = 0;
    for i in 0..positions.len() {
        grid.candidates(i, |j| {
            let limit = (radius[i] + radius[j]) * (1.0 - 1e-6);
            let d = (positions[i][0] - positions[j][0]).hypot(positions[i][1] - positions[j][1]);
            if d < limit {
                count += 1;
            }
        });
    }
    count
}

/// Pushes discs apart until every pair is at least `gap` apart (see the
/// module doc); returns the pairs still overlapping (only possible when
/// pinned discs overlap each other).
pub(crate) fn remove_overlaps(positions: &mut [[f64; 2]], radius: &[f64], mobility: &[f64], gap: f64) -> u64 {
    let n = positions.len();
    let reach = 2.0 * largest_radius(radius) + gap;
    let mut grid = Grid::default();
    for _ in 0..MAX_SPREADS {
        for _ in 0..MAX_ROUNDS {
            grid.build(positions, reach);
            let mut pushed = 0u64;
            for i in 0..n {
                grid.candidates(i, |j| {
                    let wanted = radius[i] + radius[j] + gap;
                    let dx = positions[i][0] - positions[j][0];
                    let dy = positions[i][1] - positions[j][1];
                    let d = dx.hypot(dy);
                    let need = wanted - d;
                    if need <= 1e-9 * wanted {
                        return;
                    }
                    let total = mobility[i] + mobility[j];
                    if total <= 0.0 {
                        return;
                    }
                    pushed += 1;
                    let direction =
                        if d > 1e-12 * wanted { [dx / d, dy / d] } else { pair_direction(i as u32, j as u32) };
                    let push = need * (1.0 + 1e-6);
                    let share_i = push * mobility[i] / total;
                    let share_j = push * mobility[j] / total;
                    positions[i][0] += direction[0] * share_i;
                    positions[i][1] += direction[1] * share_i;
                    positions[j][0] -= direction[0] * share_j;
                    positions[j][1] -= direction[1] * share_j;
                });
            }
            if pushed == 0 {
                return count_overlaps(positions, radius);
            }
        }
        spread(positions, mobility, 1.1);
    }
    count_overlaps(positions, radius)
}

fn spread(positions: &mut [[f64; 2]], mobility: &[f64], factor: f64) {
    let n = positions.len().max(1) as f64;
    let cx = positions.iter().map(|p| p[0]).sum::<f64>() / n;
    let cy = positions.iter().map(|p| p[1]).sum::<f64>() / n;
    for (p, &m) in positions.iter_mut().zip(mobility) {
        if m > 0.0 {
            p[0] = cx + (p[0] - cx) * factor;
            p[1] = cy + (p[1] - cy) * factor;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::rng::SplitMix64;
    use super::*;

    #[test]
    fn crowded_discs_end_apart_and_pinned_ones_stay() {
        let mut rng = SplitMix64::new(11);
        let n = 500;
        let mut positions: Vec<[f64; 2]> = (0..n).map(|_| rng.in_disc(10.0)).collect();
        positions[1] = positions[0];
        let radius: Vec<f64> = (0..n).map(|i| if i % 10 == 0 { 3.0 } else { 1.0 }).collect();
        let mut mobility = vec![1.0; n];
        mobility[5] = 0.0;
        let pinned_at = positions[5];
        assert!(count_overlaps(&positions, &radius) > 100);
        let left = remove_overlaps(&mut positions, &radius, &mobility, 0.1);
        assert_eq!(left, 0);
        assert_eq!(count_overlaps(&positions, &radius), 0);
        assert_eq!(positions[5], pinned_at);
    }
}
