//! Force-directed layout of the dependency map.
//!
//! # Model
//! ForceAtlas2 (Jacomy et al. 2014) as in Gephi's reference code: repulsion
//! `kr (deg_i+1)(deg_j+1) / d` through a Barnes–Hut quadtree
//! (`barnes_hut.rs`, O(n log n) per iteration, flat reusable buffers), linear
//! attraction `w d` with `w = ln(1 + bytes)` on a scale where 1 MiB weighs 1
//! ([`edge_weight`]), gravity `g (deg+1)` towards the origin, and FA2's
//! adaptive speed (global speed from swing versus traction, per-node speed
//! `s / (1 + sqrt(s swing_i))`), see `forces.rs`.
//!
//! # Processes next to their machine: two levels, not a membership force
//! Only top-level nodes (no `parent`) take part in the simulation; each
//! child is put on a ring around its parent's disc and the parent's radius
//! for anti-collision and overlap removal grows to enclose its rings
//! (`hierarchy.rs`). Edges of children count as edges of their parent. We
//! chose this over a strong membership force because (a) the simulated graph
//! is 2-3 times smaller on estates where processes outnumber machines, (b) a
//! stiff spring needs small steps and fights FA2's adaptive speed (processes
//! would jitter around their machine), and (c) a ring gives a guarantee,
//! not a tendency: a child never drifts away or overlaps its parent or its
//! siblings. Children face the nodes they talk to (ring order by the mean
//! direction of their edges).
//!
//! # Phases and when the layout stops
//! 1. *Forces*: FA2 without sizes on the coarsest level, then on each finer
//!    level after prolongation (`multilevel.rs`). Multilevel runs when the top
//!    level has more than [`LayoutParams::multilevel_threshold`] nodes.
//! 2. *Sizes*: FA2 `adjustSizes` (anti-collision with the enclosing radii).
//! 3. *Overlap removal*: an exact pass that leaves every pair of top-level
//!    discs at least [`LayoutParams::node_gap`] apart (`overlap.rs`); children
//!    are then placed on their rings, which cannot overlap anything.
//!
//! A phase has converged when, for [`LayoutParams::quiet_iterations`]
//! iterations in a row, the mass-weighted mean displacement is below
//! [`LayoutParams::tolerance`] and the largest below 50 times that (internal
//! units: the median node radius is 1). FA2 alone never settles (near
//! equilibrium its global speed grows and Barnes–Hut noise keeps nodes
//! jittering), so after [`LayoutParams::cooling_start`] iterations of the
//! main phase steps shrink by 3% per iteration (refinement levels and the
//! sizes phase: after a fifteenth of that, by 10%), which makes every phase meet
//! the criterion; [`LayoutParams::max_iterations`] caps the whole run, and a
//! run in which some phase hit its cap reports `converged: false`.
//!
//! # Warm start and pins
//! Nodes whose key is in the warm map start there; new nodes start near the
//! mean of their placed neighbours (rounds outwards), children keep their
//! old offset while their parent's children are unchanged (else their old
//! angle orders the ring). A warm run skips the first phase and starts at a
//! low global speed. Kept nodes hold still in the force phase, except the
//! neighbours of new nodes, which take [`LayoutParams::warm_mobility`] of
//! their step; in overlap removal every kept node takes at most that share
//! of a push. So old nodes barely move while new nodes settle. The global
//! speed follows only fully mobile nodes (a node that may not move keeps a
//! steady force, which FA2 would read as a reason to speed up). Pinned nodes
//! never move and are reported exactly where pinned.
//!
//! # Determinism
//! Same input, parameters, warm and pinned maps give the same positions bit
//! for bit: one seeded SplitMix64 stream (`rng.rs`), hash maps only looked up
//! (never iterated) while setting up, fixed iteration orders, one thread.
//!
//! # Around it
//! [`worker`] runs a layout on a named background thread for the UI,
//! [`quality()`] scores positions (also a peer's, in the benchmark) and
//! [`synthetic`] makes seeded estate-like graphs for tests and benchmarks.

mod barnes_hut;
mod forces;
mod graph;
mod hierarchy;
mod isolated;
mod multilevel;
mod overlap;
mod quality;
pub(crate) mod rng;
pub mod synthetic;
pub mod worker;

