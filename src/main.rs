use std::process::ExitCode;

use broadside::cli::Command;
use clap::Parser;

// A build allocates many short-lived strings on both cores at once; mimalloc
// keeps per-thread heaps where the system allocator contends and consolidates.
// Its v2 line (the `v2` feature in Cargo.toml), not v3: on the 10,000-page
// benchmark v2 was 2–5% faster and peaked 8–10 MB lower (README, Performance).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = broadside::cli::Cli::parse();
    if matches!(cli.command, Command::Build(_) | Command::Check(_)) {
        broadside::keep_freed_memory();
    }
    match broadside::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(broadside::Error::Reported) => ExitCode::FAILURE,
        Err(error) => {
            eprintln!("{error}");
            ExitCode::FAILURE
        }
    }
}
