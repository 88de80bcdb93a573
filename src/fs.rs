//! File-system calls that name their path when they fail.

use std::path::Path;

use crate::diagnostic::{Diagnostic, Error, Result};

/// Reads a text file. Bad UTF-8 or a byte-order mark are reported or dropped
/// here, so every later stage can treat the text as clean.
pub fn read_text(path: &Path, shown_as: &Path) -> Result<String> {
    let mut bytes = std::fs::read(path).map_err(|e| Error::io(shown_as, e))?;
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    // Converted in place: a site's text is read once and never copied.
    String::from_utf8(bytes).map_err(|e| {
        let bytes = e.as_bytes();
        let valid_up_to = e.utf8_error().valid_up_to();
        let valid = std::str::from_utf8(&bytes[..valid_up_to]).unwrap_or_default();
        Diagnostic::error(
            shown_as,
            "the file is not valid UTF-8 text; save it as UTF-8",
        )
        .at_offset(valid, valid.len())
        .into()
    })
}

pub fn write(path: &Path, contents: &[u8]) -> Result<()> {
    if let Some(parent) = path.parent() {
        create_dir_all(parent)?;
    }
    std::fs::write(path, contents).map_err(|e| Error::io(path, e))
}

pub fn create_dir_all(path: &Path) -> Result<()> {
    std::fs::create_dir_all(path).map_err(|e| Error::io(path, e))
}

/// Whether the symbolic link `path` leads to a file inside `root`. The build
/// follows such a link, and never one that leads out of the site.
pub fn links_to_file_inside(root: &Path, path: &Path) -> bool {
    match (std::fs::canonicalize(path), root.canonicalize()) {
        (Ok(target), Ok(root)) => target.starts_with(root) && target.is_file(),
        _ => false,
    }
}

/// The warning for the symbolic link `path` that the build skipped, saying why.
pub fn skipped_link(path: &Path, shown_as: &Path) -> Diagnostic {
    let why = match std::fs::canonicalize(path) {
        Err(_) => "it leads nowhere (its target is missing, or it loops)",
        Ok(target) if target.is_dir() => "it leads to a folder",
        Ok(_) => "it leads outside the site",
    };
    Diagnostic::warning(shown_as, format!("skipped: a symbolic link, and {why}"))
}

pub fn rename(from: &Path, to: &Path) -> Result<()> {
    std::fs::rename(from, to).map_err(|e| Error::io(to, e))
}