#[cfg(test)]
mod tests;

use std::collections::HashMap;

pub use quality::{Quality, quality};
pub use worker::{LayoutCommand, LayoutSnapshot, LayoutWorker};

use barnes_hut::QuadTree;
use forces::{Fa2State, ForceSettings};
use graph::LevelGraph;
use hierarchy::Hierarchy;
use multilevel::Coarsening;
use rng::SplitMix64;

/// Node key -> position (world units), for warm starts and pins.
pub type PositionMap = HashMap<u64, [f32; 2]>;

/// What to lay out.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LayoutInput {
    pub nodes: Vec<LayoutNode>,
    pub edges: Vec<LayoutEdge>,
}

/// One node: a stable key (for warm starts and pins), its disc radius in
/// world units, and the index of its parent node (a process's machine).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LayoutNode {
    pub key: u64,
    pub radius: f32,
    pub parent: Option<u32>,
}

/// One edge between node indices, weighted by the bytes it carried.
/// Out-of-range ends and self loops are ignored.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LayoutEdge {
    pub source: u32,
    pub target: u32,
    pub bytes: f64,
}

/// Tuning of the layout. Lengths are relative to the median node radius.
#[derive(Clone, Debug, PartialEq)]
pub struct LayoutParams {
    /// Seed of every random choice.
    pub seed: u64,
    /// Iterations of one run (all phases and levels) at most.
    pub max_iterations: u32,
    /// FA2 `scalingRatio`: strength of repulsion against attraction.
    pub scaling_ratio: f64,
    /// FA2 gravity towards the origin.
    pub gravity: f64,
    /// Barnes–Hut opening threshold (cell width / distance).
    pub theta: f64,
    /// FA2 jitter tolerance (higher: faster, less precise).
    pub jitter_tolerance: f64,
    /// FA2 `outboundAttractionDistribution`: hubs attract less, go to borders.
    pub dissuade_hubs: bool,
    /// Convergence: mean displacement per iteration below this (radii).
    pub tolerance: f64,
    /// Convergence: iterations in a row the displacement must stay low.
    pub quiet_iterations: u32,
    /// Iterations of the main phase before steps start shrinking (refinement
    /// levels and the sizes phase use a fifteenth of it).
    pub cooling_start: u32,
    /// Free space between any two node discs, in median radii.
    pub node_gap: f32,
    /// Top-level node count above which the multilevel scheme is used.
    pub multilevel_threshold: usize,
    /// Coarsening stops at this many nodes.
    pub coarsest_size: usize,
    /// Warm start: fraction of its step a kept node next to a new node takes
    /// (other kept nodes hold still), and the largest share of an overlap
    /// push a kept node takes.
    pub warm_mobility: f64,
}

impl Default for LayoutParams {
    fn default() -> Self {
        Self {
            seed: 0x5EED_1A70,
            max_iterations: 3000,
            scaling_ratio: 2.0,
            gravity: 1.0,
            theta: 1.2,
            jitter_tolerance: 1.0,
            dissuade_hubs: false,
            tolerance: 0.01,
            quiet_iterations: 10,
            cooling_start: 300,
            node_gap: 0.3,
            multilevel_threshold: 2000,
            coarsest_size: 1000,
            warm_mobility: 0.05,
        }
    }
}

/// Outcome of [`Layout::run_to_convergence`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RunStats {
    /// Iterations of this run (since `new` or the last `reheat`).
    pub iterations: u32,
    /// Every phase met the convergence criterion before its cap.
    pub converged: bool,
    /// Graph levels simulated (1 without multilevel).
    pub levels: usize,
    /// Nodes in the simulated top level (children excluded).
    pub top_level_nodes: usize,
    /// Disc pairs still overlapping after overlap removal (0 unless pinned
    /// nodes overlap each other).
    pub overlapping_pairs: u64,
}

