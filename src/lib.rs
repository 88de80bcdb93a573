//! Broadside: a static site generator for sourced explainer microsites.
//!
//! The pipeline, one module a stage: [`config`] -> [`content`] -> [`story`]
//! -> [`markdown`] -> [`templates`] -> [`output`], tied together by [`site`].
//! The commands in [`cmd`] drive it.

pub mod check;
pub mod cli;
pub mod cmd;
pub mod config;
pub mod content;
pub mod diagnostic;
pub mod fs;
pub mod markdown;
pub mod output;
pub mod serve;
pub mod site;
pub mod story;
pub mod templates;

pub use diagnostic::{Diagnostic, Error, Result};

/// Deeply nested input (thousands of `>` in a row) makes the HTML minifier
/// recurse once per level; the work runs on threads with room for that.
const STACK_SIZE: usize = 512 * 1024 * 1024;

/// At most this many pages go to one parallel task. Rayon cuts a list into
/// as many pieces as threads and cuts further only when a thread steals, so
/// a thread that started late (on the feeds) could sit idle while the other
/// works through the last big piece alone; small pieces keep every core busy
/// to the end.
const PAGES_PER_TASK: usize = 8;

/// Runs one command of the command line, on threads with a large stack.
pub fn run(cli: cli::Cli) -> Result<()> {
    // Fails only if a pool already exists (a test harness); that one is kept.
    let _ = rayon::ThreadPoolBuilder::new()
        .stack_size(STACK_SIZE)
        .build_global();
    std::thread::Builder::new()
        .name("broadside".into())
        .stack_size(STACK_SIZE)
        .spawn(move || run_command(cli))
        .map_err(|e| Error::Usage(format!("cannot start a worker thread: {e}")))?
        .join()
        .unwrap_or_else(|_| {
            Err(Error::Usage(
                "internal error: the build thread panicked".into(),
            ))
        })
}

fn run_command(cli: cli::Cli) -> Result<()> {
    match cli.command {
        cli::Command::Build(args) => cmd::build::run(&args),
        cli::Command::Serve(args) => cmd::serve::run(&args),
        cli::Command::Check(args) => cmd::check::run(&args),
        cli::Command::Init(args) => cmd::init::run(&args),
    }
}
