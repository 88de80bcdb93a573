//! The command line: `broadside build | serve | check | init`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "broadside",
    version,
    about = "A fast static site generator for sourced explainer microsites"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into its output folder (public/ by default).
    Build(BuildArgs),
    /// Preview the site on this computer, rebuilding and reloading on every change.
    Serve(ServeArgs),
    /// Check config, story data, links, anchors and citations without writing anything.
    Check(CheckArgs),
    /// Create a new story site in DIR, ready to build.
    Init(InitArgs),
}

/// Options every command that reads a site shares.
#[derive(Debug, Args, Clone)]
pub struct SiteArgs {
    /// The site folder (the one holding site.toml).
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Include pages marked `draft = true`.
    #[arg(long)]
    pub drafts: bool,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    pub site: SiteArgs,
    /// Write here instead of site.toml's output_dir (relative to the site folder).
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// Use this base URL instead of site.toml's base_url.
    #[arg(long)]
    pub base_url: Option<String>,
    /// Write HTML as the templates produce it (to debug a theme); static CSS and JS stay minified.
    #[arg(long)]
    pub no_minify: bool,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub site: SiteArgs,
    /// The address to listen on. Anything but a loopback address exposes your drafts to the network.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: std::net::IpAddr,
    /// The port; 0 picks a free one.
    #[arg(long, default_value_t = 1111)]
    pub port: u16,
    /// Open the site in the default browser.
    #[arg(long)]
    pub open: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// path:line:column: message, with the line and a caret.
    Human,
    /// One JSON object per line, for editors.
    Json,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub site: SiteArgs,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The folder to create; it must not exist or be empty.
    pub dir: PathBuf,
}