/// Edge weight of FA2's attraction for an edge that carried `bytes`:
/// `ln(1 + bytes) / ln(1 + 1 MiB)`, at least 0.05 so idle links still hold.
pub fn edge_weight(bytes: f64) -> f64 {
    const REFERENCE: f64 = 13.862_944_642_282_59; // ln(1 + 2^20)
    (bytes.max(0.0).ln_1p() / REFERENCE).max(0.05)
}

/// Initial global speed of a cold run, a refinement level and a warm run.
const COLD_SPEED: f64 = 1.0;
const REFINE_SPEED: f64 = 0.2;
const WARM_SPEED: f64 = 0.05;
/// Iterations at most of one refinement level and of the sizes phase.
const REFINE_ITERATIONS: u32 = 200;
const SIZES_ITERATIONS: u32 = 200;
/// The largest displacement may be this many times the tolerance.
const MAX_DISPLACEMENT_RATIO: f64 = 50.0;
/// Children are re-arranged every this many main-phase iterations.
const ARRANGE_EVERY: u32 = 25;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    Forces,
    Sizes,
    Done,
}

/// One simulated graph: the top level (index 0) or a coarsening of it.
#[derive(Debug)]
struct Level {
    graph: LevelGraph,
    positions: Vec<[f64; 2]>,
    /// Top-level index -> node of this level (empty on level 0).
    from_top: Vec<u32>,
    /// How this level was made from the next finer one (`None` on level 0).
    coarsening: Option<Coarsening>,
}

/// The one way a map is laid out at once, by the app (small maps) and `vmi-map render` alike:
/// default parameters (one seed), warm-started from `warm`, `pinned` held in place. The same
/// view gives the same picture in both.
pub fn settle(input: LayoutInput, warm: &PositionMap, pinned: &PositionMap) -> Vec<[f32; 2]> {
    if let Some(mut split) = isolated::split(&input) {
        let connected = settle(std::mem::take(&mut split.connected), warm, pinned);
        return split.assemble(&input, &connected, warm, pinned);
    }
    let mut layout = Layout::new(input, LayoutParams::default(), warm, pinned);
    layout.run_to_convergence();
    layout.positions().to_vec()
}

/// A layout in progress; see the module doc. Drive it with [`Layout::step`]
/// (one iteration) or [`Layout::run_to_convergence`].
#[derive(Debug)]
pub struct Layout {
    params: LayoutParams,
    settings: ForceSettings,
    /// World units per internal unit (the median radius).
    unit: f64,
    /// Per input node: key, and radius in internal units.
    keys: Vec<u64>,
    radius: Vec<f64>,
    hierarchy: Hierarchy,
    levels: Vec<Level>,
    current: usize,
    phase: Phase,
    state: Fa2State,
    tree: QuadTree,
    rng: SplitMix64,
    /// Per input node: where it is pinned, as given and in internal units.
    pinned_world: Vec<Option<[f32; 2]>>,
    pinned_internal: Vec<Option<[f64; 2]>>,
    pinned_flag: Vec<bool>,
    output: Vec<[f32; 2]>,
    iterations: u32,
    run_start: u32,
    phase_iterations: u32,
    quiet: u32,
    converged: bool,
    warm: bool,
    overlapping_pairs: u64,
}

