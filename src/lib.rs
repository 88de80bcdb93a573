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

/// Runs one command of the command line.
pub fn run(cli: cli::Cli) -> Result<()> {
    match cli.command {
        cli::Command::Build(args) => cmd::build::run(&args),
        cli::Command::Serve(args) => cmd::serve::run(&args),
        cli::Command::Check(args) => cmd::check::run(&args),
        cli::Command::Init(args) => cmd::init::run(&args),
    }
}
