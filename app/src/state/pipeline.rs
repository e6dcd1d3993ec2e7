//! The pipeline from loaded records to what is on screen, each stage recomputed only when its
//! input changed: store -> inventory -> map (window, focus) -> view (filters, expanded
//! machines) -> layout. Called from `update` only.

use super::queries::{FilterValues, SearchIndex};
use super::{AppError, AppState, Effect, ErrorKind};
use vmi_core::graph::view::build_view;
use vmi_core::graph::{Inventory, build_map};
use vmi_core::layout::{LayoutParams, LayoutWorker, PositionMap};
use vmi_core::model::TableKind;

/// Views of up to this many nodes are laid out at once on the UI thread (a few milliseconds),
/// so the first frame is already settled; bigger ones settle on the layout thread.
const SYNC_LAYOUT_MAX_NODES: usize = 600;

impl AppState {
    /// After the loaded records changed.
    pub(super) fn rebuild_all(&mut self) {
        self.inventory = Inventory::new(&self.store);
        self.data_extent = vmi_core::trends::time_extent(&self.store, TableKind::VMConnection);
        self.latest_record = vmi_core::kql::latest_time(&self.store);
        self.filter_values = FilterValues::new(&self.store, &self.inventory);
        super::groups::records_changed(self);
        super::grouping::records_changed(self);
        self.rebuild_map();
    }

    /// After the window or focus changed.
    pub(super) fn rebuild_map(&mut self) {
        let map = build_map(&self.store, &self.inventory, &self.request);
        self.set_map(map);
    }

    /// A map of the window was built (or is put back): a comparison may draw it with another
    /// window's as their union; everything after the map follows.
    pub(super) fn set_map(&mut self, map: vmi_core::graph::DependencyMap) {
        self.map = super::compare::map_built(self, map);
        self.map_version += 1;
        self.search_index = SearchIndex::new(&self.store, &self.inventory, &self.map);
        self.run_search();
        super::groups::map_changed(self);
        self.rebuild_view();
    }

    /// After filters or expanded machines changed.
    pub(super) fn rebuild_view(&mut self) {
        let old = std::mem::replace(&mut self.view, build_view(&self.store, &self.inventory, &self.map, &self.options));
        self.view_version += 1;
        // Groups are the view's: found again by name, where the user is in the hits kept.
        self.find_matches();
        super::groups::view_changed(self);
        super::compare::view_changed(self);
        self.restart_layout(&old);
    }

    /// Finds the search text's nodes again (the text or the map changed).
    pub(super) fn run_search(&mut self) {
        self.find_matches();
        self.search.current = 0;
    }

    /// The search's matches: map nodes by what the index holds of them, the view's groups by
    /// their names, nodes by their notes.
    fn find_matches(&mut self) {
        self.search.matches = self.search_index.find(&self.search.text);
        super::grouping::add_search_matches(self);
        super::notes::add_search_matches(self);
    }

    /// Lays out the view that replaced `old`: nodes the user has seen keep their place, new
    /// ones start where what stood for them was (a group's machines at the group, a machine's
    /// processes at the machine, a new group where its machines were).
    fn restart_layout(&mut self, old: &vmi_core::graph::view::MapView) {
        self.layout.generation += 1;
        self.layout.worker = None;
        let input = self.view.layout_input();
        let of_view = |map: &PositionMap| -> PositionMap {
            self.view.nodes.iter().filter_map(|n| map.get(&n.key).map(|p| (n.key, *p))).collect()
        };
        // Where each node starts: where it is on screen now (the positions are index-aligned
        // with the old view), else where it was last seen, else where what stood for it is.
        let on_screen: PositionMap = old.nodes.iter().zip(&self.layout.positions).map(|(n, p)| (n.key, *p)).collect();
        let mut warm = of_view(&on_screen);
        for (key, position) in of_view(&self.layout.known) {
            warm.entry(key).or_insert(position);
        }
        for (key, position) in self.view.warm_positions(old, &self.layout.positions) {
            warm.entry(key).or_insert(position);
        }
        let pinned = of_view(&self.layout.pinned);
        if self.always_sync_layout || self.view.nodes.len() <= SYNC_LAYOUT_MAX_NODES {
            self.layout.set_positions(vmi_core::layout::settle(input, &warm, &pinned));
            self.layout.settled = true;
            self.remember_positions();
        } else {
            // Until the first snapshot, known nodes sit where they were and new ones where their
            // container (the group or machine just opened) was.
            let start = |n: &vmi_core::graph::view::ViewNode| {
                let holder = n.container.or(n.parent).and_then(|h| self.view.nodes.get(h));
                warm.get(&n.key).or_else(|| holder.and_then(|h| warm.get(&h.key))).copied().unwrap_or([0.0, 0.0])
            };
            self.layout.set_positions(self.view.nodes.iter().map(start).collect());
            self.layout.settled = false;
            match LayoutWorker::spawn(self.layout.generation, input, LayoutParams::default(), warm, pinned) {
                Ok(worker) => self.layout.worker = Some(worker),
                Err(error) => {
                    self.errors.push(AppError::new(ErrorKind::Job, format!("cannot start the layout thread: {error}")))
                }
            }
        }
    }

    fn remember_positions(&mut self) {
        for (node, position) in self.view.nodes.iter().zip(&self.layout.positions) {
            self.layout.known.insert(node.key, *position);
        }
    }

    /// Takes the layout thread's latest positions, if any.
    pub(super) fn poll_layout(&mut self, effects: &mut Vec<Effect>) {
        let Some(worker) = &self.layout.worker else { return };
        if let Some(snapshot) = worker.try_latest()
            && snapshot.generation == self.layout.generation
            && snapshot.positions.len() == self.view.nodes.len()
        {
            self.layout.set_positions(snapshot.positions);
            if snapshot.done {
                self.layout.settled = true;
                self.remember_positions();
                self.fit_pending |= self.layout.known.len() == self.view.nodes.len();
            }
        }
        if !self.layout.settled {
            effects.push(Effect::Repaint);
        }
    }

    /// Fits the camera to the map when a fit is pending and the canvas and positions are known.
    pub(super) fn fit_if_pending(&mut self) {
        let [width, height] = self.canvas.size();
        if !self.fit_pending || self.layout.positions.is_empty() || width <= 10.0 {
            return;
        }
        let scene = vmi_core::render::MapScene::new(&self.view, &self.layout.positions);
        let (min, max) = scene.bounds();
        let size = [(max[0] - min[0]).max(1.0), (max[1] - min[1]).max(1.0)];
        self.camera.center = [(min[0] + max[0]) / 2.0, (min[1] + max[1]) / 2.0];
        self.camera.zoom = ((width / size[0]).min(height / size[1]) * 0.92).clamp(super::Camera::MIN_ZOOM, 8.0);
        self.fit_pending = false;
    }

    pub(super) fn center_on(&mut self, key: &vmi_core::graph::NodeKey) {
        if let Some(position) = self.view_index_of(key).and_then(|i| self.layout.positions.get(i)) {
            self.camera.center = *position;
        }
    }
}