impl Layout {
    /// Prepares a layout of `input`. Nodes whose key is in `warm` start at
    /// that position (a warm start when any top-level node does); nodes whose
    /// key is in `pinned` are fixed there.
    pub fn new(input: LayoutInput, params: LayoutParams, warm: &PositionMap, pinned: &PositionMap) -> Self {
        let n = input.nodes.len();
        let unit = median_radius(&input);
        let radius: Vec<f64> = input.nodes.iter().map(|node| f64::from(node.radius.max(0.0)) / unit).collect();
        let mut hierarchy = Hierarchy::new(&input, &radius, f64::from(params.node_gap.max(0.0)));
        let top_count = hierarchy.top_nodes.len();
        let mut top = LevelGraph::from_edges(top_count, hierarchy.top_edges(&input));
        let mut rng = SplitMix64::new(params.seed);

        let pinned_world: Vec<Option<[f32; 2]>> =
            input.nodes.iter().map(|node| pinned.get(&node.key).copied()).collect();
        let to_internal = |p: [f32; 2]| [f64::from(p[0]) / unit, f64::from(p[1]) / unit];
        let pinned_internal: Vec<Option<[f64; 2]>> = pinned_world.iter().map(|p| p.map(to_internal)).collect();
        let pinned_flag: Vec<bool> = pinned_world.iter().map(Option::is_some).collect();

        let mut positions = vec![[0.0; 2]; top_count];
        let mut placed = vec![false; top_count];
        let mut warm_count = 0usize;
        for (t, &node) in hierarchy.top_nodes.iter().enumerate() {
            let node = node as usize;
            if let Some(p) = pinned_internal[node] {
                positions[t] = p;
                placed[t] = true;
                top.pinned[t] = true;
                top.mobility[t] = 0.0;
            } else if let Some(&p) = warm.get(&input.nodes[node].key) {
                positions[t] = to_internal(p);
                placed[t] = true;
                top.mobility[t] = 0.0;
                warm_count += 1;
            }
        }
        let is_warm = warm_count > 0;
        if is_warm {
            // Children keep their offset from their direct parent (a process from its
            // machine, a machine from its expanded group).
            for node in 0..n {
                let Some(parent) = hierarchy.parent_of(node) else { continue };
                if let (Some(c), Some(p)) = (warm.get(&input.nodes[node].key), warm.get(&input.nodes[parent].key)) {
                    let (dx, dy) = (f64::from(c[0]) - f64::from(p[0]), f64::from(c[1]) - f64::from(p[1]));
                    if dx != 0.0 || dy != 0.0 {
                        hierarchy.warm_angle[node] = Some(dy.atan2(dx));
                        hierarchy.warm_offset[node] = Some([dx / unit, dy / unit]);
                    }
                }
            }
            let kept = placed.clone();
            place_near_neighbours(&top, &mut positions, &mut placed, &radius, &mut rng);
            for t in 0..top_count {
                let next_to_new = top.neighbours(t).iter().any(|&(other, _)| !kept[other as usize]);
                if kept[t] && !top.pinned[t] && next_to_new {
                    top.mobility[t] = params.warm_mobility;
                }
            }
        } else {
            let spread = 2.0 * (top_count as f64).sqrt() + 1.0;
            for t in 0..top_count {
                if !placed[t] {
                    positions[t] = rng.in_disc(spread);
                }
            }
        }

        let mut levels = vec![Level { graph: top, positions, from_top: Vec::new(), coarsening: None }];
        if !is_warm && top_count > params.multilevel_threshold {
            build_coarse_levels(&mut levels, &params, &mut rng);
        }
        let current = levels.len() - 1;
        let initial_speed = if is_warm { WARM_SPEED } else { COLD_SPEED };
        let state = Fa2State::new(levels[current].graph.len(), initial_speed);
        let settings = ForceSettings {
            scaling: params.scaling_ratio,
            gravity: params.gravity,
            theta: params.theta,
            jitter_tolerance: params.jitter_tolerance,
            dissuade_hubs: params.dissuade_hubs,
            max_displacement: 10.0,
        };
        hierarchy.arrange(&levels[0].positions, &radius, &pinned_flag);
        levels[0].graph.radius.clone_from(&hierarchy.enclosing_radius);
        let phase = if top_count == 0 {
            Phase::Done
        } else if is_warm {
            Phase::Sizes
        } else {
            Phase::Forces
        };
        let mut layout = Self {
            params,
            settings,
            unit,
            keys: input.nodes.iter().map(|node| node.key).collect(),
            radius,
            hierarchy,
            levels,
            current,
            phase,
            state,
            tree: QuadTree::default(),
            rng,
            pinned_world,
            pinned_internal,
            pinned_flag,
            output: vec![[0.0; 2]; n],
            iterations: 0,
            run_start: 0,
            phase_iterations: 0,
            quiet: 0,
            converged: true,
            warm: is_warm,
            overlapping_pairs: 0,
        };
        layout.update_output();
        layout
    }

