//! vmi-map: the desktop app, and its headless commands.

mod cli;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match cli.command {
        Some(command) => cli::run(command),
        None => {
            eprintln!("the desktop app is not built yet; try `vmi-map summary FILES...`");
            ExitCode::FAILURE
        }
    }
}
