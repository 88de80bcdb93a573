//! `broadside build`: render the whole site into a staging folder and swap it in.

use std::path::PathBuf;
use std::time::Instant;

use crate::check::LinkChecker;
use crate::cli::BuildArgs;
use crate::diagnostic::{Diagnostics, Result};
use crate::output::Staging;
use crate::site::{BuildOptions, RenderStats, Site};

/// What a finished build reports.
#[derive(Debug)]
pub struct Built {
    pub stats: RenderStats,
    pub output_dir: PathBuf,
    pub warnings: Vec<crate::Diagnostic>,
}

pub fn run(args: &BuildArgs) -> Result<()> {
    let started = Instant::now();
    let options = BuildOptions {
        root: args.site.root.clone(),
        output_dir: args.output.clone(),
        base_url: args.base_url.clone(),
        drafts: args.site.drafts,
        inject_script: None,
        skip_minify: args.no_minify,
    };
    let built = build(&options)?;
    for warning in &built.warnings {
        eprintln!("{warning}\n");
    }
    println!(
        "Built {} pages, {} assets in {} ms -> {}",
        built.stats.pages,
        built.stats.assets,
        started.elapsed().as_millis(),
        built.output_dir.display()
    );
    Ok(())
}

/// Loads, renders and writes the site. The output folder is replaced only
/// when everything succeeded. For a process that ends after it: the site's
/// memory is left for the system to take back.
pub fn build(options: &BuildOptions) -> Result<Built> {
    let site = Site::load(options)?;
    let output_dir = site.output_dir();
    site.check_output_folder(options.output_dir.is_none())?;
    let mut prepared = site.prepare(None)?;
    let staging = Staging::new(&output_dir)?;
    let checker = LinkChecker::new(Some(&staging), &site.config.base_url);
    let mut diagnostics = Diagnostics::default();
    diagnostics.extend(site.warnings.iter().cloned());
    diagnostics.extend(std::mem::take(&mut prepared.warnings));
    // A page with errors is reported with the other pages' problems, as
    // `check` reports them; the staging folder is then dropped.
    let stats = match site.write(&prepared, &checker) {
        Ok(stats) => stats,
        // Errors, so `finish` below fails with them.
        Err(e) => {
            diagnostics.extend(e.site_problems()?);
            RenderStats::default()
        }
    };
    diagnostics.extend(checker.verify_again(&site));
    // The process ends once the build is done, and the system takes its
    // memory back at once: freeing the site's pages, summaries and link
    // records one by one, on one thread while the other waits, cost a
    // 10,000-page build about 20 ms for the site and records and 10 ms
    // for the summaries (`benches/HISTORY.md`).
    std::mem::forget(prepared);
    std::mem::forget(checker);
    let warnings = diagnostics.finish()?;
    staging.commit()?;
    std::mem::forget(site);
    Ok(Built {
        stats,
        output_dir,
        warnings,
    })
}