    /// Runs one iteration (or finishes the last phase); returns `true` once
    /// the layout has converged and overlaps are removed.
    pub fn step(&mut self) -> bool {
        if self.phase == Phase::Done {
            return true;
        }
        let adjust_sizes = self.phase == Phase::Sizes;
        let cooling = self.cooling();
        let level = &mut self.levels[self.current];
        let movement = forces::iterate(
            &level.graph,
            &mut level.positions,
            &mut self.state,
            &mut self.tree,
            &self.settings,
            adjust_sizes,
            cooling,
        );
        self.iterations += 1;
        self.phase_iterations += 1;
        if movement.mean < self.params.tolerance && movement.max < MAX_DISPLACEMENT_RATIO * self.params.tolerance {
            self.quiet += 1;
        } else {
            self.quiet = 0;
        }
        let met = self.quiet >= self.params.quiet_iterations.max(1);
        let run_left = self.params.max_iterations.saturating_sub(self.iterations - self.run_start);
        if met || self.phase_iterations >= self.phase_cap() || run_left == 0 {
            self.converged &= met;
            if run_left == 0 {
                self.finish_run();
            } else if adjust_sizes {
                self.finish_sizes();
            } else {
                self.finish_forces();
            }
        } else if self.current == 0 && self.phase_iterations.is_multiple_of(ARRANGE_EVERY) {
            self.arrange_children();
        }
        self.update_output();
        self.phase == Phase::Done
    }

    /// Steps until done (or the iteration cap).
    pub fn run_to_convergence(&mut self) -> RunStats {
        while !self.step() {}
        self.stats()
    }

    /// Figures of the current run.
    pub fn stats(&self) -> RunStats {
        RunStats {
            iterations: self.iterations - self.run_start,
            converged: self.converged && self.phase == Phase::Done,
            levels: self.levels.len(),
            top_level_nodes: self.levels[0].graph.len(),
            overlapping_pairs: self.overlapping_pairs,
        }
    }

    /// `true` once the run has converged and overlaps are removed.
    pub fn is_done(&self) -> bool {
        self.phase == Phase::Done
    }

    /// `true` if this layout started from warm positions.
    pub fn is_warm(&self) -> bool {
        self.warm
    }

    /// Current positions (world units), index-aligned with the input nodes.
    pub fn positions(&self) -> &[[f32; 2]] {
        &self.output
    }

    /// Current positions by node key, e.g. to warm-start the next layout.
    pub fn position_map(&self) -> PositionMap {
        self.keys.iter().copied().zip(self.output.iter().copied()).collect()
    }

    /// Fixes `node` at `pos` (world units) until [`Self::unpin`]. Call
    /// [`Self::reheat`] afterwards to let the rest of a finished layout adapt.
    pub fn pin(&mut self, node: u32, pos: [f32; 2]) {
        let node = node as usize;
        if node >= self.output.len() {
            return;
        }
        let internal = [f64::from(pos[0]) / self.unit, f64::from(pos[1]) / self.unit];
        self.pinned_world[node] = Some(pos);
        self.pinned_internal[node] = Some(internal);
        self.pinned_flag[node] = true;
        if self.hierarchy.is_top(node) {
            let t = self.hierarchy.top_of[node] as usize;
            let level = &mut self.levels[0];
            level.graph.pinned[t] = true;
            level.graph.mobility[t] = 0.0;
            level.positions[t] = internal;
        } else {
            self.arrange_children();
        }
        self.update_output();
    }

    /// Releases a pinned node (it moves freely from where it is).
    pub fn unpin(&mut self, node: u32) {
        let node = node as usize;
        if node >= self.output.len() || self.pinned_world[node].is_none() {
            return;
        }
        self.pinned_world[node] = None;
        self.pinned_internal[node] = None;
        self.pinned_flag[node] = false;
        if self.hierarchy.is_top(node) {
            let t = self.hierarchy.top_of[node] as usize;
            let level = &mut self.levels[0];
            level.graph.pinned[t] = false;
            level.graph.mobility[t] = 1.0;
        } else {
            self.arrange_children();
        }
        self.update_output();
    }

    /// Starts a short new run of a finished layout (after pins or drags):
    /// anti-collision FA2 at low speed, then overlap removal.
    pub fn reheat(&mut self) {
        if self.phase != Phase::Done {
            return;
        }
        self.phase = Phase::Sizes;
        self.run_start = self.iterations;
        self.state = Fa2State::new(self.levels[0].graph.len(), WARM_SPEED);
        self.phase_iterations = 0;
        self.quiet = 0;
        self.converged = true;
    }

