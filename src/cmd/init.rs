//! `broadside init DIR`: a new story site that builds cleanly, to edit into your own.

use std::path::Path;

use include_dir::{Dir, include_dir};

use crate::cli::InitArgs;
use crate::diagnostic::{Error, Result};
use crate::fs;

/// The example story: site.toml, pages and story data.
static SCAFFOLD: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/src/scaffold");
/// The default theme, so the new site is complete and can be restyled.
static THEME: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

pub fn run(args: &InitArgs) -> Result<()> {
    create(&args.dir)?;
    println!(
        "Created a new story site in {dir}\n\nNext:\n  cd {dir}\n  broadside serve     # preview it while you edit\n  broadside build     # write the site to public/\n\nBefore you publish, in site.toml: base_url (where the site will live), and in\n[extra] publisher and corrections_email (where readers report errors); a\npicture for link previews at static/share.png; and your story in place of\nthe example in content/.",
        dir = args.dir.display()
    );
    Ok(())
}

/// Writes the scaffold into `dir`, which must be new or empty.
pub fn create(dir: &Path) -> Result<()> {
    if dir.exists() {
        let mut entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
        if entries.next().is_some() {
            return Err(Error::Usage(format!(
                "{} is not empty: init writes only into a new or empty folder",
                dir.display()
            )));
        }
    }
    write_dir(&SCAFFOLD, dir)?;
    write_dir(&THEME, &dir.join("themes/default"))
}

fn write_dir(embedded: &Dir<'_>, to: &Path) -> Result<()> {
    for file in embedded.files() {
        fs::write(&to.join(file.path()), file.contents())?;
    }
    for sub in embedded.dirs() {
        write_dir(sub, to)?;
    }
    Ok(())
}
