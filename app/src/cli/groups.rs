//! `vmi-map groups`: move groups of the loaded machines with their cut, partition totals beside
//! naive groupings, and the suggested move order, as one JSON object; optionally the firewall
//! rules of one group (or of the groups moved so far) as CSV or an NSG fragment, and the
//! groups as CSV for a planning spreadsheet.

use super::{GroupsArgs, load_all};
use anyhow::{Context, Result, bail};
use serde_json::{Value, json};
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use vmi_core::graph::{Inventory, MapRequest};
use vmi_core::groups::{
    Dependency, DependencyData, Endpoint, GroupingOptions, NaiveGrouping, PartitionTotals, Plan, RuleScope, Traffic,
    Weight, nsg_security_rules, rules_csv,
};

/// Shared services listed beside the groups, for the user to decide what to exclude.
const SHARED_SERVICES_LISTED: usize = 10;

pub fn groups(args: &GroupsArgs) -> Result<ExitCode> {
    let weight =
        Weight::parse(&args.weight).with_context(|| format!("--weight {:?}: use bytes, links or any", args.weight))?;
    let (store, all_loaded) = load_all(&args.files);
    let request = MapRequest { from: args.window.from, to: args.window.to, ..Default::default() };
    let inventory = Inventory::new(&store);
    let data = Arc::new(DependencyData::collect(&store, &inventory, &request));
    let options = GroupingOptions {
        weight,
        max_size: args.max_size,
        together: args.together.iter().map(|set| names(set)).collect(),
        apart: args
            .apart
            .iter()
            .map(|pair| match names(pair).as_slice() {
                [a, b] => Ok((a.clone(), b.clone())),
                _ => bail!("--apart {pair:?}: give two machines, A,B"),
            })
            .collect::<Result<_>>()?,
        excluded: args.exclude.clone(),
        seed: args.seed,
        resolution: args.resolution,
    };
    let plan = Plan::new(Arc::clone(&data), options)?;
    if let [group, out] = args.rules.as_slice() {
        write_rules(&plan, group, Path::new(out))?;
    }
    if let Some(out) = &args.export {
        std::fs::write(out, plan.groups_csv()).with_context(|| format!("writing {}", out.display()))?;
    }
    println!("{}", serde_json::to_string_pretty(&report(&plan)).context("writing the groups")?);
    Ok(if all_loaded { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// `A,B,C` as trimmed names.
fn names(list: &str) -> Vec<String> {
    list.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect()
}

/// `G3` (a group) or `moved:N` (the groups of the first N steps of the move order).
fn scope(plan: &Plan, group: &str) -> Result<RuleScope> {
    if let Some(steps) = group.strip_prefix("moved:") {
        let steps: usize = steps.parse().with_context(|| format!("--rules {group:?}: moved:N takes a number"))?;
        return Ok(RuleScope::moved_so_far(plan, steps));
    }
    match plan.find_group(group) {
        Some(g) => Ok(RuleScope::group(g)),
        None => bail!("--rules: no group {group:?} (the groups are G1..G{})", plan.group_count()),
    }
}

fn write_rules(plan: &Plan, group: &str, out: &Path) -> Result<()> {
    let scope = scope(plan, group)?;
    let rules = plan.firewall_rules(&scope);
    let extension = out.extension().and_then(|e| e.to_str()).unwrap_or_default().to_ascii_lowercase();
    let text = match extension.as_str() {
        "csv" => rules_csv(&rules),
        "json" => {
            let prefix = group.replace(':', "-").to_ascii_lowercase();
            serde_json::to_string_pretty(&nsg_security_rules(&rules, &prefix)?)?
        }
        _ => bail!("--rules {}: write OUT.csv or OUT.json", out.display()),
    };
    std::fs::write(out, text).with_context(|| format!("writing {}", out.display()))
}

fn report(plan: &Plan) -> Value {
    let data = plan.data();
    let machine_names = |machines: &[usize]| -> Vec<&str> {
        machines.iter().filter_map(|&m| data.machines.get(m)).map(|m| m.name.as_str()).collect()
    };
    let groups: Vec<Value> = plan
        .groups()
        .into_iter()
        .filter(|g| !g.machines.is_empty())
        .map(|g| {
            let cut: Vec<Value> =
                plan.cut(g.index).iter().filter_map(|&d| data.dependencies.get(d)).map(dependency).collect();
            json!({
                "name": g.name,
                "machines": machine_names(&g.machines),
                "internal": traffic(g.internal),
                "cut": traffic(g.cut),
                "cut_dependencies": cut,
            })
        })
        .collect();
    let order: Vec<Value> = plan
        .move_order()
        .into_iter()
        .map(|step| {
            json!({
                "group": step.name,
                "crossing_bytes": step.crossing.bytes,
                "crossing_links": step.crossing.links,
                "crossing_weight": step.crossing_weight,
            })
        })
        .collect();
    let shared: Vec<Value> = data
        .shared_services(SHARED_SERVICES_LISTED)
        .into_iter()
        .map(|s| json!({ "machine": s.name, "in_degree": s.in_degree }))
        .collect();
    let options = plan.options();
    json!({
        "weight": options.weight.name(),
        "seed": options.seed,
        "max_size": options.max_size,
        "machines": data.machines.len(),
        "dependencies": data.dependencies.len(),
        "excluded": machine_names(&plan.excluded()),
        "shared_services": shared,
        "totals": totals(&plan.totals()),
        "naive": {
            "resource_group": totals(&plan.naive_totals(NaiveGrouping::ResourceGroup)),
            "subnet24": totals(&plan.naive_totals(NaiveGrouping::Subnet24)),
        },
        "groups": groups,
        "move_order": order,
    })
}

fn traffic(t: Traffic) -> Value {
    json!({ "bytes": t.bytes, "links": t.links, "failures": t.failures, "dependencies": t.dependencies })
}

fn totals(t: &PartitionTotals) -> Value {
    json!({
        "groups": t.groups,
        "internal": traffic(t.internal),
        "cut": traffic(t.cut),
        "to_excluded": traffic(t.to_excluded),
        "external": traffic(t.external),
        "cut_bytes_share": t.cut_bytes_share,
        "cut_links_share": t.cut_links_share,
    })
}

fn endpoint(end: &Endpoint) -> Value {
    json!({ "machine": end.name, "process": end.process, "ips": end.ips, "monitored": end.machine.is_some() })
}

fn dependency(dep: &Dependency) -> Value {
    json!({
        "from": endpoint(&dep.from),
        "to": endpoint(&dep.to),
        "port": dep.port,
        "protocol": dep.protocol,
        "bytes": dep.bytes(),
        "links": dep.links_established,
        "failures": dep.links_failed,
        "first_seen": dep.first_seen.map(|t| t.to_string()),
        "last_seen": dep.last_seen.map(|t| t.to_string()),
    })
}