    /// Iterations run since [`Self::new`], over all runs.
    pub fn iterations(&self) -> u32 {
        self.iterations
    }

    fn phase_cap(&self) -> u32 {
        let run_left = self.params.max_iterations.saturating_sub(self.iterations - self.run_start);
        match self.phase {
            Phase::Sizes => SIZES_ITERATIONS.min(run_left),
            _ if self.current + 1 < self.levels.len() => REFINE_ITERATIONS.min(run_left),
            _ => {
                let reserved = SIZES_ITERATIONS + REFINE_ITERATIONS * self.current as u32;
                run_left.saturating_sub(reserved).max(1)
            }
        }
    }

    /// Factor on every step: 1, then shrinking geometrically once the phase
    /// has run its cooling start (main phase: slowly; refinement levels and
    /// the sizes phase start from a good layout: sooner and faster).
    fn cooling(&self) -> f64 {
        let (start, rate) = if self.phase == Phase::Forces && self.current + 1 == self.levels.len() {
            (self.params.cooling_start, 0.97f64)
        } else {
            (self.params.cooling_start / 15, 0.9f64)
        };
        if self.phase_iterations <= start { 1.0 } else { rate.powi((self.phase_iterations - start).min(10_000) as i32) }
    }

    fn reset_phase(&mut self, initial_speed: f64) {
        self.state = Fa2State::new(self.levels[self.current].graph.len(), initial_speed);
        self.phase_iterations = 0;
        self.quiet = 0;
    }

    /// The main phase of a level is over: prolong to the finer level, or go
    /// on to the sizes phase.
    fn finish_forces(&mut self) {
        if self.current == 0 {
            self.phase = Phase::Sizes;
            self.arrange_children();
            self.reset_phase(REFINE_SPEED);
            return;
        }
        self.prolong();
        self.reset_phase(REFINE_SPEED);
    }

    fn prolong(&mut self) {
        let (finer, coarser) = self.levels.split_at_mut(self.current);
        let coarse = &coarser[0];
        let fine = &mut finer[self.current - 1];
        if let Some(coarsening) = &coarse.coarsening {
            fine.positions = multilevel::prolong(
                &fine.graph,
                coarsening,
                &coarse.positions,
                self.params.scaling_ratio,
                &mut self.rng,
            );
        }
        self.current -= 1;
        if self.current == 0 {
            for (t, &node) in self.hierarchy.top_nodes.iter().enumerate() {
                if let Some(p) = self.pinned_internal[node as usize] {
                    self.levels[0].positions[t] = p;
                }
            }
            self.arrange_children();
        }
    }

    fn finish_sizes(&mut self) {
        self.arrange_children();
        let level = &mut self.levels[0];
        let warm_mobility = self.params.warm_mobility.max(1e-3);
        let mobility: Vec<f64> = (0..level.graph.len())
            .map(|t| if level.graph.pinned[t] { 0.0 } else { level.graph.mobility[t].max(warm_mobility) })
            .collect();
        self.overlapping_pairs =
            overlap::remove_overlaps(&mut level.positions, &level.graph.radius, &mobility, self.hierarchy.gap);
        self.phase = Phase::Done;
    }

    /// The run's iteration cap is reached: skip to the end.
    fn finish_run(&mut self) {
        while self.current > 0 {
            self.prolong();
        }
        self.finish_sizes();
    }

    fn arrange_children(&mut self) {
        if self.current != 0 {
            return;
        }
        self.hierarchy.arrange(&self.levels[0].positions, &self.radius, &self.pinned_flag);
        self.levels[0].graph.radius.clone_from(&self.hierarchy.enclosing_radius);
    }

    fn update_output(&mut self) {
        let level = &self.levels[self.current];
        for (node, out) in self.output.iter_mut().enumerate() {
            if let Some(p) = self.pinned_world[node] {
                *out = p;
                continue;
            }
            let t = self.hierarchy.top_of[node] as usize;
            let index = if self.current == 0 { t } else { level.from_top[t] as usize };
            let [mut x, mut y] = level.positions[index];
            if self.current == 0 {
                x += self.hierarchy.offsets[node][0];
                y += self.hierarchy.offsets[node][1];
            }
            *out = [(x * self.unit) as f32, (y * self.unit) as f32];
        }
    }
}

