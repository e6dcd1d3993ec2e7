//! What a workspace save costs the UI thread on a big estate, and what the background hashing
//! of the loaded files costs its own thread.
//!
//! `workspace_bench FILE... [--runs N]` loads the files into the app's state (as the load job
//! would hand them over), then times, median of N:
//! - the hashing job's work after the load: every loaded file read and hashed (xxh3);
//! - `Save` of the workspace once those hashes are in (what a user's save costs now);
//! - `Save` with no hash in (a save that comes before the hashing finished: it reads every
//!   file on the UI thread, as every save did before).
//!
//! Prints one JSON object. Files cached: run it twice, or `cat` them first.

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use anyhow::{Context, Result};
use std::time::Instant;
use vmi_core::ingest;
use vmi_map::state::workspace::{WorkspaceAction, content_hash};
use vmi_map::state::{AppState, Effect, ExportAction, LoadAction, SaveTarget, update};

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}

/// The state with `files` loaded; returns it and the files its load asks to hash.
fn loaded(files: &[&String]) -> Result<(AppState, Vec<String>)> {
    let mut state = AppState::default();
    for file in files {
        let result = ingest::load_path(std::path::Path::new(file), &mut |_| true);
        result.as_ref().map_err(|e| anyhow::anyhow!("{e}")).with_context(|| file.to_string())?;
        update(&mut state, LoadAction::File { name: file.to_string(), result: Box::new(result) });
    }
    let to_hash = update(&mut state, LoadAction::Finished)
        .into_iter()
        .find_map(|effect| if let Effect::HashFiles(sources) = effect { Some(sources) } else { None })
        .unwrap_or_default();
    Ok((state, to_hash))
}

/// Seconds of one workspace save of `state`.
fn save(state: &mut AppState, path: &std::path::Path) -> Result<f64> {
    let start = Instant::now();
    update(state, ExportAction::Save { target: SaveTarget::Workspace, path: path.to_path_buf() });
    let secs = start.elapsed().as_secs_f64();
    anyhow::ensure!(state.errors.is_empty(), "save failed: {:?}", state.errors);
    Ok(secs)
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let runs = vmi_bench::runs(&args, 5).max(1);
    let files = vmi_bench::files(&args);
    anyhow::ensure!(!files.is_empty(), "usage: workspace_bench FILE... [--runs N]");
    let folder = std::env::temp_dir().join(format!("vmi-workspace-bench-{}", std::process::id()));
    std::fs::create_dir_all(&folder)?;
    let path = folder.join("bench.vmimap");
    let bytes: u64 = files.iter().filter_map(|f| std::fs::metadata(f).ok()).map(|m| m.len()).sum();

    let (mut unhashed, to_hash) = loaded(&files)?;
    let (mut hashed, _) = loaded(&files)?;
    let (mut hashing, mut save_hashed, mut save_unhashed) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..runs {
        // The hashing job's work, as its thread does it.
        let start = Instant::now();
        let hashes: Vec<_> = to_hash.iter().map(|s| (s.clone(), content_hash(std::path::Path::new(s)))).collect();
        hashing.push(start.elapsed().as_secs_f64());
        for (source, hash) in hashes {
            update(&mut hashed, WorkspaceAction::Hashed { source, hash: hash.map_err(|e| e.to_string()) });
        }
        save_hashed.push(save(&mut hashed, &path)?);
        save_unhashed.push(save(&mut unhashed, &path)?);
    }
    let _ = std::fs::remove_dir_all(&folder);
    let report = serde_json::json!({
        "files": files,
        "bytes": bytes,
        "runs": runs,
        "hashing_job_secs": median(hashing),
        "save_secs_with_hashes": median(save_hashed),
        "save_secs_before_hashes": median(save_unhashed),
    });
    println!("{}", serde_json::to_string_pretty(&report)?);
    Ok(())
}
