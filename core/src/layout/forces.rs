//! One ForceAtlas2 iteration (Jacomy et al. 2014, as in Gephi's reference
//! implementation): Barnes–Hut repulsion `kr (deg_i+1)(deg_j+1) / d`, linear
//! attraction `w d` along edges, gravity `g (deg+1)` towards the origin, and
//! the adaptive speed: a global speed from total swing versus total traction,
//! and a per-node speed `s / (1 + sqrt(s * swing_i))`.

use super::barnes_hut::{QuadTree, Repulsion};
use super::graph::LevelGraph;

/// Force model settings shared by all levels (internal units).
#[derive(Clone, Copy, Debug)]
pub(crate) struct ForceSettings {
    pub scaling: f64,
    pub gravity: f64,
    pub theta: f64,
    pub jitter_tolerance: f64,
    pub dissuade_hubs: bool,
    /// Largest displacement of one node in one iteration.
    pub max_displacement: f64,
}

/// Speed state and force buffers of one running simulation.
#[derive(Clone, Debug)]
pub(crate) struct Fa2State {
    force: Vec<[f64; 2]>,
    previous_force: Vec<[f64; 2]>,
    speed: f64,
    speed_efficiency: f64,
}

impl Fa2State {
    pub(crate) fn new(node_count: usize, initial_speed: f64) -> Self {
        Self {
            force: vec![[0.0; 2]; node_count],
            previous_force: vec![[0.0; 2]; node_count],
            speed: initial_speed,
            speed_efficiency: 1.0,
        }
    }

    /// Global speed (for tests and diagnostics).
    #[cfg(test)]
    pub(crate) fn speed(&self) -> f64 {
        self.speed
    }
}

/// How far nodes moved in one iteration (internal units; 0 when nothing can
/// move).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct Movement {
    /// Mass-weighted mean displacement of the movable nodes.
    pub mean: f64,
    /// Largest displacement.
    pub max: f64,
}

/// Runs one iteration on `positions` and reports the movement.
/// `cooling` (in `(0, 1]`) scales every displacement; `adjust_sizes` turns on
/// FA2 anti-collision (`adjustSizes`).
pub(crate) fn iterate(
    graph: &LevelGraph,
    positions: &mut [[f64; 2]],
    state: &mut Fa2State,
    tree: &mut QuadTree,
    settings: &ForceSettings,
    adjust_sizes: bool,
    cooling: f64,
) -> Movement {
    let n = graph.len();
    std::mem::swap(&mut state.force, &mut state.previous_force);
    state.force.clear();
    state.force.resize(n, [0.0; 2]);
    let force = &mut state.force;

    tree.build(positions, &graph.mass);
    let repulsion = Repulsion { scaling: settings.scaling, theta: settings.theta, adjust_sizes };
    tree.add_repulsion(graph, positions, repulsion, force);

    for (i, p) in positions.iter().enumerate() {
        let distance = p[0].hypot(p[1]);
        if distance > 0.0 {
            let factor = settings.gravity * graph.mass[i] / distance;
            force[i][0] -= p[0] * factor;
            force[i][1] -= p[1] * factor;
        }
    }

    for edge in &graph.edges {
        let (a, b) = (edge.a as usize, edge.b as usize);
        let dx = positions[a][0] - positions[b][0];
        let dy = positions[a][1] - positions[b][1];
        if adjust_sizes {
            let gap = dx.hypot(dy) - graph.radius[a] - graph.radius[b];
            if gap <= 0.0 {
                continue;
            }
        }
        let mut factor = -edge.weight;
        if settings.dissuade_hubs {
            factor /= graph.mass[a];
        }
        force[a][0] += dx * factor;
        force[a][1] += dy * factor;
        let mut factor_b = -edge.weight;
        if settings.dissuade_hubs {
            factor_b /= graph.mass[b];
        }
        force[b][0] -= dx * factor_b;
        force[b][1] -= dy * factor_b;
    }

    adjust_speed(graph, state, settings);
    apply_forces(graph, positions, state, settings, adjust_sizes, cooling)
}

