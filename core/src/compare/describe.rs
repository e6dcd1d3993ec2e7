//! How comparison and triage results name map nodes and show edge metrics: a [`NodeRef`]
//! carries the node's key for the app (to select it on the map) and its kind, label and
//! identifiers as text for people and JSON, since symbols mean nothing outside one store.

use crate::graph::{DependencyMap, EdgeMetrics, MaliciousIndicator, NodeKey, NodeKind};
use crate::model::Timestamp;
use crate::store::Store;
use serde::Serialize;
use serde::ser::{SerializeStruct, Serializer};

/// One node of the map, named.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NodeRef {
    /// The node on the map (not written to JSON).
    #[serde(skip)]
    pub key: NodeKey,
    #[serde(serialize_with = "kind_id")]
    pub kind: NodeKind,
    /// What the map shows for it.
    pub label: String,
    /// The machine id (`m-…`) of a node on a monitored machine.
    pub machine: Option<String>,
    /// The process id (`p-…`) of a process or of the server of a client group.
    pub process: Option<String>,
    /// The address of an external endpoint.
    pub ip: Option<String>,
    pub port: Option<i64>,
}

impl NodeRef {
    /// Names `key`, with the label the map gives it (the key's text when the map lacks it).
    pub fn of(store: &Store, map: &DependencyMap, key: NodeKey) -> NodeRef {
        let text = |sym: crate::store::Sym| Some(store.str(sym).to_string());
        let (machine, process, ip, port) = match key {
            NodeKey::Machine { machine } => (text(machine), None, None, None),
            NodeKey::Process { machine, process } => (text(machine), text(process), None, None),
            NodeKey::MachinePort { machine, port } => (text(machine), None, None, Some(port)),
            NodeKey::External { ip, port } => (None, None, text(ip), Some(port)),
            NodeKey::ClientGroup { machine, process, port } => (text(machine), text(process), None, Some(port)),
            NodeKey::Group { .. } => (None, None, None, None),
        };
        let label = map
            .node(&key)
            .map(|n| n.label.clone())
            .unwrap_or_else(|| [&machine, &process, &ip].into_iter().flatten().cloned().collect::<Vec<_>>().join("/"));
        NodeRef { key, kind: key.kind(), label, machine, process, ip, port }
    }
}

/// The id of a node kind in JSON output.
pub fn node_kind_id(kind: NodeKind) -> &'static str {
    match kind {
        NodeKind::Machine => "machine",
        NodeKind::Process => "process",
        NodeKind::MachinePort => "machine-port",
        NodeKind::External => "external",
        NodeKind::ClientGroup => "client-group",
        NodeKind::Group => "group",
    }
}

fn kind_id<S: Serializer>(kind: &NodeKind, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(node_kind_id(*kind))
}

/// Serializes a timestamp as RFC 3339 text.
pub fn time_text<S: Serializer>(time: &Timestamp, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(time)
}

/// Serializes an optional timestamp as RFC 3339 text or null.
pub fn opt_time_text<S: Serializer>(time: &Option<Timestamp>, serializer: S) -> Result<S::Ok, S::Error> {
    match time {
        Some(t) => serializer.collect_str(t),
        None => serializer.serialize_none(),
    }
}

/// Edge metrics as JSON: the sums, the average response time and the seen range.
pub struct MetricsJson<'a>(pub &'a EdgeMetrics);

impl Serialize for MetricsJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let m = self.0;
        let mut s = serializer.serialize_struct("EdgeMetrics", 15)?;
        s.serialize_field("bytes_sent", &m.bytes_sent)?;
        s.serialize_field("bytes_received", &m.bytes_received)?;
        s.serialize_field("links_established", &m.links_established)?;
        s.serialize_field("links_terminated", &m.links_terminated)?;
        s.serialize_field("links_failed", &m.links_failed)?;
        s.serialize_field("links_live", &m.links_live)?;
        s.serialize_field("failed_minutes", &m.failed_minutes)?;
        s.serialize_field("responses", &m.responses)?;
        s.serialize_field("response_time_avg_ms", &m.response_time_avg_ms())?;
        s.serialize_field("response_time_min_ms", &m.response_time_min_ms)?;
        s.serialize_field("response_time_max_ms", &m.response_time_max_ms)?;
        s.serialize_field("rows", &m.rows)?;
        s.serialize_field("first_seen", &m.first_seen.map(|t| t.to_string()))?;
        s.serialize_field("last_seen", &m.last_seen.map(|t| t.to_string()))?;
        s.serialize_field("malicious_ip", &m.malicious.as_ref().map(|i| i.ip.as_str()))?;
        s.end()
    }
}

/// Serializes optional edge metrics (a side where the edge is absent is null).
pub fn opt_metrics<S: Serializer>(metrics: &Option<EdgeMetrics>, serializer: S) -> Result<S::Ok, S::Error> {
    match metrics {
        Some(m) => MetricsJson(m).serialize(serializer),
        None => serializer.serialize_none(),
    }
}

/// A threat-intelligence indicator as JSON.
pub struct IndicatorJson<'a>(pub &'a MaliciousIndicator);

impl Serialize for IndicatorJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let i = self.0;
        let mut s = serializer.serialize_struct("MaliciousIndicator", 11)?;
        s.serialize_field("ip", &i.ip)?;
        s.serialize_field("threat_type", &i.threat_type)?;
        s.serialize_field("description", &i.description)?;
        s.serialize_field("tlp_level", &i.tlp_level)?;
        s.serialize_field("confidence", &i.confidence)?;
        s.serialize_field("severity", &i.severity)?;
        s.serialize_field("first_reported", &i.first_reported)?;
        s.serialize_field("last_reported", &i.last_reported)?;
        s.serialize_field("is_active", &i.is_active)?;
        s.serialize_field("report_link", &i.report_link)?;
        s.serialize_field("additional_information", &i.additional_information)?;
        s.end()
    }
}

/// Serializes a threat-intelligence indicator with every field.
pub fn indicator_json<S: Serializer>(indicator: &MaliciousIndicator, serializer: S) -> Result<S::Ok, S::Error> {
    IndicatorJson(indicator).serialize(serializer)
}
