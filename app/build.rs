//! Generates the bundled sample estate (30 machines over 6 hours, as portal CSV exports)
//! into OUT_DIR, so the binary carries it and a double-clicked app needs nothing beside it.
//! From 04:00 a firewall drops the busiest app server's port, so a first-time user sees the
//! window comparison and the failure triage find something.
//!
//! Built on Windows for Windows, it also embeds the app icon and the version information
//! (from Cargo.toml) in vmi-map.exe, which Explorer, the taskbar and "Properties" show.

use std::path::PathBuf;
use vmi_fixtures::{EstateSpec, Incident, IncidentKind, Shape, Table, generate, write_to_bytes};

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=../fixtures/gen/src");
    embed_windows_resources();
    let Some(out) = std::env::var_os("OUT_DIR").map(PathBuf::from) else {
        println!("cargo::error=OUT_DIR is not set");
        return;
    };
    let incidents = vec![Incident { kind: IncidentKind::FirewallDrop, minute: 240 }];
    let spec = EstateSpec { machines: 30, hours: 6, seed: 1, density: 0.1, incidents, ..EstateSpec::default() };
    let estate = generate(spec);
    for table in Table::ALL {
        let path = out.join(format!("{}.csv", table.name()));
        if let Err(error) = std::fs::write(&path, write_to_bytes(&estate, Shape::PortalCsv, table)) {
            println!("cargo::error=cannot write {}: {error}", path.display());
        }
    }
}

/// The icon and version resource of vmi-map.exe. A build script runs on the host, so this is
/// compiled on a Windows host (where `winresource` is a build-dependency) and acts only when
/// the target is Windows too; elsewhere it does nothing.
#[cfg(windows)]
fn embed_windows_resources() {
    println!("cargo::rerun-if-changed=../packaging/windows/vmi-map.ico");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() != Ok("windows") {
        return;
    }
    let mut resource = winresource::WindowsResource::new();
    resource.set_icon("../packaging/windows/vmi-map.ico");
    resource.set("ProductName", "vmi-map");
    resource.set("FileDescription", "vmi-map: dependency maps from Azure VM Insights exports");
    if let Err(error) = resource.compile() {
        println!("cargo::error=cannot embed the Windows icon and version information: {error}");
    }
}

#[cfg(not(windows))]
fn embed_windows_resources() {}
