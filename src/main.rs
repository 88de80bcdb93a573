use std::process::ExitCode;

use clap::Parser;

// A build allocates many short-lived strings on both cores at once; mimalloc
// keeps per-thread heaps where the system allocator contends and consolidates.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = broadside::cli::Cli::parse();
    match broadside::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("{error}");
            ExitCode::FAILURE
        }
    }
}
