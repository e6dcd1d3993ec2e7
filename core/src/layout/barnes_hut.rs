//! Barnes–Hut quadtree for the FA2 repulsion: O(n log n) per iteration.
//!
//! The tree lives in flat `Vec`s that are cleared, not freed, between
//! iterations: `cells` (four children of a cell are consecutive, so a cell
//! stores only the index of its first child) and `order`, a permutation of the
//! bodies in which every cell owns one contiguous range. The tree is built top
//! down by partitioning `order` in place, leaves hold up to
//! [`LEAF_CAPACITY`] bodies, and masses are summed bottom up (children always
//! come after their parent in `cells`). Forces are walked with an explicit
//! stack, bodies in tree order so neighbouring walks touch the same cells.

use super::graph::LevelGraph;

/// Bodies in a leaf before it is split; leaves are summed pairwise.
const LEAF_CAPACITY: usize = 8;
/// Depth at which cells stop splitting (bodies on the same spot).
const MAX_DEPTH: u32 = 40;

#[derive(Clone, Copy, Debug)]
struct Cell {
    center: [f64; 2],
    half_width: f64,
    mass: f64,
    /// Mass-weighted sum of positions; the centre of mass once divided.
    center_of_mass: [f64; 2],
    /// Index of the first of four children, 0 for a leaf (the root is 0 and
    /// never a child).
    first_child: u32,
    start: u32,
    end: u32,
}

/// Reusable quadtree; see the module doc.
#[derive(Debug, Default)]
pub(crate) struct QuadTree {
    cells: Vec<Cell>,
    order: Vec<u32>,
    scratch: Vec<u32>,
    build_stack: Vec<(u32, u32)>,
    walk_stack: Vec<u32>,
}

/// What one repulsion pass needs besides the tree.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Repulsion {
    /// FA2 scaling ratio `kr`.
    pub scaling: f64,
    /// Opening criterion: a cell of width `w` at distance `d` is used as one
    /// body when `w / d < theta`.
    pub theta: f64,
    /// FA2 `adjustSizes`: distances are measured between disc borders and
    /// overlapping discs repel strongly.
    pub adjust_sizes: bool,
}

impl QuadTree {
    /// Rebuilds the tree over `positions`, reusing the allocations.
    pub(crate) fn build(&mut self, positions: &[[f64; 2]], mass: &[f64]) {
        let n = positions.len();
        self.cells.clear();
        self.order.clear();
        self.order.extend(0..n as u32);
        self.scratch.resize(n, 0);
        if n == 0 {
            return;
        }
        let mut min = [f64::INFINITY; 2];
        let mut max = [f64::NEG_INFINITY; 2];
        for p in positions {
            for axis in 0..2 {
                min[axis] = min[axis].min(p[axis]);
                max[axis] = max[axis].max(p[axis]);
            }
        }
        let half_width = ((max[0] - min[0]).max(max[1] - min[1]) * 0.5).max(1e-9) * 1.000_001;
        self.cells.push(Cell {
            center: [(min[0] + max[0]) * 0.5, (min[1] + max[1]) * 0.5],
            half_width,
            mass: 0.0,
            center_of_mass: [0.0; 2],
            first_child: 0,
            start: 0,
            end: n as u32,
        });
        self.build_stack.clear();
        self.build_stack.push((0, 0));
        while let Some((cell_index, depth)) = self.build_stack.pop() {
            let cell = self.cells[cell_index as usize];
            let (start, end) = (cell.start as usize, cell.end as usize);
            if end - start <= LEAF_CAPACITY || depth >= MAX_DEPTH {
                continue;
            }
            let quadrant =
                |p: [f64; 2]| usize::from(p[0] >= cell.center[0]) | (usize::from(p[1] >= cell.center[1]) << 1);
            let mut counts = [0usize; 4];
            for &body in &self.order[start..end] {
                counts[quadrant(positions[body as usize])] += 1;
            }
            let mut offsets = [start; 4];
            for q in 1..4 {
                offsets[q] = offsets[q - 1] + counts[q - 1];
            }
            let bounds = offsets;
            for &body in &self.order[start..end] {
                let q = quadrant(positions[body as usize]);
                self.scratch[offsets[q]] = body;
                offsets[q] += 1;
            }
            self.order[start..end].copy_from_slice(&self.scratch[start..end]);
            let first_child = self.cells.len() as u32;
            let quarter = cell.half_width * 0.5;
            for q in 0..4 {
                let sign_x = if q & 1 == 1 { 1.0 } else { -1.0 };
                let sign_y = if q & 2 == 2 { 1.0 } else { -1.0 };
                self.cells.push(Cell {
                    center: [cell.center[0] + sign_x * quarter, cell.center[1] + sign_y * quarter],
                    half_width: quarter,
                    mass: 0.0,
                    center_of_mass: [0.0; 2],
                    first_child: 0,
                    start: bounds[q] as u32,
                    end: (bounds[q] + counts[q]) as u32,
                });
                self.build_stack.push((first_child + q as u32, depth + 1));
            }
            self.cells[cell_index as usize].first_child = first_child;
        }
        for index in (0..self.cells.len()).rev() {
            let cell = self.cells[index];
            let (mut total, mut sum) = (0.0, [0.0; 2]);
            if cell.first_child == 0 {
                for &body in &self.order[cell.start as usize..cell.end as usize] {
                    let m = mass[body as usize];
                    total += m;
                    sum[0] += m * positions[body as usize][0];
                    sum[1] += m * positions[body as usize][1];
                }
            } else {
                for child in &self.cells[cell.first_child as usize..cell.first_child as usize + 4] {
                    total += child.mass;
                    sum[0] += child.center_of_mass[0] * child.mass;
                    sum[1] += child.center_of_mass[1] * child.mass;
                }
            }
            let cell = &mut self.cells[index];
            cell.mass = total;
            if total > 0.0 {
                cell.center_of_mass = [sum[0] / total, sum[1] / total];
            }
        }
    }

