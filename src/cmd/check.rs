//! `broadside check`: load and render the whole site in memory, write
//! nothing, and report every problem found.

use crate::check::LinkChecker;
use crate::cli::{CheckArgs, Format};
use crate::diagnostic::{Diagnostic, Error, Result, render_diagnostics};
use crate::site::{BuildOptions, Site};

pub fn run(args: &CheckArgs) -> Result<()> {
    let options = BuildOptions {
        root: args.site.root.clone(),
        drafts: args.site.drafts,
        ..BuildOptions::default()
    };
    let diagnostics = check(&options)?;
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    match args.format {
        Format::Human if diagnostics.is_empty() => println!("No problems found."),
        Format::Human => println!("{}", render_diagnostics(&diagnostics)),
        Format::Json => {
            for diagnostic in &diagnostics {
                println!(
                    "{}",
                    serde_json::to_string(diagnostic).expect("diagnostics serialize")
                );
            }
            // For a person watching while the JSON goes to a file or a program.
            if errors > 0 {
                eprintln!("{errors} error{} found", crate::diagnostic::plural(errors));
            }
        }
    }
    if errors > 0 {
        Err(Error::Reported)
    } else {
        Ok(())
    }
}

/// Every diagnostic the site has, errors and warnings. Only a failure to
/// read the files at all (not a problem in them) is an `Err`.
pub fn check(options: &BuildOptions) -> Result<Vec<Diagnostic>> {
    let site = match Site::load(options) {
        Ok(site) => site,
        Err(e) => return e.site_problems(),
    };
    let checker = LinkChecker::new(None, &site.config.base_url);
    let mut diagnostics = site.warnings.clone();
    // An output folder that `build` would refuse to replace.
    if let Err(e) = site.check_output_folder(options.output_dir.is_none()) {
        diagnostics.extend(e.site_problems()?);
    }
    let prepared = match site.prepare(None) {
        Ok(prepared) => prepared,
        Err(e) => {
            diagnostics.extend(e.site_problems()?);
            return Ok(diagnostics);
        }
    };
    diagnostics.extend(prepared.warnings.iter().cloned());
    // A page with errors is reported, and the checks go on over the others.
    if let Err(e) = site.write(&prepared, &checker) {
        diagnostics.extend(e.site_problems()?);
    }
    diagnostics.extend(checker.verify(&site));
    Ok(diagnostics)
}