/// FA2's global speed: high traction and low swing speed it up (by at most
/// half per iteration), erratic swinging slows it down. Only fully mobile
/// nodes count: a held node's steady force is no sign of convergence.
fn adjust_speed(graph: &LevelGraph, state: &mut Fa2State, settings: &ForceSettings) {
    let mut total_swinging = 0.0;
    let mut total_traction = 0.0;
    let mut movable = 0usize;
    for i in 0..graph.len() {
        if graph.mobility[i] < 1.0 {
            continue;
        }
        movable += 1;
        let [fx, fy] = state.force[i];
        let [px, py] = state.previous_force[i];
        total_swinging += graph.mass[i] * (fx - px).hypot(fy - py);
        total_traction += graph.mass[i] * 0.5 * (fx + px).hypot(fy + py);
    }
    if movable == 0 || total_swinging <= 0.0 || total_traction <= 0.0 {
        return;
    }
    let count = movable as f64;
    let estimated_optimal = 0.05 * count.sqrt();
    let min_jitter = estimated_optimal.sqrt();
    let max_jitter: f64 = 10.0;
    let mut jitter = settings.jitter_tolerance
        * min_jitter.max(max_jitter.min(estimated_optimal * total_traction / (count * count)));
    let min_efficiency = 0.05;
    if total_swinging / total_traction > 2.0 {
        if state.speed_efficiency > min_efficiency {
            state.speed_efficiency *= 0.5;
        }
        jitter = jitter.max(settings.jitter_tolerance);
    }
    let target_speed = jitter * state.speed_efficiency * total_traction / total_swinging;
    if total_swinging > jitter * total_traction {
        if state.speed_efficiency > min_efficiency {
            state.speed_efficiency *= 0.7;
        }
    } else if state.speed < 1000.0 {
        state.speed_efficiency *= 1.3;
    }
    let max_rise = 0.5;
    state.speed += (target_speed - state.speed).min(max_rise * state.speed);
}

fn apply_forces(
    graph: &LevelGraph,
    positions: &mut [[f64; 2]],
    state: &Fa2State,
    settings: &ForceSettings,
    adjust_sizes: bool,
    cooling: f64,
) -> Movement {
    let mut moved = 0.0;
    let mut largest: f64 = 0.0;
    let mut moved_mass = 0.0;
    for (i, position) in positions.iter_mut().enumerate() {
        let mobility = graph.mobility[i];
        if mobility <= 0.0 {
            continue;
        }
        let [fx, fy] = state.force[i];
        let [px, py] = state.previous_force[i];
        let swinging = graph.mass[i] * (fx - px).hypot(fy - py);
        let magnitude = fx.hypot(fy);
        moved_mass += graph.mass[i];
        if magnitude <= 0.0 {
            continue;
        }
        let factor = if adjust_sizes {
            let factor = 0.1 * state.speed / (1.0 + (state.speed * swinging).sqrt());
            (factor * magnitude).min(10.0) / magnitude
        } else {
            state.speed / (1.0 + (state.speed * swinging).sqrt())
        };
        let displacement = (factor * magnitude).min(settings.max_displacement) * cooling * mobility;
        let scale = displacement / magnitude;
        position[0] += fx * scale;
        position[1] += fy * scale;
        moved += graph.mass[i] * displacement;
        largest = largest.max(displacement);
    }
    let mean = if moved_mass > 0.0 { moved / moved_mass } else { 0.0 };
    Movement { mean, max: largest }
}

#[cfg(test)]
mod tests {
    use super::super::graph::WeightedEdge;
    use super::*;

    fn settings() -> ForceSettings {
        ForceSettings {
            scaling: 2.0,
            gravity: 1.0,
            theta: 1.2,
            jitter_tolerance: 1.0,
            dissuade_hubs: false,
            max_displacement: 10.0,
        }
    }

    #[test]
    fn two_linked_nodes_settle_at_the_fa2_equilibrium_distance() {
        // Attraction w d equals repulsion kr m m / d at d = sqrt(kr m m / w),
        // gravity pulls both inwards symmetrically and does not change it much.
        let graph = LevelGraph::from_edges(2, vec![WeightedEdge { a: 0, b: 1, weight: 1.0 }]);
        let mut settings = settings();
        settings.gravity = 0.0;
        let mut positions = vec![[-20.0, 0.0], [20.0, 0.0]];
        let mut state = Fa2State::new(2, 1.0);
        let mut tree = QuadTree::default();
        for _ in 0..500 {
            iterate(&graph, &mut positions, &mut state, &mut tree, &settings, false, 1.0);
        }
        let distance = (positions[0][0] - positions[1][0]).hypot(positions[0][1] - positions[1][1]);
        let expected = (2.0f64 * 2.0 * 2.0).sqrt();
        assert!((distance - expected).abs() < 0.05, "distance {distance}, expected {expected}");
        assert!(state.speed() > 0.0);
    }

    #[test]
    fn pinned_node_does_not_move() {
        let mut graph = LevelGraph::from_edges(2, vec![WeightedEdge { a: 0, b: 1, weight: 1.0 }]);
        graph.mobility[0] = 0.0;
        let mut positions = vec![[5.0, 5.0], [40.0, 0.0]];
        let mut state = Fa2State::new(2, 1.0);
        let mut tree = QuadTree::default();
        for _ in 0..50 {
            iterate(&graph, &mut positions, &mut state, &mut tree, &settings(), false, 1.0);
        }
        assert_eq!(positions[0], [5.0, 5.0]);
        assert_ne!(positions[1], [40.0, 0.0]);
    }
}
