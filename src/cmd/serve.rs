//! `broadside serve`: preview the site locally, rebuilding on every change.

use crate::cli::ServeArgs;
use crate::diagnostic::Result;
use crate::serve::{Preview, ServeOptions};

pub fn run(args: &ServeArgs) -> Result<()> {
    let options = ServeOptions {
        root: args.site.root.clone(),
        bind: args.bind,
        port: args.port,
        drafts: args.site.drafts,
    };
    if !args.bind.is_loopback() {
        eprintln!(
            "warning: serving on {}: other computers on your network can see this preview",
            args.bind
        );
    }
    // A missing site.toml is the wrong folder, not a mistake to fix while serving.
    crate::config::require_site_toml(&options.root)?;
    let (preview, session) = Preview::start(&options)?;
    // Ctrl-C (or SIGTERM, SIGHUP): remove the private build folder before leaving.
    let served = preview.state.output.clone();
    ctrlc::set_handler(move || {
        if let Some(dir) = served.parent() {
            let _ = std::fs::remove_dir_all(dir);
        }
        std::process::exit(0);
    })
    .map_err(|e| crate::Error::Usage(format!("cannot handle Ctrl-C: {e}")))?;

    println!("Serving the site at {} (Ctrl-C to stop)", preview.url());
    if preview.has_built() {
        println!("Built into {}", preview.state.output.display());
    } else {
        println!(
            "Nothing to show until the site builds: fix the errors above, and open pages reload."
        );
    }
    if args.open
        && let Err(e) = opener::open(preview.url())
    {
        eprintln!("could not open a browser: {e}");
    }
    preview.watch(&options, session)
}