    /// Adds the FA2 repulsion of every body on every other body to `force`
    /// (built tree required): `kr * m_i * m_j / d` along the line between them.
    pub(crate) fn add_repulsion(
        &mut self,
        graph: &LevelGraph,
        positions: &[[f64; 2]],
        settings: Repulsion,
        force: &mut [[f64; 2]],
    ) {
        let theta_squared = settings.theta * settings.theta;
        for order_index in 0..self.order.len() {
            let i = self.order[order_index] as usize;
            let [x, y] = positions[i];
            let scaled_mass = settings.scaling * graph.mass[i];
            let radius = graph.radius[i];
            let (mut fx, mut fy) = (0.0, 0.0);
            self.walk_stack.clear();
            self.walk_stack.push(0);
            while let Some(cell_index) = self.walk_stack.pop() {
                let cell = &self.cells[cell_index as usize];
                if cell.mass <= 0.0 {
                    continue;
                }
                if cell.first_child == 0 {
                    for &j in &self.order[cell.start as usize..cell.end as usize] {
                        let j = j as usize;
                        if j == i {
                            continue;
                        }
                        let dx = x - positions[j][0];
                        let dy = y - positions[j][1];
                        let distance_squared = dx * dx + dy * dy;
                        if distance_squared <= 0.0 {
                            continue;
                        }
                        let factor = if settings.adjust_sizes {
                            let gap = distance_squared.sqrt() - radius - graph.radius[j];
                            if gap > 0.0 {
                                scaled_mass * graph.mass[j] / (gap * gap)
                            } else {
                                100.0 * scaled_mass * graph.mass[j]
                            }
                        } else {
                            scaled_mass * graph.mass[j] / distance_squared
                        };
                        fx += dx * factor;
                        fy += dy * factor;
                    }
                    continue;
                }
                let dx = x - cell.center_of_mass[0];
                let dy = y - cell.center_of_mass[1];
                let distance_squared = dx * dx + dy * dy;
                let width = 2.0 * cell.half_width;
                let contains_body =
                    (x - cell.center[0]).abs() <= cell.half_width && (y - cell.center[1]).abs() <= cell.half_width;
                if !contains_body && width * width < theta_squared * distance_squared {
                    let factor = scaled_mass * cell.mass / distance_squared;
                    fx += dx * factor;
                    fy += dy * factor;
                } else {
                    let first = cell.first_child;
                    self.walk_stack.extend([first, first + 1, first + 2, first + 3]);
                }
            }
            force[i][0] += fx;
            force[i][1] += fy;
        }
    }

    /// Number of cells of the last build (for tests).
    #[cfg(test)]
    pub(crate) fn cell_count(&self) -> usize {
        self.cells.len()
    }
}

#[cfg(test)]
mod tests {
    use super::super::graph::WeightedEdge;
    use super::super::rng::SplitMix64;
    use super::*;

    fn exact_repulsion(graph: &LevelGraph, positions: &[[f64; 2]], scaling: f64) -> Vec<[f64; 2]> {
        let mut force = vec![[0.0; 2]; positions.len()];
        for i in 0..positions.len() {
            for j in 0..positions.len() {
                if i == j {
                    continue;
                }
                let dx = positions[i][0] - positions[j][0];
                let dy = positions[i][1] - positions[j][1];
                let factor = scaling * graph.mass[i] * graph.mass[j] / (dx * dx + dy * dy);
                force[i][0] += dx * factor;
                force[i][1] += dy * factor;
            }
        }
        force
    }

    #[test]
    fn tree_force_is_close_to_exact_sum_and_exact_with_theta_zero() {
        let mut rng = SplitMix64::new(3);
        let n = 600;
        let edges: Vec<WeightedEdge> =
            (1..n as u32).map(|i| WeightedEdge { a: i, b: (i * 7) % i.max(1), weight: 1.0 }).collect();
        let graph = LevelGraph::from_edges(n, edges);
        let positions: Vec<[f64; 2]> = (0..n).map(|_| rng.in_disc(50.0)).collect();
        let exact = exact_repulsion(&graph, &positions, 2.0);
        let mut tree = QuadTree::default();
        tree.build(&positions, &graph.mass);
        assert!(tree.cell_count() > 1, "600 bodies must split the root");
        for (theta, tolerance) in [(0.0, 1e-9), (0.5, 0.05)] {
            let mut force = vec![[0.0; 2]; n];
            let settings = Repulsion { scaling: 2.0, theta, adjust_sizes: false };
            tree.add_repulsion(&graph, &positions, settings, &mut force);
            let mut error = 0.0;
            let mut total = 0.0;
            for i in 0..n {
                error += (force[i][0] - exact[i][0]).hypot(force[i][1] - exact[i][1]);
                total += exact[i][0].hypot(exact[i][1]);
            }
            assert!(error / total < tolerance, "theta {theta}: relative error {}", error / total);
        }
    }
}