/// Median of the positive node radii (1 if none): the internal length unit.
fn median_radius(input: &LayoutInput) -> f64 {
    let mut radii: Vec<f32> = input.nodes.iter().map(|n| n.radius).filter(|r| *r > 0.0 && r.is_finite()).collect();
    if radii.is_empty() {
        return 1.0;
    }
    radii.sort_by(f32::total_cmp);
    f64::from(radii[radii.len() / 2])
}

/// Warm start: unplaced nodes go near the weighted mean of their placed
/// neighbours, in rounds outwards from the placed ones; nodes with no placed
/// path go to a random spot of the placed area.
fn place_near_neighbours(
    graph: &LevelGraph,
    positions: &mut [[f64; 2]],
    placed: &mut [bool],
    radius: &[f64],
    rng: &mut SplitMix64,
) {
    let n = graph.len();
    loop {
        let mut newly = Vec::new();
        for t in 0..n {
            if placed[t] {
                continue;
            }
            let (mut x, mut y, mut total) = (0.0, 0.0, 0.0);
            for &(other, weight) in graph.neighbours(t) {
                if placed[other as usize] {
                    x += weight * positions[other as usize][0];
                    y += weight * positions[other as usize][1];
                    total += weight;
                }
            }
            if total > 0.0 {
                let [dx, dy] = rng.unit();
                let step = 2.0 * radius.get(t).copied().unwrap_or(1.0).max(1.0) + 1.0;
                newly.push((t, [x / total + dx * step, y / total + dy * step]));
            }
        }
        if newly.is_empty() {
            break;
        }
        for (t, p) in newly {
            positions[t] = p;
            placed[t] = true;
        }
    }
    let count = placed.iter().filter(|&&p| p).count().max(1) as f64;
    let cx = (0..n).filter(|&t| placed[t]).map(|t| positions[t][0]).sum::<f64>() / count;
    let cy = (0..n).filter(|&t| placed[t]).map(|t| positions[t][1]).sum::<f64>() / count;
    let spread =
        (0..n).filter(|&t| placed[t]).map(|t| (positions[t][0] - cx).hypot(positions[t][1] - cy)).fold(1.0, f64::max);
    for t in 0..n {
        if !placed[t] {
            let [dx, dy] = rng.in_disc(spread);
            positions[t] = [cx + dx, cy + dy];
            placed[t] = true;
        }
    }
}

/// Coarsens level 0 until small enough or no longer shrinking, and gives the
/// coarsest level random positions (pinned nodes where pinned).
fn build_coarse_levels(levels: &mut Vec<Level>, params: &LayoutParams, rng: &mut SplitMix64) {
    while let Some(last) = levels.last() {
        if last.graph.len() <= params.coarsest_size.max(2) || levels.len() >= 32 {
            break;
        }
        let Some((graph, coarsening)) = multilevel::coarsen(&last.graph, rng) else {
            break;
        };
        let from_top: Vec<u32> = if last.from_top.is_empty() {
            coarsening.fine_to_coarse.clone()
        } else {
            last.from_top.iter().map(|&f| coarsening.fine_to_coarse[f as usize]).collect()
        };
        let mut positions = vec![[0.0; 2]; graph.len()];
        for (t, &c) in from_top.iter().enumerate() {
            if levels[0].graph.pinned[t] {
                positions[c as usize] = levels[0].positions[t];
            }
        }
        levels.push(Level { graph, positions, from_top, coarsening: Some(coarsening) });
    }
    if let Some(coarsest) = levels.last_mut() {
        let spread = 2.0 * (coarsest.graph.len() as f64).sqrt() + 1.0;
        for c in 0..coarsest.graph.len() {
            let [x, y] = rng.in_disc(spread);
            if !coarsest.graph.pinned[c] {
                coarsest.positions[c] = [x, y];
            }
        }
    }
}
